package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import io.custody.crypto.KeyFormatException.Reason;
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
public final class RecipientPublicKey extends PublicKeyMaterial {
  /** Any scalar works for the small-order test: X25519 clamps it to a multiple of 8. */
  private static final byte[] PROBE_SCALAR = new byte[X25519.SCALAR_SIZE];

  static {
    Arrays.fill(PROBE_SCALAR, (byte) 0x5a);
  }

  private RecipientPublicKey(byte[] raw) {
    super(Curve.X25519, raw);
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
}
