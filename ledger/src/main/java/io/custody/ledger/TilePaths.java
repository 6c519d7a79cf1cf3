package io.custody.ledger;

import java.util.Locale;

/**
 * Object keys of C2SP tlog-tiles (hash tiles and entry bundles) and of the ledger's own update
 * records, relative to the ledger's root.
 */
final class TilePaths {
  /** Hashes (or entries) per full tile. */
  static final int WIDTH = 256;

  private TilePaths() {}

  /** {@code n} in zero-padded 3-digit elements, all but the last prefixed {@code x}. */
  static String index(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative tile index " + n);
    }
    String last = String.format(Locale.ROOT, "%03d", n % 1000);
    StringBuilder sb = new StringBuilder();
    for (long rest = n / 1000; rest > 0; rest /= 1000) {
      sb.insert(0, String.format(Locale.ROOT, "x%03d/", rest % 1000));
    }
    return sb + last;
  }

  private static String suffix(int width) {
    if (width < 1 || width > WIDTH) {
      throw new IllegalArgumentException("tile width " + width);
    }
    return width == WIDTH ? "" : ".p/" + width;
  }

  /** {@code tile/<L>/<N>[.p/<W>]}. */
  static String tile(int level, long n, int width) {
    return "tile/" + level + "/" + index(n) + suffix(width);
  }

  /** {@code tile/entries/<N>[.p/<W>]}. */
  static String bundle(long n, int width) {
    return "tile/entries/" + index(n) + suffix(width);
  }

  /** The update record that made the ledger's {@code seq}-th checkpoint: {@code log/<seq>}. */
  static String update(long seq) {
    return "log/" + index(seq);
  }

  /** The RFC 3161 time-stamp token of update {@code seq}'s checkpoint. */
  static String timestamp(long seq) {
    return update(seq) + ".tsr";
  }
}
