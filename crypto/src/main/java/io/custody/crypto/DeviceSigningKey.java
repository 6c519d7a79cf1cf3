package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import java.security.SecureRandom;

/**
 * A camera's (or dock's) private key held in software, of one {@link SignatureSuite}: the 32-byte
 * RFC 8032 seed of an Ed25519 key, or the 32-byte scalar of a P-256 key, and its public key.
 *
 * <p>The secret never leaves this object except through {@link #toPem()} (for provisioning) and to
 * the signers of this package, which keep their own copy. Use {@link Signatures#signer} to sign.
 * A key kept in a hardware token is not one of these: it never exists in memory, and its token
 * signs (module {@code pkcs11}). Immutable and thread-safe. {@link #toString()} shows only the
 * public key id; {@link #equals} compares secrets in constant time.
 */
public final class DeviceSigningKey extends PrivateKeyMaterial<DevicePublicKey> {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DeviceSigningKey(SignatureSuite suite, byte[] secret) {
    super(DevicePublicKey.curve(suite), secret, derive(suite, secret));
  }

  private static DevicePublicKey derive(SignatureSuite suite, byte[] secret) {
    if (suite == SignatureSuite.P256) {
      return DevicePublicKey.trusted(suite, P256.publicPoint(P256.scalar(secret)));
    }
    byte[] pub = new byte[KeyCodec.KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(secret, 0, pub, 0);
    return DevicePublicKey.trusted(suite, pub);
  }

  /** The suite of this key's signatures. */
  public SignatureSuite suite() {
    return publicKey().suite();
  }

  /** The RFC 8032 seed or the P-256 scalar (a copy), for this package's signers. */
  byte[] seed() {
    return secretNoCopy().clone();
  }

  /** A new Ed25519 key from the platform's {@link SecureRandom}. */
  public static DeviceSigningKey generate() {
    return generate(SignatureSuite.ED25519);
  }

  /** A new key of {@code suite} from the platform's {@link SecureRandom}. */
  public static DeviceSigningKey generate(SignatureSuite suite) {
    if (suite == SignatureSuite.P256) {
      return new DeviceSigningKey(suite, P256.randomScalar(RANDOM));
    }
    byte[] seed = new byte[KeyCodec.KEY_BYTES];
    RANDOM.nextBytes(seed);
    return new DeviceSigningKey(suite, seed);
  }

  /**
   * The Ed25519 key with this 32-byte RFC 8032 seed (the "secret key" of the RFC's test vectors).
   * For known-answer tests and key derivation; production keys come from {@link #generate()} or
   * {@link #fromPem}.
   *
   * @throws KeyFormatException if not 32 bytes
   */
  public static DeviceSigningKey fromSeed(byte[] seed32) {
    return fromRaw(SignatureSuite.ED25519, seed32);
  }

  /**
   * The key of {@code suite} with this 32-byte secret: the Ed25519 seed, or the P-256 scalar
   * (big-endian, in [1, n − 1]). For known-answer tests.
   *
   * @throws KeyFormatException if not 32 bytes, or a P-256 scalar out of range
   */
  public static DeviceSigningKey fromRaw(SignatureSuite suite, byte[] secret32) {
    String what = suite == SignatureSuite.ED25519 ? "Ed25519 seed" : "P-256 private key";
    return new DeviceSigningKey(suite, KeyCodec.checkRaw(secret32, what));
  }

  /**
   * Reads an unencrypted PKCS#8 {@code -----BEGIN PRIVATE KEY-----} block of an Ed25519 key (RFC
   * 8410, as {@code openssl genpkey -algorithm ed25519} and the JDK write it) or of a P-256 key
   * (RFC 5915 inside, as {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256}
   * writes it). An embedded public key is accepted if it belongs to the private key.
   *
   * @throws KeyFormatException if the text is not such a block holding a key of either suite
   */
  public static DeviceSigningKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PRIVATE_LABEL);
    Curve curve = KeyCodec.pkcs8Curve(der, Curve.ED25519, Curve.P256);
    SignatureSuite suite = curve == Curve.ED25519 ? SignatureSuite.ED25519 : SignatureSuite.P256;
    KeyCodec.PrivateKeyBytes parsed = KeyCodec.parsePkcs8(curve, der);
    DeviceSigningKey key = new DeviceSigningKey(suite, parsed.privateKey());
    checkEmbeddedPublicKey(parsed, key.publicKey());
    return key;
  }
}
