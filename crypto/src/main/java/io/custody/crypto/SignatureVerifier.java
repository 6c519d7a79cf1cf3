package io.custody.crypto;

/**
 * Verifies the signatures of one device public key, in its {@link SignatureSuite}.
 *
 * <p>A verifier from {@link Signatures#verifier} is thread-safe. Its Ed25519 verifier accepts the
 * signatures of every correct Ed25519 signer (tested as a matrix with the JDK's and Tink's), its
 * P-256 verifier every correct ECDSA signature {@code r ‖ s} (tested against OpenSSL and
 * PKCS#11 tokens). A signature that does not verify yields {@code false}, never an exception; only
 * misuse (ranges outside the arrays) throws.
 */
public interface SignatureVerifier {
  /**
   * Whether {@code signature[signatureOffset, signatureOffset + 64)} is a valid signature of
   * {@code message[offset, offset + length)} under this verifier's key.
   *
   * @throws IndexOutOfBoundsException if either range does not fit its array
   */
  boolean verify(byte[] message, int offset, int length, byte[] signature, int signatureOffset);
}
