package io.custody.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * {@link Ed25519}'s implementation: {@link Signer} and {@link SignatureVerifier} on
 * BouncyCastle's low-level RFC 8032 code ({@code
 * org.bouncycastle.math.ec.rfc8032.Ed25519}): static, stateless functions that read the message
 * from and write the signature to the caller's arrays.
 *
 * <p>Thread safety: the functions keep no state between calls (the precomputed base-point tables
 * are built once, here, at class initialisation), so one instance serves any number of threads.
 * The signer passes the public key in, so it is not re-derived per signature; the verifier
 * decodes and validates the public point once at construction.
 */
final class BouncyCastleEd25519 {
  static {
    // Builds the base-point tables now rather than inside the first signature of a recording.
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
  }

  private BouncyCastleEd25519() {}

  static Signer signer(DeviceSigningKey key) {
    return new BcSigner(key.seed(), key.publicKey());
  }

  static SignatureVerifier verifier(DevicePublicKey key) {
    PublicPoint point =
        org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(key.rawNoCopy(), 0);
    if (point == null) {
      // DevicePublicKey already refused such keys; kept as a guard.
      throw new KeyFormatException(
          KeyFormatException.Reason.INVALID_KEY, "not a valid Ed25519 public key");
    }
    return new BcVerifier(point);
  }

  private static final class BcSigner implements Signer {
    /** The RFC 8032 seed; never modified. */
    private final byte[] seed;
    /** The encoded public key, handed to every signature so it is not recomputed. */
    private final byte[] publicKeyBytes;
    private final DevicePublicKey publicKey;

    BcSigner(byte[] seed, DevicePublicKey publicKey) {
      this.seed = seed;
      this.publicKeyBytes = publicKey.raw();
      this.publicKey = publicKey;
    }

    @Override
    public void sign(byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
      Signatures.checkRanges(message, offset, length, signature, signatureOffset);
      org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
          seed, 0, publicKeyBytes, 0, message, offset, length, signature, signatureOffset);
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

  private static final class BcVerifier implements SignatureVerifier {
    /** The decoded, validated public point (immutable). */
    private final PublicPoint point;

    BcVerifier(PublicPoint point) {
      this.point = point;
    }

    @Override
    public boolean verify(
        byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
      Signatures.checkRanges(message, offset, length, signature, signatureOffset);
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, signatureOffset, point, message, offset, length);
    }
  }
}
