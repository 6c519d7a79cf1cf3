package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our checkpoints, tiles, bundles and proofs, checked by Go's golang.org/x/mod/sumdb/note and
 * sumdb/tlog (through {@link GoTlogOracle}): an implementation we did not write.
 */
class GoCrossCheckIT {
  @TempDir Path tmp;

  @Test
  void goAcceptsOurCheckpointsTilesAndProofsAndComputesTheSameProofs() throws Exception {
    Path dir = tmp.resolve("log");
    Path vkey = tmp.resolve("vkey");
    Files.writeString(vkey, LedgerTest.KEY.publicKey().noteVerifierKey(LedgerTest.ORIGIN) + "\n");
    List<Checkpoint> checkpoints = new ArrayList<>();
    try (BlobStore store = Storage.open(dir.toUri())) {
      Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
      // batches of several sizes, across the first full tiles and bundles (256, 512)
      int[] batches = {1, 2, 5, 100, 147, 1, 256, 300, 3};
      int n = 0;
      for (int b : batches) {
        List<LedgerEntry> batch = new ArrayList<>();
        for (int i = 0; i < b; i++) {
          batch.add(LedgerTest.note("e" + n++));
        }
        ledger.appendAll(batch);
        checkpoints.add(ledger.checkpoint());
      }
      Checkpoint head = checkpoints.get(checkpoints.size() - 1);
      assertThat(head.size()).isEqualTo(815);
      Path headFile = tmp.resolve("checkpoint");
      Files.writeString(headFile, head.toNote(), StandardCharsets.UTF_8);

      assertThat(GoTlogOracle.checkpoint(vkey, headFile)).isEqualTo("ok " + LedgerTest.ORIGIN + " 815 "
          + Base64.getEncoder().encodeToString(head.rootHash()));
      assertThat(GoTlogOracle.tiles(vkey, headFile, dir)).isEqualTo(815);
      for (Checkpoint cp : checkpoints) { // every checkpoint's partial tiles are there too
        Path f = tmp.resolve("cp-" + cp.size());
        Files.writeString(f, cp.toNote(), StandardCharsets.UTF_8);
        assertThat(GoTlogOracle.tiles(vkey, f, dir)).isEqualTo(cp.size());
      }
      for (long index : new long[] {0, 7, 255, 256, 511, 512, 700, 814}) {
        InclusionProof p = ledger.proveInclusion(index, head);
        Path proof = tmp.resolve("p" + index + ".tlog-proof");
        Files.writeString(proof, p.toText(), StandardCharsets.UTF_8);
        GoTlogOracle.inclusion(vkey, proof);
        List<String> ours = new ArrayList<>();
        p.hashes().forEach(h -> ours.add(Base64.getEncoder().encodeToString(h)));
        assertThat(GoTlogOracle.prove(vkey, headFile, dir, index)).as("Go's proof of %d", index).isEqualTo(ours);
      }
      for (Checkpoint older : checkpoints.subList(0, checkpoints.size() - 1)) {
        ConsistencyProof c = ledger.proveConsistency(older, head);
        Path oldFile = tmp.resolve("cp-" + older.size());
        Path proof = tmp.resolve("c" + older.size());
        Files.writeString(proof, c.toText(), StandardCharsets.UTF_8);
        GoTlogOracle.consistency(vkey, oldFile, headFile, proof);
        assertThat(GoTlogOracle.proveTree(vkey, headFile, dir, older.size())).isEqualTo(c.toText().lines().toList());
      }

      // and Go refuses what we would: a changed leaf hash in a tile
      Path tile = dir.resolve("tile/0/001");
      tile.toFile().setWritable(true);
      byte[] b = Files.readAllBytes(tile);
      b[40] ^= 1;
      Files.write(tile, b);
      assertThat(GoTlogOracle.run("tiles", vkey.toString(), headFile.toString(), dir.toString()).exitCode()).isNotZero();
    }
  }
}
