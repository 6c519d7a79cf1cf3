package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.ledger.LedgerReport.Kind;
import io.custody.ledger.LedgerReport.Problem;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damage to a log on a {@code file:} store is caught and located. */
class LedgerTamperTest {
  static final LedgerKey KEY = LedgerTest.KEY;
  @TempDir Path dir;
  BlobStore store;
  Checkpoint early;

  @BeforeEach
  void log() throws IOException {
    store = Storage.open(dir.toUri());
    Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, KEY);
    for (int i = 0; i < 300; i += 10) {
      java.util.List<LedgerEntry> batch = new java.util.ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        batch.add(LedgerTest.note("n" + j));
      }
      ledger.appendAll(batch);
      if (i == 100) {
        early = ledger.checkpoint();
      }
    }
    ledger.close();
  }

  LedgerReport verify() throws IOException {
    return LedgerVerifier.verify(store, KEY.publicKey(), Optional.of(early));
  }

  void flip(String key, int offset) throws IOException {
    Path p = dir.resolve(key);
    p.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(p);
    b[offset] ^= 0x01;
    Files.write(p, b);
  }

  @Test
  void anUntouchedLogVerifies() throws IOException {
    LedgerReport r = verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.size()).isEqualTo(300);
    assertThat(r.checkpoint().orElseThrow().size()).isEqualTo(300);
  }

  @Test
  void aChangedByteInAnEntryBundleNamesTheEntry() throws IOException {
    byte[] bundle = Files.readAllBytes(dir.resolve("tile/entries/000"));
    int second = 2 + ((bundle[0] & 0xFF) << 8 | (bundle[1] & 0xFF)); // the start of entry 1's prefix
    flip("tile/entries/000", second + 2 + 20);
    assertThat(verify().problems()).extracting(Problem::kind, Problem::object, Problem::entry)
        .contains(org.assertj.core.groups.Tuple.tuple(Kind.ENTRY_CHANGED, "tile/entries/000", OptionalLong.of(1)));
  }

  @Test
  void aChangedByteInAHashTileNamesTheTileAndLeaf() throws IOException {
    flip("tile/0/000", 32 * 7 + 3);
    LedgerReport r = verify();
    assertThat(r.valid()).isFalse();
    assertThat(r.problems()).anySatisfy(p -> {
      assertThat(p.kind()).isEqualTo(Kind.TILE_CHANGED);
      assertThat(p.object()).isEqualTo("tile/0/000");
      assertThat(p.message()).contains("entry 7");
    });
  }

  @Test
  void aChangedByteInACheckpointNamesTheUpdate() throws IOException {
    String k = TilePaths.update(5);
    byte[] b = Files.readAllBytes(dir.resolve(k));
    flip(k, b.length - 10); // inside the signature
    assertThat(verify().problems()).first().satisfies(p -> {
      assertThat(p.kind()).isEqualTo(Kind.CHECKPOINT_INVALID);
      assertThat(p.object()).isEqualTo(k);
    });
  }

  @Test
  void aDeletedTileIsNamed() throws IOException {
    Files.delete(dir.resolve("tile/0/001.p/44"));
    assertThat(verify().problems()).extracting(Problem::kind, Problem::object)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.TILE_MISSING, "tile/0/001.p/44"));
  }

  @Test
  void reorderedEntriesAreNamed() throws IOException {
    // swap two entries of the same length inside the full bundle
    Path p = dir.resolve("tile/entries/000");
    p.toFile().setWritable(true);
    java.util.List<byte[]> entries = Bundles.decode(Files.readAllBytes(p), 256);
    byte[] a = entries.get(12);
    entries.set(12, entries.get(13));
    entries.set(13, a);
    Files.write(p, Bundles.encode(entries));
    assertThat(verify().problems()).extracting(Problem::entry)
        .containsExactly(OptionalLong.of(12), OptionalLong.of(13));
  }

  @Test
  void entriesChangedInTheUpdateRecordTooAreLocatedByTheLeafHashes() throws IOException {
    String k = TilePaths.update(3); // entries 20..29
    Path p = dir.resolve(k);
    p.toFile().setWritable(true);
    UpdateRecord r = UpdateRecord.decode(Files.readAllBytes(p));
    java.util.List<byte[]> entries = new java.util.ArrayList<>(r.entries());
    entries.set(4, LedgerTest.note("forged").toBytes());
    Files.write(p, new UpdateRecord(entries, r.checkpointNote()).encode());
    assertThat(verify().problems()).first().satisfies(pr -> {
      assertThat(pr.kind()).isEqualTo(Kind.UPDATE_MISMATCH);
      assertThat(pr.object()).isEqualTo(k);
      assertThat(pr.message()).contains("[24]");
    });
  }

  @Test
  void aRemovedUpdateIsReported() throws IOException {
    Files.delete(dir.resolve(TilePaths.update(10)));
    LedgerReport r = verify();
    assertThat(r.problems()).extracting(Problem::kind).contains(Kind.UPDATE_MISSING);
    assertThat(r.size()).isEqualTo(90);
  }

  @Test
  void aForkSignedByTheRightKeyIsReportedAgainstAnEarlierCheckpoint() throws IOException {
    BlobStore other = new io.custody.storage.memory.MemoryBlobStore(java.net.URI.create("mem:fork"));
    Ledger forked = Ledger.create(other, LedgerTest.ORIGIN, KEY);
    for (int i = 0; i < 110; i++) {
      forked.append(LedgerTest.note(i == 50 ? "rewritten" : "n" + i));
    }
    Checkpoint theirs = forked.checkpoint();
    assertThat(theirs.size()).isEqualTo(early.size());
    LedgerReport r = LedgerVerifier.verify(store, KEY.publicKey(), Optional.of(theirs));
    assertThat(r.problems()).extracting(Problem::kind).containsExactly(Kind.FORK);
    // and the other way: the forked log against our earlier head
    LedgerReport back = LedgerVerifier.verify(other, KEY.publicKey(), Optional.of(early));
    assertThat(back.problems()).extracting(Problem::kind).containsExactly(Kind.FORK);
  }
}
