package io.custody.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fuzz invariants catch what they are meant to: each check is shown failing on a bad parser. */
class FuzzInvariantsTest {
  private static final FuzzInvariants INVARIANTS =
      FuzzInvariants.of(64 * 1024, 4, IllegalArgumentException.class).within(Duration.ofSeconds(2));

  /** A parser that reads a 4-byte length and, like a careful one, checks it against the input. */
  private static byte[] careful(byte[] input) {
    int n = ByteBuffer.wrap(input).getInt();
    if (n < 0 || n > input.length - 4) {
      throw new IllegalArgumentException("length " + n + " past the input");
    }
    byte[] body = new byte[n];
    System.arraycopy(input, 4, body, 0, n);
    return body;
  }

  /** The same parser trusting the length field: it allocates first and fails afterwards. */
  private static byte[] trusting(byte[] input) {
    int n = ByteBuffer.wrap(input).getInt();
    byte[] body = new byte[n];
    if (n > input.length - 4) {
      throw new IllegalArgumentException("length " + n + " past the input");
    }
    System.arraycopy(input, 4, body, 0, n);
    return body;
  }

  private static final byte[] CLAIMS_64_MIB = {0x04, 0, 0, 0, 1, 2, 3};

  @Test
  void aParserThatChecksLengthsPasses() {
    assertThatCode(() -> INVARIANTS.check(CLAIMS_64_MIB.length, () -> careful(CLAIMS_64_MIB)))
        .doesNotThrowAnyException();
    byte[] fine = {0, 0, 0, 3, 1, 2, 3};
    assertThatCode(() -> INVARIANTS.check(fine.length, () -> careful(fine))).doesNotThrowAnyException();
  }

  @Test
  void aLengthFieldTrustedFailsEvenWhenTheParserThenThrowsItsTypedError() {
    assertThatThrownBy(() -> INVARIANTS.check(CLAIMS_64_MIB.length, () -> trusting(CLAIMS_64_MIB)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("over the limit of " + INVARIANTS.allocationLimit(CLAIMS_64_MIB.length));
  }

  @Test
  void anUndocumentedExceptionIsRethrownAsItIs() {
    byte[] short3 = {1, 2, 3};
    assertThatThrownBy(() -> INVARIANTS.check(short3.length, () -> careful(short3)))
        .isInstanceOf(java.nio.BufferUnderflowException.class);
  }

  @Test
  void aHangFailsAndLaterInputsStillRun() {
    FuzzInvariants quick = INVARIANTS.within(Duration.ofMillis(200));
    assertThatThrownBy(() -> quick.check(1, () -> {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.onSpinWait();
      }
    })).isInstanceOf(AssertionError.class).hasMessageContaining("a hang");
    assertThatCode(() -> quick.check(1, () -> {})).doesNotThrowAnyException();
  }
}
