package io.custody.crypto;

/**
 * Signs messages with one device key, in its {@link SignatureSuite}: pure Ed25519 (RFC 8032:
 * deterministic, no pre-hash, no context) or ECDSA P-256 over SHA-256 ({@code r ‖ s}).
 *
 * <p>The hot path of sealing: one signature per 1-second fragment per camera, thousands of
 * cameras per dock. So the message is a slice of the caller's array and the 64-byte signature is
 * written into the caller's array; implementations allocate as little as their library allows
 * (see {@link Ed25519} for the measured bytes per signature).
 *
 * <p>A signer from {@link Signatures#signer} is thread-safe: one instance may be shared by all the
 * streams of a process. So is a signer whose key is held in a hardware token (module {@code
 * pkcs11}), which serialises its calls to the token. Ed25519 is deterministic, so every correct
 * implementation (the tests cross-check the JDK's and Tink's) writes the same signature for the
 * same key and message; ECDSA is not, unless its nonces are derived (RFC 6979, as in software).
 */
public interface Signer {
  /** Length of a signature in bytes, the same in both suites. */
  int SIGNATURE_BYTES = 64;

  /**
   * Signs {@code message[offset, offset + length)} and writes the 64-byte signature to {@code
   * signature[signatureOffset, signatureOffset + 64)}.
   *
   * @throws IndexOutOfBoundsException if either range does not fit its array
   * @throws SigningException if a hardware token failed to sign (never for a software key)
   */
  void sign(byte[] message, int offset, int length, byte[] signature, int signatureOffset);

  /** The public key that verifies this signer's signatures; its suite is the signer's. */
  DevicePublicKey publicKey();
}
