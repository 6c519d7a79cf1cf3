package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.memory.MemoryBlobStore;
import io.custody.storage.tck.ForwardingBlobStore;
import io.custody.storage.tck.ForwardingBlobWriter;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An update record the store took but whose reply was lost: appending the same entries again
 * returns where they landed, and adds nothing twice, also when the retry shares its update with
 * other appends.
 */
class LostReplyTest {
  /** A store whose next {@code lose} commits of update records succeed but throw. */
  static final class LosingStore extends ForwardingBlobStore {
    final AtomicInteger lose = new AtomicInteger();

    LosingStore() {
      super(new MemoryBlobStore(URI.create("mem:lost-" + System.nanoTime())));
    }

    @Override
    public BlobWriter create(String key, CreateOptions options) throws IOException {
      return new ForwardingBlobWriter(super.create(key, options)) {
        @Override
        public BlobInfo commit() throws IOException {
          BlobInfo info = super.commit();
          if (key.startsWith("log/") && lose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("connection reset (the store took it)");
          }
          return info;
        }
      };
    }
  }

  @Test
  void aRetriedAppendThatHadLandedIsNotAppendedTwice() throws Exception {
    LosingStore store = new LosingStore();
    Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
    ledger.append(LedgerTest.note("before"));
    LedgerEntry e = LedgerTest.note("lost reply");
    store.lose.set(1);
    assertThatThrownBy(() -> ledger.append(e)).hasMessageContaining("connection reset");
    assertThat(ledger.append(e)).isEqualTo(1);
    assertThat(ledger.append(LedgerTest.note("after"))).isEqualTo(2);
    assertThat(ledger.checkpoint().size()).isEqualTo(3);
  }

  @Test
  void retriesSharingAnUpdateWithOtherAppendsAreFoundOneByOne() throws Exception {
    LosingStore store = new LosingStore();
    Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
    Ledger ledger = Ledger.open(store, LedgerTest.KEY);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> acks = new ArrayList<>();
    store.lose.set(5);
    for (int t = 0; t < 8; t++) {
      int thread = t;
      acks.add(pool.submit(() -> {
        long last = -1;
        for (int i = 0; i < 25; i++) {
          LedgerEntry e = LedgerTest.note("t" + thread + "-" + i);
          while (true) {
            try {
              last = ledger.append(e);
              break;
            } catch (IOException lost) {
              // retry the same entry
            }
          }
        }
        return last;
      }));
    }
    for (Future<Long> f : acks) {
      f.get();
    }
    pool.shutdown();
    ledger.close();
    Checkpoint head = Ledger.open(store, LedgerTest.KEY.publicKey()).checkpoint();
    assertThat(head.size()).isEqualTo(200);
    assertThat(ledger.entries(0, 200, head).stream().map(x -> x.details().get("text")).distinct().count()).isEqualTo(200);
    assertThat(store.lose.get()).as("every lost reply was used").isZero();
  }

  /**
   * A store that refuses an update record's key without ever holding a record there (an S3 claim
   * left by a writer that died): the append fails after the refusal limit, naming the key and the
   * store's reason, rather than retrying forever; once the key is free, appends go on.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aSequenceNumberTheStoreKeepsRefusingFailsTheAppendInsteadOfHangingIt() throws Exception {
    AtomicInteger refusing = new AtomicInteger(1);
    ForwardingBlobStore store = new ForwardingBlobStore(new MemoryBlobStore(URI.create("mem:refusing-" + System.nanoTime()))) {
      @Override
      public BlobWriter create(String key, CreateOptions options) throws IOException {
        if (key.equals(TilePaths.update(2)) && refusing.get() == 1) {
          throw new io.custody.storage.ObjectExistsException(key, "'" + key + "' is claimed for other bytes");
        }
        return super.create(key, options);
      }
    };
    Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
    ledger.refusalLimit = java.time.Duration.ofMillis(300);
    ledger.append(LedgerTest.note("first"));
    long start = System.nanoTime();
    assertThatThrownBy(() -> ledger.append(LedgerTest.note("second"))).isInstanceOf(IOException.class)
        .hasMessageContaining("refuses update record " + TilePaths.update(2)).hasMessageContaining("claimed for other bytes");
    assertThat(System.nanoTime() - start).as("failed soon after the limit").isLessThan(10_000_000_000L);
    refusing.set(0);
    assertThat(ledger.append(LedgerTest.note("second"))).isEqualTo(1);
  }

  /**
   * An attempt that failed before its record landed, whose record another appender completes later
   * (an S3 claim carries the failed attempt's bytes, docs/PLUGINS-S3.md): the retry, refused at that
   * sequence number, finds its entry there instead of appending it again.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aFailedAttemptCompletedLaterFromItsClaimIsFoundNotAppendedTwice() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.Map<String, byte[]> claims = new java.util.concurrent.ConcurrentHashMap<>();
    MemoryBlobStore inner = new MemoryBlobStore(URI.create("mem:claims-" + System.nanoTime()));
    ForwardingBlobStore store = new ForwardingBlobStore(inner) {
      @Override
      public BlobWriter create(String key, CreateOptions options) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        return new ForwardingBlobWriter(super.create(key, options)) {
          @Override
          public int write(java.nio.ByteBuffer src) throws IOException {
            java.nio.ByteBuffer copy = src.duplicate();
            byte[] b = new byte[copy.remaining()];
            copy.get(b);
            bytes.write(b, 0, b.length);
            return super.write(src);
          }

          @Override
          public BlobInfo commit() throws IOException {
            if (key.startsWith("log/") && failNext.getAndSet(false)) {
              claims.put(key, bytes.toByteArray()); // claimed, then the connection broke
              abort();
              throw new IOException("connection reset (claimed, not committed)");
            }
            byte[] claimed = claims.remove(key);
            if (claimed != null && !java.util.Arrays.equals(claimed, bytes.toByteArray())) {
              abort();
              Ledger.write(inner, key, claimed); // completed from the claim by this writer
              throw new io.custody.storage.ObjectExistsException(key, "'" + key + "' already holds different bytes");
            }
            return super.commit();
          }
        };
      }
    };
    Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
    ledger.append(LedgerTest.note("before"));
    LedgerEntry e = LedgerTest.note("claimed");
    failNext.set(true);
    assertThatThrownBy(() -> ledger.append(e)).hasMessageContaining("connection reset");
    // Another append comes first, with other bytes than the claim's: it completes the claimed
    // record, loses that sequence number and goes after it; the retry then finds its entry.
    assertThat(ledger.append(LedgerTest.note("other"))).isEqualTo(2);
    assertThat(ledger.append(e)).isEqualTo(1);
    ledger.close();
    Checkpoint head = Ledger.open(store, LedgerTest.KEY.publicKey()).checkpoint();
    assertThat(ledger.entries(0, head.size(), head).stream().map(x -> x.details().get("text")))
        .containsExactly("before", "claimed", "other");
  }
}
