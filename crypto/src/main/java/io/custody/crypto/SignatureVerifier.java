package io.custody.crypto;

/**
 * Verifies Ed25519 signatures (RFC 8032 pure Ed25519) under one public key.
 *
 * <p>A verifier from {@link Ed25519#verifier} is thread-safe, and accepts the signatures of every
 * correct Ed25519 signer (tested as a matrix with the JDK's and Tink's). A signature that does not
 * verify yields {@code false}, never an exception; only misuse (ranges outside the arrays) throws.
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
