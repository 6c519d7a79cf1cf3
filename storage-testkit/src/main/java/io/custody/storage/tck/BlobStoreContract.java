package io.custody.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.IntegrityException;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import io.custody.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The storage conformance kit: every contract of {@link BlobStore}, run against a plugin by
 * extending this class (docs/PLUGINS.md).
 *
 * <p>A plugin's test class implements {@link #openStore()} (a store to test in; it may be shared
 * between tests: every test writes under its own random prefix) and may override {@link
 * #largeObjectBytes()}. Tests of optional capabilities run only when {@link
 * BlobStore#capabilities()} declares them.
 *
 * <p>Every test has a timeout (a store that hangs fails instead of stalling the build): 5 minutes,
 * 30 for the large-object test; opening the store gets 5 minutes (a plugin may start its server
 * there).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class BlobStoreContract {
  /** A store to run the contract against; closed after each test. */
  protected abstract BlobStore openStore() throws IOException;

  /** Size of the large-object test (default 1 GiB; it is streamed, never held in memory). */
  protected long largeObjectBytes() {
    return 1L << 30;
  }

  protected BlobStore store;
  protected String prefix;

  @BeforeEach
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void open() throws IOException {
    store = openStore();
    prefix = "tck-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void close() throws IOException {
    store.close();
  }

  // -- helpers --------------------------------------------------------------------------------

  protected static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
  }

  protected BlobInfo put(String key, byte[] data) throws IOException {
    return put(key, data, CreateOptions.defaults());
  }

  protected BlobInfo put(String key, byte[] data, CreateOptions options) throws IOException {
    try (BlobWriter w = store.create(key, options)) {
      // In three pieces, so plugins see more than one write.
      int third = data.length / 3;
      w.write(data, 0, third);
      w.write(data, third, third);
      w.write(data, 2 * third, data.length - 2 * third);
      return w.commit();
    }
  }

  protected byte[] get(String key) throws IOException {
    try (InputStream in = store.read(key)) {
      return in.readAllBytes();
    }
  }

  // -- create, commit, read -------------------------------------------------------------------

  @Test
  void committedObjectReadsBackWithItsHash() throws Exception {
    byte[] data = bytes(300_000, 1);
    BlobInfo info = put(prefix + "a", data);
    assertThat(info.key()).isEqualTo(prefix + "a");
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.sha256()).isEqualTo(sha256(data));
    assertThat(get(prefix + "a")).isEqualTo(data);
    BlobInfo stat = store.stat(prefix + "a").orElseThrow();
    assertThat(stat.size()).isEqualTo(data.length);
    assertThat(stat.sha256()).isEqualTo(sha256(data));
    try (InputStream in = store.readVerified(prefix + "a")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void nothingIsVisibleBeforeCommit() throws Exception {
    BlobWriter w = store.create(prefix + "pending", CreateOptions.defaults());
    w.write(bytes(1000, 2), 0, 1000);
    assertThat(store.stat(prefix + "pending")).isEmpty();
    assertThat(store.list(prefix, Optional.empty(), 100).items()).isEmpty();
    assertThatThrownBy(() -> store.read(prefix + "pending")).isInstanceOf(NoSuchObjectException.class);
    w.commit();
    assertThat(store.stat(prefix + "pending")).isPresent();
  }

  @Test
  void abortAndCloseWithoutCommitLeaveNothing() throws Exception {
    BlobWriter w = store.create(prefix + "aborted", CreateOptions.defaults());
    w.write(bytes(5000, 3), 0, 5000);
    w.abort();
    w.abort();
    assertThat(store.stat(prefix + "aborted")).isEmpty();
    try (BlobWriter w2 = store.create(prefix + "closed", CreateOptions.defaults())) {
      w2.write(bytes(5000, 4), 0, 5000);
    }
    assertThat(store.stat(prefix + "closed")).isEmpty();
    assertThat(store.list(prefix, Optional.empty(), 100).items()).isEmpty();
  }

  @Test
  void zeroByteObjects() throws Exception {
    BlobInfo info = put(prefix + "empty", new byte[0]);
    assertThat(info.size()).isZero();
    assertThat(info.sha256()).isEqualTo(sha256(new byte[0]));
    assertThat(get(prefix + "empty")).isEmpty();
  }

  @Test
  void rangedReads() throws Exception {
    byte[] data = bytes(100_000, 5);
    put(prefix + "r", data);
    try (InputStream in = store.read(prefix + "r", 1000, 500)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1500));
    }
    try (InputStream in = store.read(prefix + "r", 99_990, 500)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 99_990, 100_000));
    }
    try (InputStream in = store.read(prefix + "r", 0, 0)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void missingObjectsAreTyped() throws Exception {
    assertThat(store.stat(prefix + "none")).isEmpty();
    assertThatThrownBy(() -> store.read(prefix + "none")).isInstanceOf(NoSuchObjectException.class);
    assertThatThrownBy(() -> store.delete(prefix + "none")).isInstanceOf(NoSuchObjectException.class);
  }

  // -- create-if-absent -------------------------------------------------------------------------

  @Test
  void aRetriedUploadOfTheSameBytesSucceedsWithoutANewObject() throws Exception {
    byte[] data = bytes(50_000, 6);
    BlobInfo first = put(prefix + "same", data);
    BlobInfo again = put(prefix + "same", data);
    assertThat(again.sha256()).isEqualTo(first.sha256());
    assertThat(again.size()).isEqualTo(first.size());
    assertThat(store.list(prefix, Optional.empty(), 100).items()).hasSize(1);
  }

  @Test
  void differentBytesUnderATakenKeyAreRefused() throws Exception {
    byte[] data = bytes(50_000, 7);
    put(prefix + "taken", data);
    assertThatThrownBy(() -> put(prefix + "taken", bytes(50_000, 8)))
        .isInstanceOf(ObjectExistsException.class);
    assertThat(get(prefix + "taken")).isEqualTo(data);
  }

  @Test
  void aWrongExpectedHashFailsTheCommitAndLeavesNothing() throws Exception {
    byte[] data = bytes(10_000, 9);
    CreateOptions wrong = CreateOptions.defaults().withExpectedSha256(sha256(bytes(10_000, 10)));
    assertThatThrownBy(() -> put(prefix + "wrong", data, wrong)).isInstanceOf(IntegrityException.class);
    assertThat(store.stat(prefix + "wrong")).isEmpty();
    BlobInfo ok = put(prefix + "right", data, CreateOptions.defaults().withExpectedSha256(sha256(data)));
    assertThat(ok.sha256()).isEqualTo(sha256(data));
  }

  // -- keys and listing --------------------------------------------------------------------------

  @Test
  void oddKeyNames() throws Exception {
    List<String> keys = List.of("spaces in name.sealed", "unicode-çé漢字-🎥.sealed",
        "deep/a/b/c/d/e/f/g/h/i/j/k/segment.sealed", "dots.in.name", "x".repeat(200));
    for (String k : keys) {
      byte[] data = bytes(100, k.hashCode());
      put(prefix + k, data);
      assertThat(get(prefix + k)).as(k).isEqualTo(data);
    }
    List<String> listed = new ArrayList<>();
    store.listAll(prefix).forEachRemaining(i -> listed.add(i.key().substring(prefix.length())));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void invalidKeysAreRefused() {
    for (String bad : List.of("", "/lead", "trail/", "a//b", "a/../b", "./a", ".hidden", "a/.part", "nul\u0000",
        "line\nbreak")) {
      assertThatThrownBy(() -> store.create(bad, CreateOptions.defaults()))
          .as("key %s", bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void listingIsPagedInKeyOrderAndFiltersByPrefix() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String k = String.format(java.util.Locale.ROOT, "%srec/%05d.sealed", prefix, i);
      put(k, bytes(10, i));
      expected.add(k);
    }
    put(prefix + "other/x", bytes(10, 99));
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      Page page = store.list(prefix + "rec/", token, 7);
      assertThat(page.items().size()).isLessThanOrEqualTo(7);
      page.items().forEach(i -> seen.add(i.key()));
      token = page.next();
      pages++;
    } while (token.isPresent());
    assertThat(seen).isEqualTo(expected);
    assertThat(pages).isGreaterThanOrEqualTo(4);
    List<String> keys = new ArrayList<>();
    store.listKeys(prefix + "rec/").forEachRemaining(keys::add);
    assertThat(keys).as("listKeys: the keys of list, in the same order").isEqualTo(expected);
    List<String> all = new ArrayList<>();
    store.listKeys(prefix).forEachRemaining(all::add);
    assertThat(all).hasSize(26).endsWith(prefix + "rec/00024.sealed").contains(prefix + "other/x");
  }

  @Test
  void deleteRemoves() throws Exception {
    put(prefix + "gone", bytes(10, 11));
    store.delete(prefix + "gone");
    assertThat(store.stat(prefix + "gone")).isEmpty();
  }

  // -- retention ------------------------------------------------------------------------------

  @Test
  void retentionAndLegalHoldRefuseDeletes() throws Exception {
    if (!store.capabilities().retention()) {
      assertThatThrownBy(() -> store.protect(prefix + "x", Optional.empty(), true))
          .isInstanceOfAny(UnsupportedOperationException.class, NoSuchObjectException.class);
      return;
    }
    Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    put(prefix + "locked", bytes(10, 12), CreateOptions.defaults().withRetention(Retention.compliance(until)));
    assertThat(store.stat(prefix + "locked").orElseThrow().retention()).contains(Retention.compliance(until));
    assertThatThrownBy(() -> store.delete(prefix + "locked")).isInstanceOf(RetentionException.class);
    assertThatThrownBy(() -> store.protect(prefix + "locked",
        Optional.of(Retention.compliance(until.minus(1, ChronoUnit.HOURS))), false))
        .isInstanceOf(RetentionException.class);
    store.protect(prefix + "locked", Optional.of(Retention.compliance(until.plus(1, ChronoUnit.HOURS))), false);
    assertThat(store.stat(prefix + "locked").orElseThrow().retention().orElseThrow().until())
        .isEqualTo(until.plus(1, ChronoUnit.HOURS));
    assertThat(store.stat(prefix + "locked")).isPresent();

    put(prefix + "held", bytes(10, 13), CreateOptions.defaults().withLegalHold(true));
    assertThat(store.stat(prefix + "held").orElseThrow().legalHold()).isTrue();
    assertThatThrownBy(() -> store.delete(prefix + "held")).isInstanceOf(RetentionException.class);
    store.protect(prefix + "held", Optional.empty(), false);
    store.delete(prefix + "held");
    assertThat(store.stat(prefix + "held")).isEmpty();
  }

  // -- concurrency and size -------------------------------------------------------------------

  @Test
  void parallelWritersToDistinctKeys() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Sha256>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int n = t;
        done.add(pool.submit(() -> {
          byte[] data = bytes(1 << 20, 100 + n);
          put(prefix + "par/" + n, data);
          return sha256(data);
        }));
      }
      for (int t = 0; t < 16; t++) {
        Sha256 sha = done.get(t).get();
        assertThat(store.stat(prefix + "par/" + t).orElseThrow().sha256()).isEqualTo(sha);
        assertThat(sha256(get(prefix + "par/" + t))).isEqualTo(sha);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingWritersOfDifferentBytesToOneKeyLeaveExactlyOneIntact() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger won = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Callable<Void>> racers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int n = t;
        racers.add(() -> {
          try {
            put(prefix + "race", bytes(200_000, 200 + n));
            won.incrementAndGet();
          } catch (ObjectExistsException e) {
            refused.incrementAndGet();
          }
          return null;
        });
      }
      for (Future<Void> f : pool.invokeAll(racers)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(won.get()).isEqualTo(1);
    assertThat(refused.get()).isEqualTo(7);
    BlobInfo info = store.stat(prefix + "race").orElseThrow();
    assertThat(sha256(get(prefix + "race"))).isEqualTo(info.sha256());
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void largeObjectsStreamWithBoundedMemory() throws Exception {
    long size = largeObjectBytes();
    byte[] chunk = new byte[1 << 20];
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    Runtime rt = Runtime.getRuntime();
    long maxHeapGrowth = 0;
    long base = rt.totalMemory() - rt.freeMemory();
    try (BlobWriter w = store.create(prefix + "large", CreateOptions.defaults())) {
      for (long done = 0; done < size; done += chunk.length) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, size - done);
        written.update(chunk, 0, n);
        w.write(ByteBuffer.wrap(chunk, 0, n));
        maxHeapGrowth = Math.max(maxHeapGrowth, rt.totalMemory() - rt.freeMemory() - base);
      }
      w.commit();
    }
    Sha256 sha = Sha256.of(written.digest());
    assertThat(store.stat(prefix + "large").orElseThrow().sha256()).isEqualTo(sha);
    MessageDigest read = MessageDigest.getInstance("SHA-256");
    try (InputStream in = store.readVerified(prefix + "large")) {
      for (int n; (n = in.read(chunk)) > 0; ) {
        read.update(chunk, 0, n);
      }
    }
    assertThat(Sha256.of(read.digest())).isEqualTo(sha);
    if (size >= 1L << 30) {
      // Streaming: the writer never held the object (heap growth far below its size).
      assertThat(maxHeapGrowth).isLessThan(size / 2);
    }
  }
}
