package io.custody.h264;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;

/**
 * Coverage-guided fuzzing of the Annex-B scanner and the access-unit assembler (docs/FUZZING.md).
 * Any input must parse or fail with {@link H264FormatException}, in bounded time and memory. The
 * input's last four bytes pick the chunk size the stream is fed in, so start codes and units that
 * straddle chunks are covered too. Seeds: the first NAL units of every kind of bundled clip and of
 * ten ITU-T conformance streams, each cut to its header and first bytes.
 */
class AnnexBFuzzTest {
  /**
   * The scanner's 64 KiB carry and the assembler's 256 KiB access-unit buffer, plus parameter
   * sets; then a few copies of the input (carry, access unit, RBSP).
   */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(1 << 20, 8, H264FormatException.class);

  @FuzzTest
  void scanAndAssemble(FuzzedDataProvider data) {
    int chunk = data.consumeInt(1, 1 << 16);
    byte[] stream = data.consumeRemainingAsBytes();
    INVARIANTS.check(stream.length, () -> {
      AccessUnitAssembler assembler = new AccessUnitAssembler(au -> au.picOrderCnt());
      AnnexBScanner scanner = new AnnexBScanner(assembler);
      for (int at = 0; at < stream.length; at += chunk) {
        scanner.feed(stream, at, Math.min(chunk, stream.length - at));
      }
      scanner.finish();
      assembler.finish();
    });
  }
}
