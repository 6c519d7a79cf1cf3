package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobStore;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.memory.MemoryBlobStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LedgerTest {
  static final LedgerKey KEY = LedgerKey.generate();
  static final String ORIGIN = "evidence.example.police.uk/ledger";

  static LedgerEntry note(String text) {
    return LedgerEntry.builder(EntryType.NOTE).actor("pc-1234").recording("rec-1").detail("text", text)
        .time(Instant.parse("2026-12-05T10:00:00.123456Z")).build();
  }

  static BlobStore store() {
    return new MemoryBlobStore(URI.create("mem:ledger-" + System.nanoTime()));
  }

  @Test
  void appendsReadsAndProves() throws Exception {
    BlobStore store = store();
    Ledger ledger = Ledger.create(store, ORIGIN, KEY);
    assertThat(ledger.checkpoint().size()).isZero();
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (int i = 0; i < 600; i += 7) {
      List<LedgerEntry> batch = new ArrayList<>();
      for (int j = i; j < Math.min(600, i + 7); j++) {
        batch.add(note("n" + j));
      }
      assertThat(ledger.appendAll(batch)).isEqualTo(i);
      checkpoints.add(ledger.checkpoint());
    }
    Checkpoint head = ledger.checkpoint();
    assertThat(head.size()).isEqualTo(600);
    assertThat(head.origin()).isEqualTo(ORIGIN);

    Ledger reader = Ledger.open(store, KEY.publicKey());
    assertThat(reader.checkpoint()).isEqualTo(head);
    List<LedgerEntry> all = reader.entries(0, 600, head);
    assertThat(all).hasSize(600);
    assertThat(all.get(257).details()).containsEntry("text", "n257");

    for (long index : new long[] {0, 1, 255, 256, 257, 511, 599}) {
      InclusionProof p = reader.proveInclusion(index, head);
      InclusionProof again = InclusionProof.parse(p.toText(), KEY.publicKey());
      assertThat(again.entry().details()).containsEntry("text", "n" + index);
      assertThat(again.index()).isEqualTo(index);
    }
    for (Checkpoint older : checkpoints) {
      ConsistencyProof c = reader.proveConsistency(older, head);
      assertThat(c.older()).isEqualTo(older);
    }
  }

  @Test
  void aProofWithAnyChangeIsRefused() throws Exception {
    BlobStore store = store();
    Ledger ledger = Ledger.create(store, ORIGIN, KEY);
    for (int i = 0; i < 40; i++) {
      ledger.append(note("n" + i));
    }
    String text = ledger.proveInclusion(17, ledger.checkpoint()).toText();
    String[] lines = text.split("\n", -1);
    // change one proof hash
    lines[3] = (lines[3].charAt(0) == 'A' ? "B" : "A") + lines[3].substring(1);
    assertThatThrownBy(() -> InclusionProof.parse(String.join("\n", lines), KEY.publicKey()))
        .isInstanceOf(LedgerFormatException.class).hasMessageContaining("does not lead to the root");
    // another entry claimed at the same index
    String other = text.replaceFirst("extra [^\n]+", "extra " + java.util.Base64.getEncoder().encodeToString(note("n18").toBytes()));
    assertThatThrownBy(() -> InclusionProof.parse(other, KEY.publicKey())).isInstanceOf(LedgerFormatException.class);
    // another key
    assertThatThrownBy(() -> InclusionProof.parse(text, LedgerKey.generate().publicKey()))
        .isInstanceOf(LedgerFormatException.class).hasMessageContaining("no signature by the ledger key");
  }

  @Test
  void checkpointSignatureIsChecked() throws Exception {
    Ledger ledger = Ledger.create(store(), ORIGIN, KEY);
    ledger.append(note("x"));
    String note = ledger.checkpoint().toNote();
    assertThat(Checkpoint.parse(note, KEY.publicKey()).size()).isEqualTo(1);
    String forged = note.replaceFirst("\n1\n", "\n2\n");
    assertThatThrownBy(() -> Checkpoint.parse(forged, KEY.publicKey()))
        .isInstanceOf(LedgerFormatException.class).hasMessageContaining("invalid");
    assertThat(KEY.publicKey().noteVerifierKey(ORIGIN)).startsWith(ORIGIN + "+").matches(".*\\+[0-9a-f]{8}\\+.*");
  }

  @Test
  void secondLedgerInOneStoreIsRefused() throws Exception {
    BlobStore store = store();
    Ledger.create(store, ORIGIN, KEY);
    assertThatThrownBy(() -> Ledger.create(store, ORIGIN, KEY)).isInstanceOf(ObjectExistsException.class);
    assertThatThrownBy(() -> Ledger.open(store(), KEY.publicKey())).hasMessageContaining("no ledger");
  }

  @Test
  void concurrentAppendersThroughSeparateInstancesLoseAndDuplicateNothing() throws Exception {
    BlobStore store = store();
    Ledger.create(store, ORIGIN, KEY);
    int writers = 4;
    int each = 150;
    ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
    List<Future<List<Long>>> results = new ArrayList<>();
    List<Ledger> instances = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Ledger instance = Ledger.open(store, KEY); // one instance per "process"
      instances.add(instance);
      for (int t = 0; t < 2; t++) {
        int writer = w * 2 + t;
        results.add(pool.submit(() -> {
          List<Long> indexes = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            indexes.add(instance.append(note("w" + writer + "-" + i)));
          }
          return indexes;
        }));
      }
    }
    Set<Long> indexes = new HashSet<>();
    for (Future<List<Long>> f : results) {
      indexes.addAll(f.get());
    }
    pool.shutdown();
    for (Ledger instance : instances) {
      instance.close();
    }
    int total = writers * 2 * each;
    assertThat(indexes).hasSize(total);
    Ledger reader = Ledger.open(store, KEY.publicKey());
    Checkpoint head = reader.checkpoint();
    assertThat(head.size()).isEqualTo(total);
    Set<String> texts = new HashSet<>();
    for (LedgerEntry e : reader.entries(0, total, head)) {
      texts.add((String) e.details().get("text"));
    }
    assertThat(texts).hasSize(total);
  }

  @Test
  void entriesAreCanonicalJson() {
    LedgerEntry e = LedgerEntry.builder(EntryType.INGESTED).actor("dock-7").recording("r").segment(3)
        .detail("header_sha256", "ab").detail("object_sha256", "cd").detail("store_uri", "s3://b/r/3")
        .time(Instant.parse("2026-12-05T10:00:00Z")).build();
    assertThat(new String(e.toBytes(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"actor\":\"dock-7\",\"details\":{\"header_sha256\":\"ab\",\"object_sha256\":\"cd\",\"store_uri\":\"s3://b/r/3\"},"
            + "\"recording_id\":\"r\",\"segment_index\":3,\"time\":\"2026-12-05T10:00:00.000Z\",\"type\":\"INGESTED\",\"v\":1}");
    assertThat(LedgerEntry.parse(e.toBytes())).isEqualTo(e);
    byte[] spaced = new String(e.toBytes(), StandardCharsets.UTF_8).replace(",\"v\"", ", \"v\"").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LedgerEntry.parse(spaced)).hasMessageContaining("canonical");
    assertThatThrownBy(() -> LedgerEntry.builder(EntryType.INGESTED).actor("a").recording("r").build())
        .hasMessageContaining("segment");
    assertThatThrownBy(() -> LedgerEntry.builder(EntryType.EXPORTED).actor("a").recording("r").build())
        .hasMessageContaining("export_sha256");
  }
}
