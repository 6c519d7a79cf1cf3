package io.custody.crypto;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.internal.HpkeDecrypt;
import com.google.crypto.tink.hybrid.internal.HpkeEncrypt;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Wraps a segment's content key for one recipient with HPKE (RFC 9180) in base mode, suite
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM (KEM 0x0020, KDF 0x0001, AEAD 0x0002),
 * single-shot, through Tink with no output prefix.
 *
 * <p>Format: {@code wrapped = enc ‖ ciphertext}, where {@code enc} is the sender's 32-byte
 * ephemeral X25519 public key and {@code ciphertext} is the AES-256-GCM sealing of the content key
 * with empty AAD under the HPKE context's first nonce (sequence number 0): the key's length plus a
 * 16-byte tag. So a 32-byte key wraps to {@value #WRAPPED_LENGTH_32} bytes. Any RFC 9180
 * implementation opens it as {@code SetupBaseR(enc, skR, info).Open("", ciphertext)}.
 *
 * <p>{@code info} is HPKE's {@code info}: it enters the key schedule, so a wrap opens only under
 * the same {@code info}. Bind the context there (format version, segment id, recipient role) so a
 * wrapped key cannot be moved to another segment unnoticed.
 *
 * <p>Each wrap draws a fresh ephemeral key: wrapping the same key twice gives different bytes.
 * Not a hot path (once per segment per recipient). Stateless and thread-safe.
 */
public final class KeyWrap {
  /** Length of HPKE's {@code enc} for DHKEM(X25519): the ephemeral public key. */
  public static final int ENCAPSULATED_KEY_BYTES = 32;
  /** Length of the AES-GCM tag appended to the wrapped key. */
  public static final int TAG_BYTES = 16;
  /** Wrapped length of a 32-byte (AES-256) content key: 32 + 32 + 16. */
  public static final int WRAPPED_LENGTH_32 = 80;

  private static final HpkeParameters PARAMETERS;

  static {
    try {
      PARAMETERS =
          HpkeParameters.builder()
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .setVariant(HpkeParameters.Variant.NO_PREFIX)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(contentKey, "contentKey");
    Objects.requireNonNull(info, "info");
    if (contentKey.length == 0) {
      throw new IllegalArgumentException("contentKey is empty");
    }
    try {
      HybridEncrypt encrypt = HpkeEncrypt.create(tinkPublicKey(recipient));
      return encrypt.encrypt(contentKey, info);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HPKE wrap failed: " + e.getMessage(), e);
    }
  }

  /**
   * Opens a key wrapped by {@link #wrap} (or by any RFC 9180 sender of this suite).
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
    if (wrapped.length <= ENCAPSULATED_KEY_BYTES + TAG_BYTES) {
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.MALFORMED,
          "a wrapped key is at least "
              + (ENCAPSULATED_KEY_BYTES + TAG_BYTES + 1)
              + " bytes, got "
              + wrapped.length,
          null);
    }
    HybridDecrypt decrypt;
    try {
      HpkePrivateKey privateKey =
          HpkePrivateKey.create(
              tinkPublicKey(recipient.publicKey()),
              SecretBytes.copyFrom(recipient.scalarNoCopy(), InsecureSecretKeyAccess.get()));
      decrypt = HpkeDecrypt.create(privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused an X25519 key: " + e.getMessage(), e);
    }
    try {
      return decrypt.decrypt(wrapped, info);
    } catch (GeneralSecurityException e) {
      throw new KeyUnwrapException(
          KeyUnwrapException.Reason.NOT_AUTHENTIC,
          "wrapped key does not open: wrong recipient key "
              + recipient.publicKey().keyIdHex()
              + ", altered bytes, or another info than at wrapping",
          e);
    }
  }

  private static HpkePublicKey tinkPublicKey(RecipientPublicKey key)
      throws GeneralSecurityException {
    return HpkePublicKey.create(PARAMETERS, Bytes.copyFrom(key.rawNoCopy()), null);
  }
}
