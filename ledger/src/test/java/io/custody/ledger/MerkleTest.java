package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTest {
  /** RFC 6962 §2.1 MTH, written out recursively: the reference the tiled state must match. */
  static byte[] mth(List<byte[]> leaves, int lo, int hi) {
    if (hi == lo) {
      return Merkle.emptyRoot();
    }
    if (hi - lo == 1) {
      return Merkle.leafHash(leaves.get(lo));
    }
    int k = (int) Merkle.split(hi - lo);
    return Merkle.nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
  }

  static List<byte[]> entries(int n) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(("entry " + i).getBytes(StandardCharsets.UTF_8));
    }
    return l;
  }

  @Test
  void emptyTreeAndOneLeafAreTheRfc6962Values() {
    assertThat(HexFormat.of().formatHex(Merkle.emptyRoot()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // RFC 6962 test vector: the leaf hash of the empty entry
    assertThat(HexFormat.of().formatHex(Merkle.leafHash(new byte[0])))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  }

  @Test
  void rootFromTheTiledRightEdgeIsTheRecursiveMth() {
    List<byte[]> all = entries(70_000);
    TreeState s = TreeState.empty();
    List<TreeState.Tile> sink = new ArrayList<>();
    int[] check = {1, 2, 3, 255, 256, 257, 511, 512, 513, 1000, 65_535, 65_536, 65_537, 70_000};
    int next = 0;
    for (int i = 0; i < all.size(); i++) {
      s.append(all.get(i), sink);
      if (next < check.length && i + 1 == check[next]) {
        assertThat(s.root()).as("size %d", i + 1).isEqualTo(mth(all, 0, i + 1));
        next++;
      }
    }
    // 70,000 entries: 273 full level-0 tiles and bundles, one full level-1 tile (C2SP's example)
    assertThat(sink.stream().filter(t -> t.key().startsWith("tile/0/")).count()).isEqualTo(273);
    assertThat(sink.stream().filter(t -> t.key().startsWith("tile/entries/")).count()).isEqualTo(273);
    assertThat(sink.stream().filter(t -> t.key().startsWith("tile/1/")).map(TreeState.Tile::key)).containsExactly("tile/1/000");
    List<TreeState.Tile> partials = new ArrayList<>();
    s.partials(partials);
    assertThat(partials.stream().map(TreeState.Tile::key))
        .containsExactly("tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112");
    assertThat(TreeState.partialKeys(70_000))
        .containsExactly("tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112");
    List<byte[]> objects = new ArrayList<>();
    partials.forEach(t -> objects.add(t.bytes()));
    assertThat(TreeState.fromPartials(70_000, objects).root()).isEqualTo(s.root());
  }

  @Test
  void tilePathsAreC2spPaths() {
    assertThat(TilePaths.tile(0, 1_234_067, 256)).isEqualTo("tile/0/x001/x234/067");
    assertThat(TilePaths.tile(2, 5, 17)).isEqualTo("tile/2/005.p/17");
    assertThat(TilePaths.bundle(0, 1)).isEqualTo("tile/entries/000.p/1");
    assertThat(TilePaths.bundle(1000, 256)).isEqualTo("tile/entries/x001/000");
  }

  @Test
  void inclusionAndConsistencyChecksRejectAChangedHash() {
    List<byte[]> all = entries(300);
    byte[] root = mth(all, 0, 300);
    // PATH(5, D[0:300]) by the RFC's recursion
    List<byte[]> path = new ArrayList<>();
    path(5, all, 0, 300, path);
    assertThat(Merkle.verifyInclusion(5, 300, Merkle.leafHash(all.get(5)), path, root)).isTrue();
    assertThat(Merkle.verifyInclusion(6, 300, Merkle.leafHash(all.get(5)), path, root)).isFalse();
    path.get(2)[0] ^= 1;
    assertThat(Merkle.verifyInclusion(5, 300, Merkle.leafHash(all.get(5)), path, root)).isFalse();
    assertThat(Merkle.verifyConsistency(300, root, 300, root, List.of())).isTrue();
    byte[] other = root.clone();
    other[31] ^= 1;
    assertThat(Merkle.verifyConsistency(300, root, 300, other, List.of())).isFalse();
    assertThat(Arrays.equals(root, other)).isFalse();
  }

  private static void path(int m, List<byte[]> all, int lo, int hi, List<byte[]> out) {
    int n = hi - lo;
    if (n == 1) {
      return;
    }
    int k = (int) Merkle.split(n);
    if (m - lo < k) {
      path(m, all, lo, lo + k, out);
      out.add(mth(all, lo + k, hi));
    } else {
      path(m, all, lo + k, hi, out);
      out.add(mth(all, lo, lo + k));
    }
  }
}
