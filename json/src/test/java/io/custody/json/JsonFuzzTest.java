package io.custody.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of {@link Json#parse} (docs/FUZZING.md): any text must parse or fail
 * with {@link IllegalArgumentException}, in bounded time and memory; what parses writes back to
 * JSON that parses to the same value. Seeds: a subset of the JSONTestSuite's parsing cases (MIT,
 * github.com/nst/JSONTestSuite), accepted, refused and implementation-defined ones.
 */
class JsonFuzzTest {
  /**
   * The text, the tree (a small object per value), and the text written back: an escape such as
   * {@code \b} comes back as {@code \u0008}, three times longer, built in a doubling
   * StringBuilder of UTF-16 chars (a 1.8 KB string of escapes took 508 KB, over an earlier bound
   * of 128 bytes per input byte; its input is kept).
   */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(256 * 1024, 512, IllegalArgumentException.class);

  @FuzzTest
  void parse(byte[] utf8) {
    String text = new String(utf8, StandardCharsets.UTF_8);
    INVARIANTS.check(utf8.length, () -> {
      Object value = Json.parse(text);
      assertThat(Json.parse(Json.write(value))).isEqualTo(value);
    });
  }
}
