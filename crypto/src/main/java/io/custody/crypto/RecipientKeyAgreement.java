package io.custody.crypto;

/**
 * A recipient's X25519 private key that stays where it is, a hardware token, and only computes
 * key agreements: what {@link KeyWrap#unwrap(RecipientKeyAgreement, byte[], byte[])} needs to open
 * a content key without the private key ever being in this process.
 *
 * <p>Implementations compute RFC 7748's {@code X25519(sk, peer)} inside the token (PKCS#11 {@code
 * CKM_ECDH1_DERIVE} with no key derivation function) and hand back the 32-byte shared secret, a
 * value of this one unwrap, never the key. They must be thread-safe.
 */
public interface RecipientKeyAgreement {
  /** The public key of the private key held: the recipient the wraps were made for. */
  RecipientPublicKey publicKey();

  /**
   * {@code X25519(sk, peerPublicKey)}: the 32-byte shared secret with the 32-byte u-coordinate
   * {@code peerPublicKey} (HPKE's {@code enc}).
   *
   * @throws KeyUnwrapException if the token refuses (the message says why)
   */
  byte[] agree(byte[] peerPublicKey) throws KeyUnwrapException;
}
