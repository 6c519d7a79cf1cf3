package io.custody.crypto;

import io.custody.crypto.KeyFormatException.Reason;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA on P-256 with SHA-256 ({@link SignatureSuite#P256}) on BouncyCastle's lightweight API and
 * its constant-time custom curve ({@code CustomNamedCurves} "P-256"), signing and verifying from
 * the caller's arrays like {@link BouncyCastleEd25519}.
 *
 * <p>Signing is deterministic (RFC 6979 nonces, HMAC-SHA-256), so a software key writes the same
 * signature for the same message, which the test vectors rely on; hardware tokens draw random
 * nonces, and verification accepts any valid signature. Signatures are {@code r ‖ s}, 32 bytes
 * each, big-endian. ECDSA signatures are not unique ({@code (r, n − s)} verifies too): the sealed
 * format never relies on a signature's bytes being the only ones, as its chain covers the bytes
 * actually written.
 *
 * <p>Thread safety: BouncyCastle's {@code ECDSASigner} holds its key between calls, so each
 * signature and each check makes its own (a few small objects, next to a scalar multiplication).
 */
final class P256 {
  static final ECDomainParameters DOMAIN;

  static {
    X9ECParameters curve = CustomNamedCurves.getByName("P-256");
    DOMAIN = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH(), curve.getSeed());
  }

  private static final int SCALAR_BYTES = 32;

  private P256() {}

  /**
   * The point of an uncompressed SEC 1 encoding, checked to lie on the curve (P-256 has cofactor
   * 1, so every such point but infinity has prime order).
   *
   * @throws KeyFormatException if {@code raw} is not such a point
   */
  static ECPoint decodePoint(byte[] raw) {
    if (raw == null || raw.length != KeyCodec.P256_POINT_BYTES || raw[0] != 0x04) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, "a P-256 public key is a 65-byte uncompressed point (0x04 ‖ x ‖ y)");
    }
    ECPoint point;
    try {
      point = DOMAIN.getCurve().decodePoint(raw);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(Reason.INVALID_KEY, "not a point of the P-256 curve", e);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new KeyFormatException(Reason.INVALID_KEY, "not a point of the P-256 curve");
    }
    return point;
  }

  /**
   * The scalar as a number, checked to be in [1, n − 1].
   *
   * @throws KeyFormatException if it is not 32 bytes or out of range
   */
  static BigInteger scalar(byte[] raw) {
    byte[] d = KeyCodec.checkRaw(raw, "P-256 private key");
    BigInteger value = new BigInteger(1, d);
    if (value.signum() == 0 || value.compareTo(DOMAIN.getN()) >= 0) {
      throw new KeyFormatException(Reason.INVALID_KEY, "P-256 private key is 0 or not below the group order");
    }
    return value;
  }

  /** The uncompressed public point of a valid scalar. */
  static byte[] publicPoint(BigInteger d) {
    return new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize().getEncoded(false);
  }

  /** A new random scalar in [1, n − 1], as 32 bytes. */
  static byte[] randomScalar(java.security.SecureRandom random) {
    BigInteger d;
    do {
      d = BigIntegers.createRandomBigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(DOMAIN.getN()) >= 0);
    return BigIntegers.asUnsignedByteArray(SCALAR_BYTES, d);
  }

  static Signer signer(DeviceSigningKey key) {
    return new P256Signer(new ECPrivateKeyParameters(scalar(key.seed()), DOMAIN), key.publicKey());
  }

  static SignatureVerifier verifier(DevicePublicKey key) {
    return new P256Verifier(new ECPublicKeyParameters(decodePoint(key.rawNoCopy()), DOMAIN));
  }

  static byte[] sha256(byte[] message, int offset, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(message, offset, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Writes {@code r ‖ s} (32 bytes each) at {@code signature[offset]}. */
  static void writeSignature(BigInteger r, BigInteger s, byte[] signature, int offset) {
    BigIntegers.asUnsignedByteArray(r, signature, offset, SCALAR_BYTES);
    BigIntegers.asUnsignedByteArray(s, signature, offset + SCALAR_BYTES, SCALAR_BYTES);
  }

  private static final class P256Signer implements Signer {
    private final ECPrivateKeyParameters key;
    private final DevicePublicKey publicKey;

    P256Signer(ECPrivateKeyParameters key, DevicePublicKey publicKey) {
      this.key = key;
      this.publicKey = publicKey;
    }

    @Override
    public void sign(byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
      Signatures.checkRanges(message, offset, length, signature, signatureOffset);
      ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      ecdsa.init(true, key);
      BigInteger[] rs = ecdsa.generateSignature(sha256(message, offset, length));
      writeSignature(rs[0], rs[1], signature, signatureOffset);
    }

    @Override
    public DevicePublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Signer{bouncycastle, " + publicKey + "}";
    }
  }

  private static final class P256Verifier implements SignatureVerifier {
    private final ECPublicKeyParameters key;

    P256Verifier(ECPublicKeyParameters key) {
      this.key = key;
    }

    @Override
    public boolean verify(
        byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
      Signatures.checkRanges(message, offset, length, signature, signatureOffset);
      BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, signatureOffset, signatureOffset + SCALAR_BYTES));
      BigInteger s = new BigInteger(1, Arrays.copyOfRange(
          signature, signatureOffset + SCALAR_BYTES, signatureOffset + 2 * SCALAR_BYTES));
      ECDSASigner ecdsa = new ECDSASigner();
      ecdsa.init(false, key);
      // Refuses r or s outside [1, n − 1] itself.
      return ecdsa.verifySignature(sha256(message, offset, length), r, s);
    }
  }
}
