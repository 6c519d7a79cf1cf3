package io.custody.aac;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;

/**
 * Coverage-guided fuzzing of {@link AdtsReader} (docs/FUZZING.md), in both error policies and
 * fed in chunks of a size the input picks: any input must read or fail with {@link
 * AacFormatException}, in bounded time and memory.
 */
class AdtsFuzzTest {
  /** The reader's 16 KiB carry, and nothing that grows with a header's frame_length. */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(256 * 1024, 4, AacFormatException.class);

  @FuzzTest
  void readAdts(FuzzedDataProvider data) {
    AdtsReader.ErrorPolicy policy = data.consumeBoolean() ? AdtsReader.ErrorPolicy.RESYNC : AdtsReader.ErrorPolicy.STRICT;
    int chunk = data.consumeInt(1, 1 << 16);
    byte[] stream = data.consumeRemainingAsBytes();
    INVARIANTS.check(stream.length, () -> {
      AdtsReader reader = new AdtsReader(frame -> frame.config(), policy);
      for (int at = 0; at < stream.length; at += chunk) {
        reader.feed(stream, at, Math.min(chunk, stream.length - at));
      }
      reader.finish();
    });
  }
}
