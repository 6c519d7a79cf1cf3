package io.custody.crypto;

/**
 * Signs messages with one Ed25519 key (RFC 8032 pure Ed25519: deterministic, no pre-hash, no
 * context).
 *
 * <p>The hot path of sealing: one signature per 1-second fragment per camera, thousands of
 * cameras per dock. So the message is a slice of the caller's array and the 64-byte signature is
 * written into the caller's array; implementations allocate as little as their library allows
 * (see {@link Ed25519} for the measured bytes per signature).
 *
 * <p>A signer from {@link Ed25519#signer} is thread-safe: one instance may be shared by all the
 * streams of a process. Ed25519 is deterministic, so every correct implementation (the tests
 * cross-check the JDK's and Tink's) writes the same signature for the same key and message.
 */
public interface Signer {
  /** Length of an Ed25519 signature in bytes. */
  int SIGNATURE_BYTES = 64;

  /**
   * Signs {@code message[offset, offset + length)} and writes the 64-byte signature to {@code
   * signature[signatureOffset, signatureOffset + 64)}.
   *
   * @throws IndexOutOfBoundsException if either range does not fit its array
   */
  void sign(byte[] message, int offset, int length, byte[] signature, int signatureOffset);

  /** The public key that verifies this signer's signatures. */
  DevicePublicKey publicKey();
}
