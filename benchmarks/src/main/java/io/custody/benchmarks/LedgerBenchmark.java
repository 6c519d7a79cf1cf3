package io.custody.benchmarks;

import io.custody.ledger.Checkpoint;
import io.custody.ledger.ConsistencyProof;
import io.custody.ledger.EntryType;
import io.custody.ledger.InclusionProof;
import io.custody.ledger.Ledger;
import io.custody.ledger.LedgerEntry;
import io.custody.ledger.LedgerKey;
import io.custody.ledger.LedgerPublicKey;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The custody ledger's speed (issue 16), outside JMH because its figures are whole-system rates
 * over a real store: {@code benchmarks/run-ledger.sh} runs it.
 *
 * <ul>
 *   <li>{@code ops URI}: what one request costs on the store (creates, HEADs, reads of small objects).
 *   <li>{@code append URI WRITERS IN_FLIGHT SECONDS}: a new log at URI; WRITERS ledger instances
 *       (each with its own store client, as separate back-office nodes would be), each appending
 *       from IN_FLIGHT threads, one entry per call; 3 s of warm-up, then entries acknowledged per
 *       second (each under a signed checkpoint in the store), and tree updates per second.
 *   <li>{@code proofs DIR ENTRIES SECONDS}: a {@code file:} log of ENTRIES entries (made once, in
 *       updates of 4,096), then inclusion proofs made and checked per second at random indexes, and
 *       consistency proofs made and checked per second between random earlier checkpoints... of
 *       the one log (sizes of its updates) and its newest.
 * </ul>
 */
public final class LedgerBenchmark {
  private LedgerBenchmark() {}

  static LedgerEntry entry(String writer, long i) {
    return LedgerEntry.builder(EntryType.INGESTED).actor(writer).node(writer).reason("benchmark")
        .recording("7b2f6b1c-1c55-4e8e-9a57-" + String.format(Locale.ROOT, "%012d", i % 1_000_000)).segment(i % 60)
        .detail("header_sha256", "4e5ee6888f184c42ec3b5e93e4db52367c76845f7363b796e14b6f1f10f1f941")
        .detail("object_sha256", "55beec7547e1666ce9e141ad2dd7a36fb6edab258dbce4ce18588636a0a1af23")
        .detail("store_uri", "s3://evidence/7b2f6b1c/00017.sealed").build();
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "append" -> append(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "proofs" -> proofs(Paths.get(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
      case "ops" -> ops(URI.create(args[1]));
      default -> throw new IllegalArgumentException("append URI WRITERS IN_FLIGHT SECONDS | proofs DIR ENTRIES SECONDS");
    }
  }

  /** What one store request costs: 30 conditional creates of 300 bytes, HEADs (of those and of absent keys), reads. */
  static void ops(URI uri) throws Exception {
    try (BlobStore s = Storage.open(uri)) {
      byte[] b = new byte[300];
      int n = 30;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        try (io.custody.storage.BlobWriter w = s.create("ops/" + i, io.custody.storage.CreateOptions.defaults())) {
          w.write(b, 0, b.length);
          w.commit();
        }
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        s.stat("ops/" + i);
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        s.stat("absent/" + i);
      }
      long t3 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        try (java.io.InputStream in = s.read("ops/" + i)) {
          in.readAllBytes();
        }
      }
      long t4 = System.nanoTime();
      System.out.printf(Locale.ROOT, "requests on %s: create %.1f ms, HEAD %.1f ms, HEAD of an absent key %.1f ms, read %.1f ms%n",
          uri.getScheme() + "://" + uri.getHost(), (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, (t3 - t2) / 1e6 / n, (t4 - t3) / 1e6 / n);
    }
  }

  static void append(URI uri, int writers, int inFlight, int seconds) throws Exception {
    LedgerKey key = LedgerKey.generate();
    try (BlobStore first = Storage.open(uri)) {
      Ledger.create(first, "bench.example/ledger", key);
    }
    List<BlobStore> stores = new ArrayList<>();
    List<Ledger> ledgers = new ArrayList<>();
    AtomicLong acked = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < writers; w++) {
      BlobStore store = Storage.open(uri);
      stores.add(store);
      Ledger ledger = Ledger.open(store, key);
      ledgers.add(ledger);
      for (int t = 0; t < inFlight; t++) {
        String name = "node-" + w;
        long base = (long) (w * inFlight + t) << 32;
        Thread th = new Thread(() -> {
          try {
            for (long i = 0; !stop.get(); i++) {
              ledger.append(entry(name, base + i));
              acked.incrementAndGet();
            }
          } catch (IOException | RuntimeException e) {
            failures.add(e);
          }
        });
        th.setDaemon(true);
        threads.add(th);
      }
    }
    threads.forEach(Thread::start);
    Thread.sleep(3000);
    long a0 = acked.get();
    long t0 = System.nanoTime();
    Checkpoint c0;
    try (BlobStore s = Storage.open(uri)) {
      c0 = Ledger.open(s, key.publicKey()).checkpoint();
    }
    Thread.sleep(seconds * 1000L);
    long a1 = acked.get();
    long t1 = System.nanoTime();
    stop.set(true);
    for (Thread th : threads) {
      th.join(120_000);
    }
    for (Ledger l : ledgers) {
      l.close(); // the tiles of the last updates (written in the background, at most 64 updates behind)
    }
    Checkpoint c1;
    try (BlobStore s = Storage.open(uri)) {
      c1 = Ledger.open(s, key.publicKey()).checkpoint();
    }
    for (BlobStore s : stores) {
      s.close();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("appends failed", failures.get(0));
    }
    double secs = (t1 - t0) / 1e9;
    System.out.printf(Locale.ROOT, "append %s writers=%d in-flight=%d: %.0f entries/s (%d in %.1f s), log at %d entries%n",
        uri.getScheme(), writers, inFlight, (a1 - a0) / secs, a1 - a0, secs, c1.size());
    System.out.printf(Locale.ROOT, "  checkpoint sizes %d -> %d over the window%n", c0.size(), c1.size());
  }

