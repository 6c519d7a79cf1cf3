package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import java.security.SecureRandom;

/**
 * A camera's (or dock's) Ed25519 private key: the 32-byte RFC 8032 seed, and its public key.
 *
 * <p>The seed never leaves this object except through {@link #toPem()} (for provisioning) and to
 * the signers of this package, which keep their own copy. Use {@link Ed25519#signer} to sign.
 * Immutable and thread-safe. {@link #toString()} shows only the public key id; {@link #equals}
 * compares seeds in constant time.
 */
public final class DeviceSigningKey extends PrivateKeyMaterial<DevicePublicKey> {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DeviceSigningKey(byte[] seed) {
    super(Curve.ED25519, seed, derive(seed));
  }

  private static DevicePublicKey derive(byte[] seed) {
    byte[] pub = new byte[KeyCodec.KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pub, 0);
    return DevicePublicKey.trusted(pub);
  }

  /** The RFC 8032 seed (a copy), for this package's signers. */
  byte[] seed() {
    return secretNoCopy().clone();
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
    checkEmbeddedPublicKey(parsed, key.publicKey());
    return key;
  }
}
