package io.custody.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of the tree at one size: the partial hash tile of every level and the partial
 * entry bundle. Enough to append, to compute the root, and to name every tile an update writes.
 * Bounded: at most 255 hashes per level and 255 entries. Not thread-safe.
 */
final class TreeState {
  /** One object an update writes (a tile or a bundle), keyed relative to the ledger root. */
  static final class Tile {
    private final String key;
    private final byte[] bytes;

    Tile(String key, byte[] bytes) {
      this.key = key;
      this.bytes = bytes;
    }

    String key() {
      return key;
    }

    byte[] bytes() {
      return bytes;
    }
  }

  private long size;
  private final List<List<byte[]>> levels = new ArrayList<>();
  private final List<byte[]> bundle = new ArrayList<>();

  static TreeState empty() {
    return new TreeState();
  }

  long size() {
    return size;
  }

  TreeState copy() {
    TreeState c = new TreeState();
    c.size = size;
    for (List<byte[]> l : levels) {
      c.levels.add(new ArrayList<>(l));
    }
    c.bundle.addAll(bundle);
    return c;
  }

  /**
   * Appends one entry. A bundle or tile that this entry completes is added to {@code out} as a full
   * tile.
   */
  void append(byte[] entry, List<Tile> out) {
    bundle.add(entry);
    size++;
    if (bundle.size() == TilePaths.WIDTH) {
      out.add(new Tile(TilePaths.bundle((size - 1) / TilePaths.WIDTH, TilePaths.WIDTH), Bundles.encode(bundle)));
      bundle.clear();
    }
    byte[] h = Merkle.leafHash(entry);
    for (int level = 0; ; level++) {
      if (levels.size() == level) {
        levels.add(new ArrayList<>());
      }
      List<byte[]> tile = levels.get(level);
      tile.add(h);
      if (tile.size() < TilePaths.WIDTH) {
        return;
      }
      long hashesAtLevel = size >>> (8 * level);
      out.add(new Tile(TilePaths.tile(level, hashesAtLevel / TilePaths.WIDTH - 1, TilePaths.WIDTH), concat(tile)));
      h = Merkle.perfect(tile, 0, TilePaths.WIDTH);
      tile.clear();
    }
  }

  /** The partial tiles and the partial bundle at the current size (all must exist for a checkpoint). */
  void partials(List<Tile> out) {
    for (int level = 0; level < levels.size(); level++) {
      List<byte[]> tile = levels.get(level);
      if (!tile.isEmpty()) {
        long n = (size >>> (8 * level)) / TilePaths.WIDTH;
        out.add(new Tile(TilePaths.tile(level, n, tile.size()), concat(tile)));
      }
    }
    if (!bundle.isEmpty()) {
      out.add(new Tile(TilePaths.bundle(size / TilePaths.WIDTH, bundle.size()), Bundles.encode(bundle)));
    }
  }

  /** The keys of {@link #partials}, without their bytes, in the same order. */
  static List<String> partialKeys(long size) {
    List<String> keys = new ArrayList<>();
    for (int level = 0; (size >>> (8 * level)) > 0; level++) {
      long hashes = size >>> (8 * level);
      int width = (int) (hashes % TilePaths.WIDTH);
      if (width > 0) {
        keys.add(TilePaths.tile(level, hashes / TilePaths.WIDTH, width));
      }
    }
    int width = (int) (size % TilePaths.WIDTH);
    if (width > 0) {
      keys.add(TilePaths.bundle(size / TilePaths.WIDTH, width));
    }
    return keys;
  }

  /**
   * Rebuilds the state at {@code size} from its partial tiles and bundle ({@link #partialKeys}
   * order), as read from the store. The caller checks the root against a signed checkpoint.
   */
  static TreeState fromPartials(long size, List<byte[]> objects) {
    TreeState s = new TreeState();
    s.size = size;
    int next = 0;
    for (int level = 0; (size >>> (8 * level)) > 0; level++) {
      int width = (int) ((size >>> (8 * level)) % TilePaths.WIDTH);
      List<byte[]> tile = new ArrayList<>();
      if (width > 0) {
        byte[] b = objects.get(next++);
        if (b.length != width * Merkle.HASH) {
          throw new LedgerFormatException("tile of width " + width + " holds " + b.length + " bytes");
        }
        for (int i = 0; i < width; i++) {
          tile.add(java.util.Arrays.copyOfRange(b, i * Merkle.HASH, (i + 1) * Merkle.HASH));
        }
      }
      s.levels.add(tile);
    }
    int width = (int) (size % TilePaths.WIDTH);
    if (width > 0) {
      s.bundle.addAll(Bundles.decode(objects.get(next), width));
    }
    return s;
  }

  /** MTH of the whole tree (RFC 6962), from the right edge. */
  byte[] root() {
    if (size == 0) {
      return Merkle.emptyRoot();
    }
    List<byte[]> subtrees = new ArrayList<>();
    for (int level = levels.size() - 1; level >= 0; level--) {
      List<byte[]> tile = levels.get(level);
      int n = tile.size();
      int pos = 0;
      for (int bit = 7; bit >= 0; bit--) {
        if ((n & (1 << bit)) != 0) {
          subtrees.add(Merkle.perfect(tile, pos, 1 << bit));
          pos += 1 << bit;
        }
      }
    }
    byte[] h = subtrees.get(subtrees.size() - 1);
    for (int i = subtrees.size() - 2; i >= 0; i--) {
      h = Merkle.nodeHash(subtrees.get(i), h);
    }
    return h;
  }

  private static byte[] concat(List<byte[]> hashes) {
    byte[] b = new byte[hashes.size() * Merkle.HASH];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, b, i * Merkle.HASH, Merkle.HASH);
    }
    return b;
  }
}
