package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import io.custody.crypto.KeyFormatException.Reason;

/**
 * A camera's (or dock's) public key: what a verifier needs to check the signatures over a
 * segment's hash chain. Of one {@link SignatureSuite}: Ed25519 (RFC 8032, OID 1.3.101.112) or
 * ECDSA P-256 (RFC 5480, the named curve prime256v1).
 *
 * <p>Invariants: an Ed25519 key's 32 bytes are a canonically encoded curve point of prime order,
 * a P-256 key's 65 bytes an uncompressed point of the curve (checked at construction: keys that
 * would admit forged "signatures" are refused); the key id is SHA-256 of the canonical
 * SubjectPublicKeyInfo DER (44 bytes, or 91 for P-256), so the same key always has the same id
 * whatever tool wrote its PEM. Immutable and thread-safe; {@link #equals} compares the key bytes.
 */
public final class DevicePublicKey extends PublicKeyMaterial {
  private final SignatureSuite suite;

  private DevicePublicKey(SignatureSuite suite, byte[] raw) {
    super(curve(suite), raw);
    this.suite = suite;
  }

  static Curve curve(SignatureSuite suite) {
    return suite == SignatureSuite.ED25519 ? Curve.ED25519 : Curve.P256;
  }

  /** For a point derived from a private key: valid by construction, not re-checked. */
  static DevicePublicKey trusted(SignatureSuite suite, byte[] raw) {
    return new DevicePublicKey(suite, raw);
  }

  /** The suite of this key's signatures. */
  public SignatureSuite suite() {
    return suite;
  }

  /**
   * The Ed25519 key in 32-byte RFC 8032 encoding.
   *
   * @throws KeyFormatException if not 32 bytes ({@link Reason#WRONG_LENGTH}) or not a canonical
   *     point of prime order ({@link Reason#INVALID_KEY})
   */
  public static DevicePublicKey fromRaw(byte[] raw32) {
    return fromRaw(SignatureSuite.ED25519, raw32);
  }

  /**
   * The key of {@code suite} in its raw encoding: 32 bytes (RFC 8032) for Ed25519, the 65-byte
   * uncompressed point {@code 04 ‖ x ‖ y} (SEC 1) for P-256, as a PKCS#11 token's {@code
   * CKA_EC_POINT} holds it.
   *
   * @throws KeyFormatException if the bytes are not a valid key of that suite
   */
  public static DevicePublicKey fromRaw(SignatureSuite suite, byte[] raw) {
    if (suite == SignatureSuite.P256) {
      P256.decodePoint(raw);
      return new DevicePublicKey(suite, raw.clone());
    }
    byte[] copy = KeyCodec.checkRaw(raw, "Ed25519 public key");
    if (!org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(copy, 0)) {
      throw new KeyFormatException(
          Reason.INVALID_KEY, "not a canonical Ed25519 point of prime order");
    }
    return new DevicePublicKey(suite, copy);
  }

  /**
   * Reads an X.509 SubjectPublicKeyInfo in a {@code -----BEGIN PUBLIC KEY-----} block, as
   * {@code openssl pkey -pubout} writes it, of an Ed25519 or a P-256 key (the point
   * uncompressed, as OpenSSL writes it).
   *
   * @throws KeyFormatException if the text is not such a block holding a key of either suite
   */
  public static DevicePublicKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PUBLIC_LABEL);
    Curve curve = KeyCodec.spkiCurve(der, Curve.ED25519, Curve.P256);
    SignatureSuite suite = curve == Curve.ED25519 ? SignatureSuite.ED25519 : SignatureSuite.P256;
    return fromRaw(suite, KeyCodec.parseSpki(curve, der));
  }
}
