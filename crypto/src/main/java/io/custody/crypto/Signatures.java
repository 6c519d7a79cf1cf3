package io.custody.crypto;

import java.util.Objects;

/**
 * Signers and verifiers for device keys of either {@link SignatureSuite}: the entry point that
 * sealing and verification use, so that both suites work everywhere.
 *
 * <p>Ed25519 keys get {@link Ed25519}'s implementation; P-256 keys get ECDSA with SHA-256 and
 * RFC 6979 deterministic nonces on BouncyCastle. A key held in a hardware token signs through
 * its own {@link Signer} (module {@code pkcs11}), and its signatures are checked here like any
 * other. Every signer and verifier handed out is thread-safe.
 */
public final class Signatures {
  private Signatures() {}

  /** A thread-safe signer with {@code key}, in the key's suite. */
  public static Signer signer(DeviceSigningKey key) {
    Objects.requireNonNull(key, "key");
    return key.suite() == SignatureSuite.ED25519 ? Ed25519.signer(key) : P256.signer(key);
  }

  /** A thread-safe verifier of {@code key}'s signatures, in the key's suite. */
  public static SignatureVerifier verifier(DevicePublicKey key) {
    Objects.requireNonNull(key, "key");
    return key.suite() == SignatureSuite.ED25519 ? Ed25519.verifier(key) : P256.verifier(key);
  }

  /** Throws {@link IndexOutOfBoundsException} unless both ranges fit their arrays. */
  static void checkRanges(
      byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
    Objects.checkFromIndexSize(offset, length, message.length);
    Objects.checkFromIndexSize(signatureOffset, Signer.SIGNATURE_BYTES, signature.length);
  }
}
