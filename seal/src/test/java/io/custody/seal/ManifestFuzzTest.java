package io.custody.seal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;

/**
 * Coverage-guided fuzzing of manifest parsing (docs/FUZZING.md): any bytes must give a {@link
 * SegmentManifest} or fail with {@link IllegalArgumentException}, its documented error, in
 * bounded time and memory. Seeds: the manifests of {@link SealedSeeds}' segments.
 */
class ManifestFuzzTest {
  /** The text decoded, the JSON tree and the manifest's fields: a few times the input. */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(256 * 1024, 64, IllegalArgumentException.class);

  @FuzzTest
  void parseManifest(byte[] json) {
    INVARIANTS.check(json.length, () -> SegmentManifest.parse(json));
  }
}
