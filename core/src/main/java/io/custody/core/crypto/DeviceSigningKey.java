package io.custody.core.crypto;

import io.custody.core.crypto.KeyCodec.Curve;
import io.custody.core.crypto.KeyFormatException.Reason;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * A camera's (or dock's) Ed25519 private key: the 32-byte RFC 8032 seed, and its public key.
 *
 * <p>The seed never leaves this object except through {@link #toPem()} (for provisioning) and to
 * the signers of this package, which keep their own copy. Use {@link Ed25519#signer} to sign.
 * Immutable and thread-safe. {@link #toString()} shows only the public key id; {@link #equals}
 * compares seeds in constant time.
 */
public final class DeviceSigningKey {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] seed;
  private final DevicePublicKey publicKey;

  private DeviceSigningKey(byte[] seed) {
    this.seed = seed;
    byte[] pub = new byte[KeyCodec.KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pub, 0);
    this.publicKey = DevicePublicKey.trusted(pub);
  }

  /** A new key from the platform's {@link SecureRandom}. */
  public static DeviceSigningKey generate() {
    byte[] seed = new byte[KeyCodec.KEY_BYTES];
    RANDOM.nextBytes(seed);
    return new DeviceSigningKey(seed);
  }

  /**
   * The key with this 32-byte RFC 8032 seed (the "secret key" of the RFC's test vectors). For
   * known-answer tests and key derivation; production keys come from {@link #generate()} or
   * {@link #fromPem}.
   *
   * @throws KeyFormatException if not 32 bytes
   */
  public static DeviceSigningKey fromSeed(byte[] seed32) {
    return new DeviceSigningKey(KeyCodec.checkRaw(seed32, "Ed25519 seed"));
  }

  /**
   * Reads an unencrypted PKCS#8 {@code -----BEGIN PRIVATE KEY-----} block (RFC 8410), as {@code
   * openssl genpkey -algorithm ed25519} and the JDK write it. PKCS#8 v2 with the public key is
   * accepted if that public key belongs to the seed.
   *
   * @throws KeyFormatException if the text is not such a block holding an Ed25519 key
   */
  public static DeviceSigningKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PRIVATE_LABEL);
    KeyCodec.PrivateKeyBytes parsed = KeyCodec.parsePkcs8(Curve.ED25519, der);
    DeviceSigningKey key = new DeviceSigningKey(parsed.privateKey());
    if (parsed.publicKeyOrNull() != null
        && !MessageDigest.isEqual(parsed.publicKeyOrNull(), key.publicKey.rawNoCopy())) {
      throw new KeyFormatException(
          Reason.INVALID_KEY, "the PKCS#8 public key does not belong to its private key");
    }
    return key;
  }

  /** The canonical PKCS#8 v1 DER (48 bytes), e.g. for the JDK's PKCS8EncodedKeySpec. */
  byte[] toDer() {
    return KeyCodec.pkcs8(Curve.ED25519, seed);
  }

  /** {@code -----BEGIN PRIVATE KEY-----}, byte-identical to what OpenSSL writes for this key. */
  public String toPem() {
    return KeyCodec.pem(KeyCodec.PRIVATE_LABEL, toDer());
  }

  /** The matching public key. */
  public DevicePublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the seed, for the signers of this package. */
  byte[] seed() {
    return seed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceSigningKey && MessageDigest.isEqual(seed, ((DeviceSigningKey) o).seed);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "DeviceSigningKey{Ed25519, public keyId=" + publicKey.keyIdHex() + "}";
  }
}
