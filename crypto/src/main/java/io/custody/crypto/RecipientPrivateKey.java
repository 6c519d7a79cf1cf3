package io.custody.crypto;

import io.custody.crypto.KeyCodec.Curve;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A recipient's X25519 private key (the 32-byte RFC 7748 scalar) and its public key: what {@link
 * KeyWrap#unwrap} needs to open content keys wrapped to that recipient.
 *
 * <p>Held by back offices and escrows, never by cameras, in software or in a hardware token
 * ({@link #inToken}). The scalar of a software key leaves this object only through {@link #toPem()}
 * and to {@link KeyWrap}. Immutable and thread-safe; {@link #toString()}
 * shows only the public key id; {@link #equals} compares scalars in constant time.
 */
public final class RecipientPrivateKey extends PrivateKeyMaterial<RecipientPublicKey> {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The token's key agreement, for a key held in a token; null for a key held here. */
  private final RecipientKeyAgreement agreement;

  private RecipientPrivateKey(byte[] scalar) {
    super(Curve.X25519, scalar, derive(scalar));
    this.agreement = null;
  }

  private RecipientPrivateKey(RecipientKeyAgreement agreement) {
    super(Curve.X25519, null, agreement.publicKey());
    this.agreement = agreement;
  }

  /**
   * The recipient key held in a hardware token behind {@code agreement}: it opens content keys
   * like any other ({@link KeyWrap#unwrap} computes each X25519 agreement in the token), but has
   * no scalar here, so {@link #toPem()} refuses, and it equals only itself.
   */
  public static RecipientPrivateKey inToken(RecipientKeyAgreement agreement) {
    return new RecipientPrivateKey(java.util.Objects.requireNonNull(agreement, "agreement"));
  }

  /** The token's agreement if the key is held in one, else null; for {@link KeyWrap}. */
  RecipientKeyAgreement agreementOrNull() {
    return agreement;
  }

  private static RecipientPublicKey derive(byte[] scalar) {
    byte[] pub = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(scalar, 0, pub, 0);
    return RecipientPublicKey.trusted(pub);
  }

  /** The scalar itself, for {@link KeyWrap}; never written to. */
  byte[] scalarNoCopy() {
    return secretNoCopy();
  }

  /** A new key from the platform's {@link SecureRandom} (clamped, as OpenSSL generates them). */
  public static RecipientPrivateKey generate() {
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(RANDOM, scalar);
    return new RecipientPrivateKey(scalar);
  }

  /**
   * The key with this 32-byte scalar, for known-answer tests (e.g. RFC 9180's {@code skRm}).
   *
   * @throws KeyFormatException if not 32 bytes
   */
  public static RecipientPrivateKey fromRaw(byte[] raw32) {
    return new RecipientPrivateKey(KeyCodec.checkRaw(raw32, "X25519 private key"));
  }

  /**
   * Reads an unencrypted PKCS#8 {@code -----BEGIN PRIVATE KEY-----} block (RFC 8410), as {@code
   * openssl genpkey -algorithm x25519} writes it.
   *
   * @throws KeyFormatException if the text is not such a block holding an X25519 key
   */
  public static RecipientPrivateKey fromPem(String pem) {
    byte[] der = KeyCodec.unpem(pem, KeyCodec.PRIVATE_LABEL);
    KeyCodec.PrivateKeyBytes parsed = KeyCodec.parsePkcs8(Curve.X25519, der);
    RecipientPrivateKey key = new RecipientPrivateKey(parsed.privateKey());
    checkEmbeddedPublicKey(parsed, key.publicKey());
    return key;
  }
}
