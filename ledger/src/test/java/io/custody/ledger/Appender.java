package io.custody.ledger;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A separate appending process for the concurrency tests: {@code Appender STORE_URI KEY_FILE WRITER
 * COUNT THREADS}. Appends COUNT notes "WRITER-i" from THREADS threads and prints {@code ack
 * WRITER-i INDEX} on stdout as each append returns (so a killed process leaves the list of what was
 * acknowledged). A failed append is retried with the same entry (the ledger then finds it if it did
 * land) for up to two minutes. S3 credentials come from the environment.
 */
public final class Appender {
  private Appender() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    LedgerKey key = LedgerKey.fromPem(Files.readString(Paths.get(args[1])));
    String writer = args[2];
    int count = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (BlobStore store = Storage.open(uri)) {
      Ledger ledger = Ledger.open(store, key);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = thread; i < count; i += threads) {
            String text = writer + "-" + i;
            LedgerEntry e = LedgerEntry.builder(EntryType.NOTE).actor(writer).recording("test").detail("text", text).build();
            long index = appendRetrying(ledger, e);
            synchronized (out) {
              out.println("ack " + text + " " + index);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      ledger.close();
    }
  }

  private static long appendRetrying(Ledger ledger, LedgerEntry e) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try {
        return ledger.append(e);
      } catch (IOException failed) {
        if (System.nanoTime() > deadline) {
          throw failed;
        }
        System.err.println("append failed, retrying: " + failed);
        Thread.sleep(500);
      }
    }
  }
}
