package io.custody.storage;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 digest: 32 bytes. Immutable; equal when the bytes are. Stores record one per object
 * ({@link BlobInfo#sha256()}) and callers compare them with {@link #equals}, never as text, so
 * case or formatting can never make equal digests differ.
 *
 * <p>Its text form, wherever a digest is written to an outside format (object metadata, file
 * attributes, journals, JSON), is {@link #hex()}: 64 lower-case hex digits, the same in every
 * locale. {@link #parse} reads it back.
 */
public final class Sha256 {
  /** The length of a SHA-256 in bytes. */
  public static final int BYTES = 32;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Sha256(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * The digest made of these 32 bytes (as {@link java.security.MessageDigest#digest()} returns
   * them); the array is copied.
   *
   * @throws IllegalArgumentException if {@code digest} is not 32 bytes long
   */
  public static Sha256 of(byte[] digest) {
    if (digest.length != BYTES) {
      throw new IllegalArgumentException("a SHA-256 is " + BYTES + " bytes, not " + digest.length);
    }
    return new Sha256(digest.clone());
  }

  /**
   * Reads a digest written as 64 hex digits ({@code 0-9}, {@code a-f} or {@code A-F}; nothing
   * else, not even spaces, a prefix or other scripts' digits).
   *
   * @throws IllegalArgumentException if {@code hex} is not exactly that, saying where
   */
  public static Sha256 parse(String hex) {
    if (hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException("a SHA-256 is " + 2 * BYTES + " hex digits, got " + hex.length()
          + " characters");
    }
    for (int i = 0; i < hex.length(); i++) {
      if (!HexFormat.isHexDigit(hex.charAt(i))) {
        throw new IllegalArgumentException("a SHA-256 is " + 2 * BYTES + " hex digits: character " + i
            + " is U+" + HexFormat.of().withUpperCase().toHexDigits(hex.charAt(i)));
      }
    }
    return new Sha256(HEX.parseHex(hex));
  }

  /** The 64 lower-case hex digits, as stores write it. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** The 32 bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256 other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@link #hex()}. */
  @Override
  public String toString() {
    return hex();
  }
}
