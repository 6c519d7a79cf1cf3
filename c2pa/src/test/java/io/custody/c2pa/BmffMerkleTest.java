package io.custody.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Merkle tree of {@link BmffMerkle}: proofs from every leaf of trees of 1 to 40 leaves lead to the root. */
class BmffMerkleTest {
  static List<byte[]> leaves(int n) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(C2paSigner.sha256().digest(ByteBuffer.allocate(4).putInt(i).array()));
    }
    return leaves;
  }

  @Test
  void everyProofLeadsToTheRootAndNoOtherLeafDoes() {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> leaves = leaves(n);
      List<List<byte[]>> tree = BmffMerkle.tree(leaves);
      assertThat(tree).hasSize(BmffMerkle.layout(n).size());
      assertThat(tree.get(tree.size() - 1)).hasSize(1);
      List<byte[]> root = tree.get(tree.size() - 1);
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = BmffMerkle.proof(tree, i);
        assertThat(proof).hasSize(BmffMerkle.proofLength(n, i));
        assertThat(BmffMerkle.check(leaves.get(i), i, n, proof, root)).as("n=%d leaf %d", n, i).isTrue();
        if (n > 1) {
          int other = (i + 1) % n;
          assertThat(BmffMerkle.check(leaves.get(other), i, n, proof, root)).isFalse();
          assertThat(BmffMerkle.check(leaves.get(i), other, n, proof, root)).isFalse();
        }
      }
      assertThat(BmffMerkle.check(leaves.get(0), n, n, BmffMerkle.proof(tree, 0), root)).isFalse();
    }
  }

  /** A row below the root (as c2pa-rs keeps when a tree is deep): the proof is played back up to it. */
  @Test
  void aProofChecksAgainstALowerRow() {
    List<byte[]> leaves = leaves(19);
    List<List<byte[]>> tree = BmffMerkle.tree(leaves);
    List<byte[]> row = tree.get(2);
    assertThat(row).hasSize(5);
    for (int i = 0; i < 19; i++) {
      List<byte[]> proof = BmffMerkle.proof(tree, i);
      // the layers from the row up are a tree of 5 leaves: its part of the proof is left out
      int below = proof.size() - BmffMerkle.proofLength(5, i >> 2);
      assertThat(BmffMerkle.check(leaves.get(i), i, 19, proof.subList(0, below), row)).as("leaf %d", i).isTrue();
    }
  }

  @Test
  void theMerkleBoxCarriesItsMapAfterThePurpose() throws Exception {
    byte[] box = BmffMerkle.box(2, List.of(new byte[32]));
    assertThat(ByteBuffer.wrap(box).getInt()).isEqualTo(box.length);
    byte[] cbor = BmffMerkle.boxMap(box);
    assertThat(Cbor.parse(cbor).path("location").asInt()).isEqualTo(2);
    assertThat(Cbor.parse(BmffMerkle.boxMap(BmffMerkle.box(0, List.of()))).get("hashes").isNull()).isTrue();
    assertThat(BmffMerkle.boxMap(Jumbf.box("uuid", C2paSigner.C2PA_UUID, new byte[4],
        "manifest\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).isNull();
  }
}
