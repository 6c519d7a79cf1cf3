package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import java.util.Arrays;

/**
 * What the device and recipient public keys share: the key bytes of one curve, their
 * SubjectPublicKeyInfo encodings and the key id (SHA-256 of the SPKI DER). Immutable.
 */
abstract class PublicKeyMaterial {
  private final Curve curve;
  private final byte[] raw;
  private final byte[] keyId;

  PublicKeyMaterial(Curve curve, byte[] raw) {
    this.curve = curve;
    this.raw = raw;
    this.keyId = KeyCodec.keyId(curve, raw);
  }

  /**
   * The canonical SubjectPublicKeyInfo DER (44 bytes; 91 for P-256), e.g. for the JDK's
   * X509EncodedKeySpec.
   */
  public byte[] toDer() {
    return KeyCodec.spki(curve, raw);
  }

  /** {@code -----BEGIN PUBLIC KEY-----}, byte-identical to what OpenSSL writes for this key. */
  public String toPem() {
    return KeyCodec.pem(KeyCodec.PUBLIC_LABEL, toDer());
  }

  /** The key encoding (a copy): 32 bytes, or for P-256 the 65-byte uncompressed point. */
  public byte[] raw() {
    return raw.clone();
  }

  /** The array itself, for this package's signers, verifiers and key wrap; never written to. */
  byte[] rawNoCopy() {
    return raw;
  }

  /** SHA-256 of {@link #toDer()} (32 bytes, a copy): names this key in headers and manifests. */
  public byte[] keyId() {
    return keyId.clone();
  }

  /** {@link #keyId()} as 64 lowercase hex digits. */
  public String keyIdHex() {
    return KeyCodec.hex(keyId);
  }

  // Exact class, not instanceof: a device key never equals a recipient key with the same bytes.
  @SuppressWarnings("EqualsGetClass")
  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(raw, ((PublicKeyMaterial) o).raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + curve.jdkName + ", keyId=" + keyIdHex() + "}";
  }
}
