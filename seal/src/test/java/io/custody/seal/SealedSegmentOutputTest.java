package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.Trigger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SealedSegmentOutput} holds state only for the recordings it is writing. */
class SealedSegmentOutputTest {
  private static final int RECORDINGS = 10_000;
  private static final DeviceSigningKey DEVICE = DeviceSigningKey.generate();
  private static final RecipientPrivateKey RECIPIENT = RecipientPrivateKey.generate();
  private static final Path SHM = Path.of("/dev/shm");

  @TempDir Path temp;

  /**
   * A dock records for months: 10,000 recordings of one or two segments each, ending as the
   * recorder ends them (the last segment says so) or abandoned (the open segment is aborted), leave
   * the output holding nothing.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void keepsNothingPerFinishedRecording() throws IOException {
    // Three fsyncs per segment: on tmpfs where there is one, so the test measures the output, not the disk.
    Path dir = Files.isDirectory(SHM) && Files.isWritable(SHM)
        ? Files.createTempDirectory(SHM, "custody-output-test") : temp;
    try {
      SealedSegmentOutput output = new SealedSegmentOutput(dir, Ed25519.signer(DEVICE),
          List.of(RECIPIENT.publicKey()));
      Instant start = Instant.parse("2026-01-01T00:00:00Z");
      for (int i = 0; i < RECORDINGS; i++) {
        RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
            Optional.empty(), start, 0);
        FragmentSink first = open(output, recording, 0);
        switch (i % 4) {
          case 0 -> first.end(info(), true);
          case 1 -> first.abort();
          default -> {
            FragmentSink second = open(output, recording, 1); // opened before the first ends, as at a roll-over
            first.end(info(), false);
            assertThat(output.recordingsInProgress()).as("recording %d continues", i).isEqualTo(1);
            if (i % 4 == 2) {
              second.end(info(), true);
            } else {
              second.abort();
            }
          }
        }
        assertThat(output.recordingsInProgress()).as("after recording %d", i).isZero();
      }
    } finally {
      if (dir != temp) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** The chain between segments still holds: the second names the first's header. */
  @Test
  void theNextSegmentNamesThePreviousHeader() throws IOException {
    SealedSegmentOutput output = new SealedSegmentOutput(temp, Ed25519.signer(DEVICE),
        List.of(RECIPIENT.publicKey()));
    RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    FragmentSink first = open(output, recording, 0);
    FragmentSink second = open(output, recording, 1);
    first.end(info(), false);
    second.end(info(), true);
    Verifier verifier = new Verifier(DEVICE.publicKey());
    RecordingReport report = verifier.verifyRecording(List.of(
        output.pathOf(new SegmentDescriptor(recording, 0, Instant.EPOCH, "CAM", "PC")),
        output.pathOf(new SegmentDescriptor(recording, 1, Instant.EPOCH, "CAM", "PC"))));
    assertThat(report.problem()).isEmpty();
    assertThat(output.recordingsInProgress()).isZero();
  }

  /** The trigger's place: pre_event_ms in the signed manifest of every segment, absent when there is none. */
  @Test
  void theManifestSaysHowMuchFootagePrecedesTheTrigger() throws IOException {
    SealedSegmentOutput output = new SealedSegmentOutput(temp, Ed25519.signer(DEVICE),
        List.of(RECIPIENT.publicKey()));
    Verifier verifier = new Verifier(DEVICE.publicKey());
    for (long preEvent : new long[] {0, 30_000}) {
      RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
          Optional.empty(), Instant.EPOCH, preEvent);
      open(output, recording, 0).end(info(), true);
      VerificationReport r = verifier.verify(
          output.pathOf(new SegmentDescriptor(recording, 0, Instant.EPOCH, "CAM", "PC")));
      assertThat(r.status()).isEqualTo(VerificationReport.Status.COMPLETE);
      assertThat(r.manifest().orElseThrow().preEventMillis()).isEqualTo(preEvent);
      assertThat(r.manifest().orElseThrow().json().contains("pre_event_ms")).isEqualTo(preEvent > 0);
    }
  }

  private static FragmentSink open(SealedSegmentOutput output, RecordingInfo recording, int index)
      throws IOException {
    FragmentSink sink = output.open(new SegmentDescriptor(recording, index, recording.wallClockStart(), "CAM", "PC"));
    sink.init(ByteBuffer.wrap("ftyp....moov....".getBytes(StandardCharsets.US_ASCII)));
    return sink;
  }

  private static SegmentInfo info() {
    return new SegmentInfo(0, 16, List.of());
  }
}
