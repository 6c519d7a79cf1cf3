package io.custody.c2pa;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Merkle form of the C2PA BMFF hash for a fragmented MP4 whose fragments are read on their own
 * (C2PA 2.x, "BMFF-based hash", Merkle trees over fragments), as c2pa-rs writes and checks it:
 *
 * <ul>
 *   <li>a leaf per fragment: the SHA-256 of the fragment file ({@code uuid} merkle box, {@code moof},
 *       {@code mdat}) less the C2PA box, each other top-level box preceded by its offset <em>in the
 *       fragment</em> as a big-endian u64;
 *   <li>the tree: leaves at the bottom, each parent the SHA-256 of its two children concatenated,
 *       an unpaired last node carried up unchanged;
 *   <li>per fragment, a C2PA {@code uuid} box of purpose {@code merkle} before its {@code moof},
 *       holding a CBOR BmffMerkleMap: uniqueId, localId, location (the leaf's index) and hashes (the
 *       proof: the sibling on each layer, leaf upwards, none where a node has no sibling).
 * </ul>
 *
 * The {@code c2pa.hash.bmff.v3} assertion then holds a MerkleMap (uniqueId, localId, count, alg,
 * initHash: the init segment's hash, the root layer as {@code hashes}) instead of {@code hash}.
 */
final class BmffMerkle {
  /** The BmffMerkleMap's and MerkleMap's uniqueId and localId (one track of fragments). */
  static final int UNIQUE_ID = 1;
  static final int LOCAL_ID = 1;

  private BmffMerkle() {}

  /** The node counts of each layer of a tree of {@code leaves} leaves, bottom first. */
  static List<Integer> layout(int leaves) {
    List<Integer> layers = new ArrayList<>();
    layers.add(leaves);
    for (int n = leaves; n > 1; ) {
      n = (n + 1) / 2;
      layers.add(n);
    }
    return layers;
  }

  /** How many hashes the proof of leaf {@code location} of {@code leaves} holds. */
  static int proofLength(int leaves, int location) {
    int length = 0;
    int index = location;
    for (int n : layout(leaves)) {
      if (n == 1) {
        break;
      }
      if (index % 2 == 1 || index + 1 < n) {
        length++;
      }
      index /= 2;
    }
    return length;
  }

  /** The layers of the tree over {@code leaves}, bottom (the leaves) first, the root last. */
  static List<List<byte[]>> tree(List<byte[]> leaves) {
    List<List<byte[]>> layers = new ArrayList<>();
    layers.add(List.copyOf(leaves));
    for (List<byte[]> layer = layers.get(0); layer.size() > 1; ) {
      List<byte[]> parent = new ArrayList<>();
      for (int i = 0; i < layer.size(); i += 2) {
        parent.add(i + 1 == layer.size() ? layer.get(i) : pair(layer.get(i), layer.get(i + 1)));
      }
      layers.add(parent);
      layer = parent;
    }
    return layers;
  }

  /** The proof of leaf {@code location}: the sibling on each layer that has one, leaf upwards. */
  static List<byte[]> proof(List<List<byte[]>> tree, int location) {
    List<byte[]> proof = new ArrayList<>();
    int index = location;
    for (List<byte[]> layer : tree) {
      if (index % 2 == 1) {
        proof.add(layer.get(index - 1));
      } else if (index + 1 < layer.size()) {
        proof.add(layer.get(index + 1));
      }
      index /= 2;
    }
    return proof;
  }

  /**
   * Whether {@code leaf} at {@code location} of {@code count} leaves, with {@code proof}, leads to
   * the node at its place in {@code row} (a layer of the tree, as the MerkleMap's hashes hold it),
   * as c2pa-rs checks it: the proof is played back until the layer whose node count is {@code
   * row}'s size.
   */
  static boolean check(byte[] leaf, int location, int count, List<byte[]> proof, List<byte[]> row) {
    if (location < 0 || location >= count) {
      return false;
    }
    int index = location;
    byte[] hash = leaf;
    int used = 0;
    for (int n : layout(count)) {
      if (n == row.size()) {
        break;
      }
      if (index % 2 == 1) {
        if (used == proof.size()) {
          return false;
        }
        hash = pair(proof.get(used++), hash);
      } else if (index + 1 < n) {
        if (used == proof.size()) {
          return false;
        }
        hash = pair(hash, proof.get(used++));
      }
      index /= 2;
    }
    return used == proof.size() && index < row.size() && Arrays.equals(row.get(index), hash);
  }

  private static byte[] pair(byte[] left, byte[] right) {
    MessageDigest sha = C2paSigner.sha256();
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /**
   * The C2PA {@code uuid} box of purpose {@code merkle} for the fragment at {@code location}:
   * header, C2PA's UUID, version and flags 0, "merkle" NUL-terminated, the CBOR BmffMerkleMap
   * (hashes null when the proof is empty, as c2pa-rs writes it).
   */
  static byte[] box(int location, List<byte[]> proof) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("uniqueId", UNIQUE_ID);
    map.put("localId", LOCAL_ID);
    map.put("location", location);
    map.put("hashes", proof.isEmpty() ? null : List.copyOf(proof));
    ByteBuffer head = ByteBuffer.allocate(16 + 4 + 7);
    head.put(C2paSigner.C2PA_UUID).putInt(0).put("merkle\0".getBytes(StandardCharsets.US_ASCII));
    return Jumbf.box("uuid", head.array(), Cbor.encode(map));
  }

  /** The BmffMerkleMap of a C2PA {@code uuid} box of purpose {@code merkle}, or null if it is not one. */
  static byte[] boxMap(byte[] box) {
    int at = box.length >= 16 && ByteBuffer.wrap(box).getInt() == 1 ? 16 : 8;
    byte[] purpose = "merkle\0".getBytes(StandardCharsets.US_ASCII);
    int p = at + 16 + 4;
    if (box.length < p + purpose.length || !Arrays.equals(box, p, p + purpose.length, purpose, 0, purpose.length)) {
      return null;
    }
    return Arrays.copyOfRange(box, p + purpose.length, box.length);
  }

  /** The MerkleMap of the hash assertion: one tree over {@code count} fragments, its root layer. */
  static Map<String, Object> map(int count, byte[] initHash, byte[] root) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("uniqueId", UNIQUE_ID);
    m.put("localId", LOCAL_ID);
    m.put("count", count);
    m.put("alg", "sha256");
    m.put("initHash", initHash);
    m.put("hashes", List.of(root));
    return m;
  }
}
