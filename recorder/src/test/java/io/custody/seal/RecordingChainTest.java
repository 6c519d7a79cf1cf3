package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Clips;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments of a recording form a chain: missing, reordered, foreign and last segments. */
class RecordingChainTest {
  @TempDir static Path dir;
  static List<Path> a = new ArrayList<>();
  static List<Path> b = new ArrayList<>();
  static final Verifier VERIFIER = new Verifier(Sealing.DEVICE.publicKey());

  @BeforeAll
  static void record() throws Exception {
    Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir.resolve("a"), Duration.ofSeconds(1), 1)
        .forEach(p -> a.add(p.sealed()));
    Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir.resolve("b"), Duration.ofSeconds(1), 1)
        .forEach(p -> b.add(p.sealed()));
    assertThat(a).hasSize(4);
  }

  @Test
  void aWholeRecordingVerifiesInAnyOrder() throws Exception {
    List<Path> shuffled = new ArrayList<>(List.of(a.get(2), a.get(0), a.get(3), a.get(1)));
    RecordingReport r = VERIFIER.verifyRecording(shuffled);
    assertThat(r.ok()).as(r.problem().orElse("")).isTrue();
    assertThat(r.segments()).hasSize(4);
  }

  @Test
  void aMissingSegmentIsNamed() throws Exception {
    RecordingReport r = VERIFIER.verifyRecording(List.of(a.get(0), a.get(1), a.get(3)));
    assertThat(r.problem()).contains("segment 2 is missing");
  }

  @Test
  void aMissingLastSegmentIsDetected() throws Exception {
    RecordingReport r = VERIFIER.verifyRecording(List.of(a.get(0), a.get(1), a.get(2)));
    assertThat(r.problem().orElseThrow()).contains("last segment is missing");
  }

  @Test
  void aSegmentFromAnotherRecordingIsRefused() throws Exception {
    RecordingReport r = VERIFIER.verifyRecording(List.of(a.get(0), b.get(1), a.get(2), a.get(3)));
    assertThat(r.problem().orElseThrow()).contains("belongs to recording " + VERIFIER.verify(b.get(1))
        .manifest().orElseThrow().recordingId());
  }

  @Test
  void aDuplicatedSegmentIsNamed() throws Exception {
    RecordingReport r = VERIFIER.verifyRecording(List.of(a.get(0), a.get(1), a.get(1), a.get(2), a.get(3)));
    assertThat(r.problem().orElseThrow()).contains("segment 1 appears twice");
  }
}
