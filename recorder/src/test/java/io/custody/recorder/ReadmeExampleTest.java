package io.custody.recorder;

import io.custody.mp4.Trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.testing.Clips;
import io.custody.seal.SealedSegmentOutput;
import io.custody.seal.Verifier;
import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding the recorder" sample, run for real: the lines between the markers below
 * must appear in the README exactly (indentation aside), so the sample always compiles and works.
 */
class ReadmeExampleTest {
  @TempDir Path dir;
  private int chunks;

  /** The camera's button, pressed after ten chunks of input. */
  private boolean officerPressedRecord() {
    return chunks == 10;
  }

  private UploadReport embed(Path keys, Path evidence, InputStream encoder, URI archive) throws Exception {
    // README:begin
    DeviceSigningKey device = DeviceSigningKey.fromPem(Files.readString(keys.resolve("device.key")));
    RecipientPublicKey backOffice = RecipientPublicKey.fromPem(Files.readString(keys.resolve("recipient.pub")));
    Recorder recorder = Recorder.builder(
            new SealedSegmentOutput(evidence, Ed25519.signer(device), List.of(backOffice)))
        .preEvent(Duration.ofSeconds(30))          // 0 to 120 s, kept keyframe-aligned
        .segmentDuration(Duration.ofSeconds(60))   // segments are cut at keyframes
        .deviceId("CAM-0042").operatorId("PC-1234")
        .build();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = encoder.read(buf)) > 0; chunks++) {
      recorder.feedAnnexB(buf, 0, n);              // all shift long: the pre-event window fills
      if (officerPressedRecord()) {
        recorder.startRecording(Trigger.button()); // the last 30 s are kept, and what follows
      }
    }
    recorder.close();                              // seals the last segment
    try (BlobStore flash = Storage.open(evidence.toUri()); BlobStore store = Storage.open(archive)) {
      return Uploader.builder(flash, store).deleteSourceAfterVerify(true).build().run("");
    }
    // README:end
  }

  @Test
  void theSampleRecordsSealsAndUploads() throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    DeviceSigningKey device = DeviceSigningKey.generate();
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    Files.writeString(keys.resolve("device.key"), device.toPem());
    Files.writeString(keys.resolve("recipient.pub"), recipient.publicKey().toPem());
    URI archive = URI.create("mem:readme-" + System.nanoTime());
    Path evidence = dir.resolve("evidence");

    UploadReport report = embed(keys, evidence, new ByteArrayInputStream(Clips.bytes("bwc-1080p30-high.h264")), archive);

    assertThat(report.complete()).isTrue();
    assertThat(report.uploaded()).isEqualTo(1);
    try (BlobStore store = Storage.open(archive)) {
      List<String> keysThere = store.list("", java.util.Optional.empty(), 10).items().stream()
          .map(io.custody.storage.BlobInfo::key).toList();
      assertThat(keysThere).hasSize(1);
      Path copy = dir.resolve("copy.sealed");
      try (InputStream in = store.readVerified(keysThere.get(0))) {
        Files.copy(in, copy);
      }
      assertThat(new Verifier(device.publicKey()).verify(copy).status()).isEqualTo(io.custody.seal.VerificationReport.Status.COMPLETE);
    }
  }

  @Test
  void theReadmeShowsTheSampleAsItRuns() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/custody/recorder/ReadmeExampleTest.java"));
    String sample = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
        source.indexOf("// README:end"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(normalize(readme)).contains(normalize(sample));
    assertThat(sample.lines().filter(l -> !l.isBlank()).count()).isLessThanOrEqualTo(20);
  }

  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }
}
