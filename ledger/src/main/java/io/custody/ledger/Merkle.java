package io.custody.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/** RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256, and the proof checks of RFC 9162 §2.1. */
final class Merkle {
  static final int HASH = 32;

  private Merkle() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }

  /** MTH of the empty tree: SHA-256 of no bytes. */
  static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** Leaf hash: SHA-256(0x00 || entry). */
  static byte[] leafHash(byte[] entry) {
    MessageDigest md = sha256();
    md.update((byte) 0);
    md.update(entry);
    return md.digest();
  }

  /** Interior node hash: SHA-256(0x01 || left || right). */
  static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** MTH of a perfect subtree: {@code count} (a power of two) hashes from {@code from}. */
  static byte[] perfect(List<byte[]> hashes, int from, int count) {
    byte[][] level = new byte[count][];
    for (int i = 0; i < count; i++) {
      level[i] = hashes.get(from + i);
    }
    for (int n = count; n > 1; n /= 2) {
      for (int i = 0; i < n / 2; i++) {
        level[i] = nodeHash(level[2 * i], level[2 * i + 1]);
      }
    }
    return level[0];
  }

  /** The largest power of two smaller than {@code n} (n ≥ 2). */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * RFC 9162 §2.1.3.2: whether {@code proof} proves the leaf hash at {@code index} in a tree of
   * {@code size} leaves with root {@code root}.
   */
  static boolean verifyInclusion(long index, long size, byte[] leaf, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2: whether {@code proof} proves that the tree of {@code size1} leaves with
   * root {@code root1} is a prefix of the tree of {@code size2} leaves with root {@code root2}.
   */
  static boolean verifyConsistency(long size1, byte[] root1, long size2, byte[] root2, List<byte[]> proof) {
    if (size1 < 0 || size1 > size2) {
      return false;
    }
    if (size1 == size2) {
      return proof.isEmpty() && Arrays.equals(root1, root2);
    }
    if (size1 == 0) {
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = proof;
    if (Long.bitCount(size1) == 1) { // size1 is a power of two: prepend first_hash
      path = new java.util.ArrayList<>(proof.size() + 1);
      path.add(root1);
      path.addAll(proof);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(fr, root1) && Arrays.equals(sr, root2);
  }
}
