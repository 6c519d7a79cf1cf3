package io.custody.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class Sha256Test {
  /** SHA-256("abc"), FIPS 180-2 appendix B.1. */
  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  private static byte[] digestOfAbc() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest("abc".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void bytesAndHexRoundTrip() throws Exception {
    Sha256 sha = Sha256.of(digestOfAbc());
    assertThat(sha.hex()).isEqualTo(ABC);
    assertThat(sha).hasToString(ABC);
    assertThat(sha.bytes()).isEqualTo(digestOfAbc());
    assertThat(Sha256.parse(ABC)).isEqualTo(sha).hasSameHashCodeAs(sha);
  }

  @Test
  void upperCaseParsesToTheSameValueAndPrintsLowerCase() {
    Sha256 upper = Sha256.parse(ABC.toUpperCase(Locale.ROOT));
    assertThat(upper).isEqualTo(Sha256.parse(ABC));
    assertThat(upper.hex()).isEqualTo(ABC);
  }

  @Test
  void differentBytesAreNotEqual() throws Exception {
    byte[] other = digestOfAbc();
    other[31] ^= 1;
    assertThat(Sha256.of(other)).isNotEqualTo(Sha256.of(digestOfAbc()));
    assertThat(Sha256.of(digestOfAbc())).isNotEqualTo(ABC); // never equal to its text
  }

  @Test
  void itKeepsNoReferenceToAnyArray() throws Exception {
    byte[] in = digestOfAbc();
    Sha256 sha = Sha256.of(in);
    in[0] ^= 1;
    sha.bytes()[1] ^= 1;
    assertThat(sha.hex()).isEqualTo(ABC);
  }

  @Test
  void onlyThirtyTwoBytesMakeOne() {
    assertThatThrownBy(() -> Sha256.of(new byte[31])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a SHA-256 is 32 bytes, not 31");
    assertThatThrownBy(() -> Sha256.of(new byte[33])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlySixtyFourAsciiHexDigitsParse() {
    assertThatThrownBy(() -> Sha256.parse(ABC.substring(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a SHA-256 is 64 hex digits, got 63 characters");
    assertThatThrownBy(() -> Sha256.parse(ABC + "0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sha256.parse("0x" + ABC.substring(2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a SHA-256 is 64 hex digits: character 1 is U+0078");
    assertThatThrownBy(() -> Sha256.parse(" " + ABC.substring(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sha256.parse(ABC.substring(1) + "g")).isInstanceOf(IllegalArgumentException.class);
    // Digits of other scripts (Arabic-Indic, Persian, fullwidth) are digits to Character.digit, not here.
    for (char digit : new char[] {'\u0660', '\u06F0', '\uFF10'}) {
      assertThatThrownBy(() -> Sha256.parse(digit + ABC.substring(1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("character 0");
    }
  }

  @Test
  void theTextIsTheSameInEveryLocale() throws Exception {
    Locale before = Locale.getDefault();
    try {
      for (Locale l : new Locale[] {new Locale("tr", "TR"), new Locale("fa", "IR"), new Locale("ar", "SA"),
          new Locale("hi", "IN")}) {
        Locale.setDefault(l);
        assertThat(Sha256.of(digestOfAbc()).hex()).as(l.toString()).isEqualTo(ABC);
        assertThat(Sha256.parse("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD").hex())
            .as(l.toString()).isEqualTo(ABC);
      }
    } finally {
      Locale.setDefault(before);
    }
  }
}
