package io.custody.core.crypto;

import io.custody.core.crypto.KeyCodec.Curve;
import io.custody.core.crypto.KeyFormatException.Reason;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The X25519 public key (RFC 7748, OID 1.3.101.110) of a recipient of sealed evidence (a back
 * office, an escrow): {@link KeyWrap#wrap} wraps segment content keys to it.
 *
 * <p>Invariants: 32 bytes, the most significant bit clear (the canonical encoding RFC 7748
 * producers use), and not a point of small order (whose Diffie-Hellman output is all zeros and
 * would make the wrap readable by anyone; RFC 9180 §7.1.4 requires refusing it). The key id is
 * SHA-256 of the canonical SubjectPublicKeyInfo DER. Immutable and thread-safe.
 */
public final class RecipientPublicKey {
  /** Any scalar works for the small-order test: X25519 clamps it to a multiple of 8. */
  private static final byte[] PROBE_SCALAR = new byte[X25519.SCALAR_SIZE];

  static {
    Arrays.fill(PROBE_SCALAR, (byte) 0x5a);
  }

  private final byte[] raw;
  private final byte[] keyId;

  private RecipientPublicKey(byte[] raw) {
    this.raw = raw;
    this.keyId = KeyCodec.keyId(Curve.X25519, raw);
  }

  /** For a point derived from a private key: valid by construction. */
  static RecipientPublicKey trusted(byte[] raw) {
    return new RecipientPublicKey(raw);
  }

  /**
   * The key in its 32-byte RFC 7748 encoding.
   *
   * @throws KeyFormatException if not 32 bytes ({@link Reason#WRONG_LENGTH}), non-canonical or of
   *     small order ({@link Reason#INVALID_KEY})
   */
  public static RecipientPublicKey fromRaw(byte[] raw32) {
    byte[] raw = KeyCodec.checkRaw(raw32, "X25519 public key");
    if ((raw[31] & 0x80) != 0) {
      throw new KeyFormatException(Reason.INVALID_KEY, "X25519 public key has its top bit set");
    }
    if (!X25519.calculateAgreement(PROBE_SCALAR, 0, raw, 0, new byte[X25519.POINT_SIZE], 0)) {
      throw new KeyFormatException(Reason.INVALID_KEY, "X25519 public key is of small order");
    }
    return new RecipientPublicKey(raw);
  }

  /**
   * Reads an X.509 SubjectPublicKeyInfo in a {@code -----BEGIN PUBLIC KEY-----} block.
   *
   * @throws KeyFormatException if the text is not such a block holding an X25519 key
   */
  public static RecipientPublicKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PUBLIC_LABEL);
    return fromRaw(KeyCodec.parseSpki(Curve.X25519, der));
  }

  /** The canonical SubjectPublicKeyInfo DER (44 bytes). */
  public byte[] toDer() {
    return KeyCodec.spki(Curve.X25519, raw);
  }

  /** {@code -----BEGIN PUBLIC KEY-----}, byte-identical to what OpenSSL writes for this key. */
  public String toPem() {
    return KeyCodec.pem(KeyCodec.PUBLIC_LABEL, toDer());
  }

  /** The 32-byte RFC 7748 encoding (a copy). */
  public byte[] raw() {
    return raw.clone();
  }

  byte[] rawNoCopy() {
    return raw;
  }

  /** SHA-256 of {@link #toDer()} (32 bytes, a copy): names this recipient in manifests. */
  public byte[] keyId() {
    return keyId.clone();
  }

  /** {@link #keyId()} as 64 lowercase hex digits. */
  public String keyIdHex() {
    return KeyCodec.hex(keyId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecipientPublicKey && Arrays.equals(raw, ((RecipientPublicKey) o).raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "RecipientPublicKey{X25519, keyId=" + keyIdHex() + "}";
  }
}
