package io.custody.storage;

import java.nio.charset.StandardCharsets;

/** The key rules of {@link BlobStore}, for plugins to apply the same way. */
public final class Keys {
  /** Longest key in UTF-8 bytes (S3's limit). */
  public static final int MAX_KEY_BYTES = 1024;

  private Keys() {}

  /**
   * Checks a key and returns it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("empty key");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key longer than " + MAX_KEY_BYTES + " bytes");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("key holds a control character: " + printable(key));
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < key.length()
          && Character.isLowSurrogate(key.charAt(++i)))) {
        throw new IllegalArgumentException("key is not valid UTF-16: " + printable(key));
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) {
        throw new IllegalArgumentException("key has an empty segment or one starting with '.' (reserved"
            + " for stores' own objects, such as a segment still being sealed or an S3 create claim): " + printable(key));
      }
    }
    return key;
  }

  /** Whether {@code key} starts with {@code prefix} (the listing rule). */
  public static boolean hasPrefix(String key, String prefix) {
    return key.startsWith(prefix);
  }

  private static String printable(String key) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append('\'').toString();
  }
}
