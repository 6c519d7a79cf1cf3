package io.custody.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA-256 (RFC 5869) on the JDK's {@code Mac}: derives per-purpose keys (record
 * keys, nonce prefixes) from one secret.
 *
 * <p>Stateless and thread-safe (a {@link Mac} is created per call; derivation is not a hot path).
 */
public final class Hkdf {
  /** HMAC-SHA-256 output length: HashLen of RFC 5869. */
  public static final int HASH_BYTES = 32;
  /** The longest output RFC 5869 allows: 255 blocks. */
  public static final int MAX_OUTPUT_BYTES = 255 * HASH_BYTES;

  private static final String HMAC = "HmacSHA256";

  private Hkdf() {}

  /**
   * Extract-then-expand: {@code length} bytes of output keying material.
   *
   * @param salt optional; {@code null} or empty means HashLen zero bytes, as RFC 5869 says
   * @param info optional context; {@code null} means empty
   * @throws IllegalArgumentException if {@code length} is not in 1..{@value #MAX_OUTPUT_BYTES}
   */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    return expandSha256(extractSha256(salt, ikm), info, length);
  }

  /** HKDF-Extract: the 32-byte pseudorandom key {@code HMAC(salt, ikm)}. */
  public static byte[] extractSha256(byte[] salt, byte[] ikm) {
    Objects.requireNonNull(ikm, "ikm");
    byte[] key = salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt;
    Mac mac = mac(key);
    return mac.doFinal(ikm);
  }

  /**
   * HKDF-Expand: {@code T(1) ‖ T(2) ‖ ...} truncated to {@code length}, with {@code T(i) =
   * HMAC(prk, T(i-1) ‖ info ‖ i)}.
   *
   * @throws IllegalArgumentException if {@code prk} is shorter than 32 bytes or {@code length}
   *     is not in 1..{@value #MAX_OUTPUT_BYTES}
   */
  public static byte[] expandSha256(byte[] prk, byte[] info, int length) {
    Objects.requireNonNull(prk, "prk");
    if (prk.length < HASH_BYTES) {
      throw new IllegalArgumentException("prk must be at least " + HASH_BYTES + " bytes");
    }
    if (length < 1 || length > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "length must be 1.." + MAX_OUTPUT_BYTES + ", got " + length);
    }
    byte[] context = info == null ? new byte[0] : info;
    Mac mac = mac(prk);
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    for (int i = 1, done = 0; done < length; i++) {
      mac.update(block);
      mac.update(context);
      mac.update((byte) i);
      block = mac.doFinal();
      int n = Math.min(HASH_BYTES, length - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has HmacSHA256", e);
    }
  }
}