  static void proofs(Path dir, long entries, int seconds) throws Exception {
    Path keyFile = dir.resolve("bench-ledger.key");
    LedgerKey key;
    List<Checkpoint> checkpoints = new ArrayList<>();
    try (BlobStore store = Storage.open(dir.toUri())) {
      if (!Files.exists(keyFile)) {
        Files.createDirectories(dir);
        key = LedgerKey.generate();
        long t0 = System.nanoTime();
        // closed before the reader below opens: close waits for the last update's tiles, without
        // which the reader's newest checkpoint would be an older one than the records it lists
        try (Ledger ledger = Ledger.create(store, "bench.example/ledger", key)) {
          for (long i = 0; i < entries; ) {
            List<LedgerEntry> batch = new ArrayList<>();
            for (int j = 0; j < 4096 && i < entries; j++, i++) {
              batch.add(entry("node-0", i));
            }
            ledger.appendAll(batch);
          }
        }
        System.out.printf(Locale.ROOT, "made a log of %d entries in %.1f s (updates of 4,096)%n", entries, (System.nanoTime() - t0) / 1e9);
        Files.writeString(keyFile, key.toPem());
      } else {
        key = LedgerKey.fromPem(Files.readString(keyFile));
      }
      LedgerPublicKey pub = key.publicKey();
      Ledger ledger = Ledger.open(store, pub);
      Checkpoint head = ledger.checkpoint();
      Random random = new Random(16);
      long n = 0;
      long t0 = System.nanoTime();
      long end = t0 + seconds * 1_000_000_000L;
      List<String> texts = new ArrayList<>();
      while (System.nanoTime() < end) {
        InclusionProof p = ledger.proveInclusion((long) (random.nextDouble() * head.size()), head);
        if (texts.size() < 10_000) {
          texts.add(p.toText());
        }
        n++;
      }
      double made = n / ((System.nanoTime() - t0) / 1e9);
      n = 0;
      t0 = System.nanoTime();
      end = t0 + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        InclusionProof.parse(texts.get((int) (n % texts.size())), pub);
        n++;
      }
      double checked = n / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(Locale.ROOT, "inclusion proofs at %d entries: %.0f made/s (from tiles on file:), %.0f checked/s"
          + " (signature, entry, path)%n", head.size(), made, checked);
      for (long u = 1; u <= ledger.updates(); u++) {
        checkpoints.add(ledger.checkpointOfUpdate(u));
      }
      n = 0;
      t0 = System.nanoTime();
      end = t0 + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        ledger.proveConsistency(checkpoints.get(random.nextInt(checkpoints.size())), head);
        n++;
      }
      System.out.printf(Locale.ROOT, "consistency proofs to %d entries from one of %d earlier checkpoints: %.0f made and checked/s%n",
          head.size(), checkpoints.size(), n / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
