package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import io.custody.crypto.KeyFormatException.Reason;

/**
 * A camera's (or dock's) Ed25519 public key (RFC 8032, OID 1.3.101.112): what a verifier needs to
 * check the signatures over a segment's hash chain.
 *
 * <p>Invariants: the 32 bytes are a canonically encoded curve point of prime order (checked at
 * construction: small-order and non-canonical encodings are refused, so no key admits forged
 * "signatures" that verify for every message); the key id is SHA-256 of the canonical
 * SubjectPublicKeyInfo DER (44 bytes), so the same key always has the same id whatever tool wrote
 * its PEM. Immutable and thread-safe; {@link #equals} compares the key bytes.
 */
public final class DevicePublicKey extends PublicKeyMaterial {
  private DevicePublicKey(byte[] raw) {
    super(Curve.ED25519, raw);
  }

  /** For a point derived from a private key: valid by construction, not re-checked. */
  static DevicePublicKey trusted(byte[] raw) {
    return new DevicePublicKey(raw);
  }

  /**
   * The key in 32-byte RFC 8032 encoding.
   *
   * @throws KeyFormatException if not 32 bytes ({@link Reason#WRONG_LENGTH}) or not a canonical
   *     point of prime order ({@link Reason#INVALID_KEY})
   */
  public static DevicePublicKey fromRaw(byte[] raw32) {
    byte[] raw = KeyCodec.checkRaw(raw32, "Ed25519 public key");
    if (!org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(raw, 0)) {
      throw new KeyFormatException(
          Reason.INVALID_KEY, "not a canonical Ed25519 point of prime order");
    }
    return new DevicePublicKey(raw);
  }

  /**
   * Reads an X.509 SubjectPublicKeyInfo in a {@code -----BEGIN PUBLIC KEY-----} block, as
   * {@code openssl pkey -pubout} writes it.
   *
   * @throws KeyFormatException if the text is not such a block holding an Ed25519 key
   */
  public static DevicePublicKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PUBLIC_LABEL);
    return fromRaw(KeyCodec.parseSpki(Curve.ED25519, der));
  }
}
