package io.custody.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Wraps a segment's content key for one recipient with HPKE (RFC 9180) in base mode, suite
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM (KEM 0x0020, KDF 0x0001, AEAD 0x0002),
 * single-shot, on BouncyCastle's public HPKE API ({@code org.bouncycastle.crypto.hpke.HPKE}).
 *
 * <p>Format: {@code wrapped = enc ‖ ciphertext}, where {@code enc} is the sender's 32-byte
 * ephemeral X25519 public key and {@code ciphertext} is the AES-256-GCM sealing of the content key
 * with empty AAD under the HPKE context's first nonce (sequence number 0): the key's length plus a
 * 16-byte tag. So a 32-byte key wraps to {@value #WRAPPED_LENGTH_32} bytes. Any RFC 9180
 * implementation opens it as {@code SetupBaseR(enc, skR, info).Open("", ciphertext)}. Tink wrote
 * these bytes until issue 14 and still opens them (and this class opens Tink's), which the tests
 * check, with the RFC's vector and an independent implementation of the RFC.
 *
 * <p>{@code info} is HPKE's {@code info}: it enters the key schedule, so a wrap opens only under
 * the same {@code info}. Bind the context there (format version, segment id, recipient role) so a
 * wrapped key cannot be moved to another segment unnoticed.
 *
 * <p>Each wrap draws a fresh ephemeral key: wrapping the same key twice gives different bytes.
 * Not a hot path (once per segment per recipient), but it runs for every segment of every camera,
 * so its garbage matters: a wrap allocates ~26 KB on JDK 17 and 25, against ~1.16 MB with Tink's
 * HPKE before issue 14 (its pure-Java X25519), measured by {@code
 * io.custody.benchmarks.GarbageProbe} ({@code benchmarks/README.md}, stage 3); {@code KeyWrapTest}
 * fails if a wrap or an unwrap allocates more than 64 KiB. Stateless and thread-safe:
 * BouncyCastle's {@code HPKE} objects hold key-agreement state, so each call makes its own.
 */
public final class KeyWrap {
  /** Length of HPKE's {@code enc} for DHKEM(X25519): the ephemeral public key. */
  public static final int ENCAPSULATED_KEY_BYTES = 32;
  /** Length of the AES-GCM tag appended to the wrapped key. */
  public static final int TAG_BYTES = 16;
  /** Wrapped length of a 32-byte (AES-256) content key: 32 + 32 + 16. */
  public static final int WRAPPED_LENGTH_32 = 80;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] NO_AAD = new byte[0];

  private KeyWrap() {}

  /** {@code 32 + contentKeyLength + 16}: the length {@link #wrap} returns for such a key. */
  public static int wrappedLength(int contentKeyLength) {
    return ENCAPSULATED_KEY_BYTES + contentKeyLength + TAG_BYTES;
  }

  /**
   * Seals {@code contentKey} to {@code recipient}.
   *
   * @param info HPKE {@code info}, the context the wrap is bound to (may be empty, not null)
   * @return {@code enc ‖ ciphertext}, {@link #wrappedLength}{@code (contentKey.length)} bytes
   * @throws IllegalArgumentException if {@code contentKey} is empty
   */
  public static byte[] wrap(RecipientPublicKey recipient, byte[] contentKey, byte[] info) {
    byte[] ephemeral = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(RANDOM, ephemeral);
    return wrap(recipient, contentKey, info, ephemeral);
  }

  /**
   * {@link #wrap(RecipientPublicKey, byte[], byte[])} with the given ephemeral X25519 scalar: what
   * it runs after drawing one, and what the known-answer tests run with a fixed one.
   */
  static byte[] wrap(
      RecipientPublicKey recipient, byte[] contentKey, byte[] info, byte[] ephemeralScalar) {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(contentKey, "contentKey");
    Objects.requireNonNull(info, "info");
    if (contentKey.length == 0) {
      throw new IllegalArgumentException("contentKey is empty");
    }
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(ephemeralScalar, 0);
    HPKEContextWithEncapsulation context =
        hpke()
            .setupBaseS(
                new X25519PublicKeyParameters(recipient.rawNoCopy(), 0),
                info,
                new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));
    byte[] ciphertext;
    try {
      ciphertext = context.seal(NO_AAD, contentKey);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-256-GCM refused to seal a key: " + e.getMessage(), e);
    }
    byte[] wrapped = Arrays.copyOf(context.getEncapsulation(), wrappedLength(contentKey.length));
    System.arraycopy(ciphertext, 0, wrapped, ENCAPSULATED_KEY_BYTES, ciphertext.length);
    return wrapped;
  }

  /**
   * Opens a key wrapped by {@link #wrap} (or by any RFC 9180 sender of this suite). A recipient
   * key held in a token ({@link RecipientPrivateKey#inToken}) opens it through its token.
   *
   * @param info the same HPKE {@code info} as at wrapping time
   * @return the content key
   * @throws KeyUnwrapException {@link KeyUnwrapException.Reason#MALFORMED} if {@code wrapped} is
   *     too short to be a wrap, {@link KeyUnwrapException.Reason#NOT_AUTHENTIC} for a wrong
   *     recipient key, altered bytes or another {@code info}
   */
  public static byte[] unwrap(RecipientPrivateKey recipient, byte[] wrapped, byte[] info)
      throws KeyUnwrapException {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(wrapped, "wrapped");
    Objects.requireNonNull(info, "info");
    if (recipient.agreementOrNull() != null) {
      return unwrap(recipient.agreementOrNull(), wrapped, info);
    }
    if (wrapped.length <= ENCAPSULATED_KEY_BYTES + TAG_BYTES) {
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.MALFORMED,
          "a wrapped key is at least "
              + (ENCAPSULATED_KEY_BYTES + TAG_BYTES + 1)
              + " bytes, got "
              + wrapped.length,
          null);
    }
    AsymmetricCipherKeyPair recipientPair =
        new AsymmetricCipherKeyPair(
            new X25519PublicKeyParameters(recipient.publicKey().rawNoCopy(), 0),
            new X25519PrivateKeyParameters(recipient.scalarNoCopy(), 0));
    try {
      HPKEContext context =
          hpke().setupBaseR(Arrays.copyOf(wrapped, ENCAPSULATED_KEY_BYTES), recipientPair, info);
      return context.open(
          NO_AAD, wrapped, ENCAPSULATED_KEY_BYTES, wrapped.length - ENCAPSULATED_KEY_BYTES);
    } catch (InvalidCipherTextException | IllegalStateException e) {
      // IllegalStateException: BouncyCastle's X25519 refuses an enc of small order (all-zero
      // shared secret); such bytes were altered or forged, like any other that fail the tag.
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.NOT_AUTHENTIC,
          "wrapped key does not open: wrong recipient key "
              + recipient.publicKey().keyIdHex()
              + ", altered bytes, or another info than at wrapping",
          e);
    }
  }

  /**
   * Opens a key wrapped by {@link #wrap} with a recipient key that computes its X25519 agreement
   * elsewhere (a hardware token): the same RFC 9180 base-mode {@code SetupBaseR} and {@code Open}
   * as {@link #unwrap(RecipientPrivateKey, byte[], byte[])}, written out here (DHKEM decapsulation,
   * key schedule, AES-256-GCM) because BouncyCastle's HPKE wants the private key itself. The tests
   * check that both open the same wraps, and the RFC's vector.
   *
   * @throws KeyUnwrapException as {@link #unwrap(RecipientPrivateKey, byte[], byte[])} does, or
   *     when the token refuses the agreement
   */
  public static byte[] unwrap(RecipientKeyAgreement recipient, byte[] wrapped, byte[] info)
      throws KeyUnwrapException {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(wrapped, "wrapped");
    Objects.requireNonNull(info, "info");
    if (wrapped.length <= ENCAPSULATED_KEY_BYTES + TAG_BYTES) {
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.MALFORMED,
          "a wrapped key is at least " + (ENCAPSULATED_KEY_BYTES + TAG_BYTES + 1) + " bytes, got " + wrapped.length,
          null);
    }
    byte[] enc = Arrays.copyOf(wrapped, ENCAPSULATED_KEY_BYTES);
    byte[] dh = recipient.agree(enc);
    if (dh.length != X25519.POINT_SIZE || MessageDigest.isEqual(dh, new byte[X25519.POINT_SIZE])) {
      // An enc of small order gives the all-zero secret, which RFC 9180 §7.1.4 refuses.
      throw new KeyUnwrapException(KeyUnwrapException.Reason.NOT_AUTHENTIC,
          "wrapped key does not open: its ephemeral key is of small order", null);
    }
    byte[] kemContext = concat(enc, recipient.publicKey().rawNoCopy());
    byte[] kemSuite = concat(ascii("KEM"), new byte[] {0x00, 0x20});
    byte[] sharedSecret = labeledExpand(kemSuite,
        labeledExtract(kemSuite, new byte[0], "eae_prk", dh), "shared_secret", kemContext, 32);
    byte[] suite = concat(ascii("HPKE"), new byte[] {0x00, 0x20, 0x00, 0x01, 0x00, 0x02});
    byte[] context = concat(new byte[] {0x00}, concat(
        labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]),
        labeledExtract(suite, new byte[0], "info_hash", info)));
    byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
    byte[] key = labeledExpand(suite, secret, "key", context, 32);
    byte[] nonce = labeledExpand(suite, secret, "base_nonce", context, 12);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      return gcm.doFinal(wrapped, ENCAPSULATED_KEY_BYTES, wrapped.length - ENCAPSULATED_KEY_BYTES);
    } catch (AEADBadTagException e) {
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.NOT_AUTHENTIC,
          "wrapped key does not open: wrong recipient key " + recipient.publicKey().keyIdHex()
              + ", altered bytes, or another info than at wrapping",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is missing from this JDK", e);
    }
  }

  /** RFC 9180 §4: {@code Extract(salt, "HPKE-v1" ‖ suite ‖ label ‖ ikm)}. */
  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) {
    return Hkdf.extractSha256(salt, concat(concat(concat(ascii("HPKE-v1"), suite), ascii(label)), ikm));
  }

  /** RFC 9180 §4: {@code Expand(prk, I2OSP(length, 2) ‖ "HPKE-v1" ‖ suite ‖ label ‖ info, length)}. */
  private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length) {
    byte[] labeled = concat(concat(concat(new byte[] {(byte) (length >>> 8), (byte) length}, ascii("HPKE-v1")),
        concat(suite, ascii(label))), info);
    return Hkdf.expandSha256(prk, labeled, length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static HPKE hpke() {
    return new HPKE(
        HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }
}
