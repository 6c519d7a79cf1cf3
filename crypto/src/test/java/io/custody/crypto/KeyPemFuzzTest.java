package io.custody.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the PEM key readers (docs/FUZZING.md): any text, read as each of the
 * four kinds of key, must give a key or fail with {@link KeyFormatException}, in bounded time and
 * memory. Seeds: the test-vector keys of docs/test-vectors in every kind, and OpenSSL's forms.
 */
class KeyPemFuzzTest {
  /** The text, its Base64 body and DER, and the ASN.1 tree of one small structure. */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(256 * 1024, 32, KeyFormatException.class);

  @FuzzTest
  void readPem(byte[] utf8) {
    String pem = new String(utf8, StandardCharsets.UTF_8);
    INVARIANTS.check(utf8.length, () -> DeviceSigningKey.fromPem(pem));
    INVARIANTS.check(utf8.length, () -> DevicePublicKey.fromPem(pem));
    INVARIANTS.check(utf8.length, () -> RecipientPrivateKey.fromPem(pem));
    INVARIANTS.check(utf8.length, () -> RecipientPublicKey.fromPem(pem));
  }
}
