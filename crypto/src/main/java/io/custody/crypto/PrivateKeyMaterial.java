package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import io.custody.crypto.KeyFormatException.Reason;
import java.security.MessageDigest;

/**
 * What the device signing key and the recipient private key share: 32 secret bytes of one curve,
 * their public key, the PKCS#8 encodings, and constant-time equality. The secret leaves only
 * through {@link #toPem()} and to this package. Immutable.
 *
 * @param <P> the public key type
 */
abstract class PrivateKeyMaterial<P extends PublicKeyMaterial> {
  private final Curve curve;
  private final byte[] secret;
  private final P publicKey;

  PrivateKeyMaterial(Curve curve, byte[] secret, P publicKey) {
    this.curve = curve;
    this.secret = secret;
    this.publicKey = publicKey;
  }

  /**
   * Refuses a PKCS#8 whose embedded public key (RFC 8410 v2 form) is not this key's: a file whose
   * halves disagree is damaged or forged.
   */
  static void checkEmbeddedPublicKey(KeyCodec.PrivateKeyBytes parsed, PublicKeyMaterial derived) {
    if (parsed.publicKeyOrNull() != null
        && !MessageDigest.isEqual(parsed.publicKeyOrNull(), derived.rawNoCopy())) {
      throw new KeyFormatException(Reason.INVALID_KEY, "the PKCS#8 public key does not belong to its private key");
    }
  }

  /**
   * @throws IllegalStateException if the key is held in a hardware token: it has no bytes here
   */
  byte[] toDer() {
    if (secret == null) {
      throw new IllegalStateException("the private key " + publicKey.keyIdHex()
          + " is held in a hardware token and never leaves it: it has no PEM");
    }
    return KeyCodec.pkcs8(curve, secret, publicKey.rawNoCopy());
  }

  /**
   * {@code -----BEGIN PRIVATE KEY-----} (PKCS#8: RFC 8410, or RFC 5915 for P-256), as OpenSSL
   * writes it.
   *
   * @throws IllegalStateException if the key is held in a hardware token
   */
  public String toPem() {
    return KeyCodec.pem(KeyCodec.PRIVATE_LABEL, toDer());
  }

  /** The matching public key. */
  public P publicKey() {
    return publicKey;
  }

  /** The secret bytes themselves, for this package; never written to; null for a token's key. */
  byte[] secretNoCopy() {
    return secret;
  }

  // Exact class, not instanceof: a device key never equals a recipient key with the same bytes.
  @SuppressWarnings("EqualsGetClass")
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o == null || o.getClass() != getClass()) {
      return false;
    }
    byte[] other = ((PrivateKeyMaterial<?>) o).secret;
    // A key held in a token equals only itself: its secret is not here to compare.
    return secret != null && other != null && MessageDigest.isEqual(secret, other);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + curve.jdkName + ", public keyId=" + publicKey.keyIdHex() + "}";
  }
}
