package io.custody.recorder;

import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.mp4.Trigger;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.testing.Clips;
import io.custody.seal.RecordingReport;
import io.custody.seal.SealedSegmentOutput;
import io.custody.seal.Verifier;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import io.custody.storage.memory.MemoryBlobStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The camera records and seals into a directory; the dock opens it as a file: store and uploads. */
class RecordSealUploadTest {
  @Test
  void sealedRecordingTravelsIntactFromTheCameraDirectoryToTheEvidenceStore(@TempDir Path dir) throws Exception {
    DeviceSigningKey device = DeviceSigningKey.generate();
    RecipientPrivateKey backOffice = RecipientPrivateKey.generate();
    Path camera = dir.resolve("camera");
    Recorder recorder = Recorder.builder(new SealedSegmentOutput(camera, Ed25519.signer(device),
            List.of(backOffice.publicKey())))
        .segmentDuration(Duration.ofSeconds(1)).build();
    recorder.startRecording(Trigger.button());
    byte[] clip = Clips.bytes("bwc-720p30-baseline.h264");
    recorder.feedAnnexB(clip, 0, clip.length);
    recorder.close();

    BlobStore local = Storage.open(camera.toUri());
    MemoryBlobStore evidence = new MemoryBlobStore(URI.create("mem:" + UUID.randomUUID()));
    UploadReport report = Uploader.builder(local, evidence).build().run("");
    assertThat(report.complete()).isTrue();
    assertThat(report.uploaded()).isEqualTo(4);

    List<Path> downloaded = new ArrayList<>();
    for (var it = evidence.listAll(""); it.hasNext(); ) {
      BlobInfo info = it.next();
      Path p = dir.resolve("download").resolve(info.key());
      Files.createDirectories(p.getParent());
      try (InputStream in = evidence.readVerified(info.key())) {
        Files.copy(in, p);
      }
      downloaded.add(p);
    }
    RecordingReport verified = new Verifier(device.publicKey()).verifyRecording(downloaded);
    assertThat(verified.ok()).as(verified.problem().orElse("")).isTrue();
    assertThat(verified.segments()).hasSize(4);
  }
}
