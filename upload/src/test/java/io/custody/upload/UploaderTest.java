package io.custody.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.tck.ForwardingBlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Page;
import io.custody.storage.RetryPolicy;
import io.custody.storage.memory.MemoryBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The dock-side uploader under injected faults, restarts and policies. */
class UploaderTest {
  static MemoryBlobStore store() {
    return new MemoryBlobStore(URI.create("mem:" + UUID.randomUUID()));
  }

  /** 30 segments of 3 recordings, 10 kB to 400 kB. */
  static List<BlobInfo> fill(BlobStore local) throws IOException {
    Random r = new Random(3);
    List<BlobInfo> all = new ArrayList<>();
    for (int rec = 0; rec < 3; rec++) {
      for (int seg = 0; seg < 10; seg++) {
        byte[] data = new byte[10_000 + r.nextInt(400_000)];
        r.nextBytes(data);
        try (BlobWriter w = local.create("rec-" + rec + "/" + String.format(java.util.Locale.ROOT, "%05d.sealed", seg), CreateOptions.defaults())) {
          w.write(data, 0, data.length);
          all.add(w.commit());
        }
      }
    }
    return all;
  }

  static void assertAllThere(List<BlobInfo> expected, BlobStore remote) throws IOException {
    for (BlobInfo info : expected) {
      BlobInfo there = remote.stat(info.key()).orElseThrow();
      assertThat(there.sha256()).isEqualTo(info.sha256());
      try (InputStream in = remote.readVerified(info.key())) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    List<String> keys = new ArrayList<>();
    remote.listAll("").forEachRemaining(i -> keys.add(i.key()));
    assertThat(keys).hasSize(expected.size()); // nothing extra, nothing under another key
  }

  static Uploader.Builder fast(BlobStore local, BlobStore remote) {
    return Uploader.builder(local, remote)
        .retryPolicy(new RetryPolicy(50, Duration.ofMillis(1), Duration.ofMillis(5), RetryPolicy.Jitter.FULL));
  }

  @Test
  void everySegmentArrivesAndVerifiesDespiteFaults() throws Exception {
    MemoryBlobStore local = store();
    List<BlobInfo> segments = fill(local);
    MemoryBlobStore real = store();
    FaultyBlobStore remote = new FaultyBlobStore(real, 23, 3);
    AtomicInteger failures = new AtomicInteger();
    UploadReport report = fast(local, remote).concurrency(4).listener(new UploadListener() {
      @Override
      public void attemptFailed(String key, int attempt, Exception error, boolean willRetry) {
        failures.incrementAndGet();
      }
    }).build().run("");
    assertThat(report.complete()).as(report.failed().toString()).isTrue();
    assertThat(remote.faults.get()).isGreaterThan(10);
    assertThat(failures.get()).isGreaterThan(10);
    assertThat(remote.created.get()).isEqualTo(segments.size()); // 0 duplicates, 0 lost
    assertAllThere(segments, real);
  }

  @Test
  void aRestartedUploaderResumesWithoutUploadingTwice() throws Exception {
    MemoryBlobStore local = store();
    List<BlobInfo> segments = fill(local);
    MemoryBlobStore real = store();
    FaultyBlobStore remote = new FaultyBlobStore(real, 0, 0);
    AtomicInteger done = new AtomicInteger();
    // The first run loses its uplink for good after 12 segments (a dock switched off).
    UploadReport first = fast(local, remote).concurrency(2)
        .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), RetryPolicy.Jitter.FULL))
        .listener(new UploadListener() {
          @Override
          public void uploaded(String key, long bytes, boolean alreadyThere) {
            if (done.incrementAndGet() == 12) {
              remote.dead = true;
            }
          }
        }).build().run("");
    assertThat(first.complete()).isFalse();
    int afterFirst = remote.created.get();
    remote.dead = false;
    UploadReport second = fast(local, remote).build().run("");
    assertThat(second.complete()).isTrue();
    assertThat(second.uploaded()).isEqualTo(segments.size() - afterFirst);
    assertThat(second.alreadyThere()).isEqualTo(afterFirst);
    assertThat(remote.created.get()).isEqualTo(segments.size());
    assertAllThere(segments, real);
    // A third run finds everything in its journal.
    UploadReport third = fast(local, remote).build().run("");
    assertThat(third.uploaded()).isZero();
    assertThat(third.alreadyThere()).isEqualTo(segments.size());
  }

  @Test
  void anObjectIsGivenUpAfterTheRetryPolicysAttempts() throws Exception {
    MemoryBlobStore local = store();
    BlobInfo only = fill(local).get(0);
    local.listAll("").forEachRemaining(i -> {
      if (!i.key().equals(only.key())) {
        try {
          local.delete(i.key());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    FaultyBlobStore remote = new FaultyBlobStore(store(), 0, 0);
    remote.dead = true;
    List<String> attempts = new ArrayList<>();
    UploadReport report = Uploader.builder(local, remote)
        .retryPolicy(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, RetryPolicy.Jitter.FULL))
        .listener(new UploadListener() {
          @Override
          public synchronized void attemptFailed(String key, int attempt, Exception error, boolean willRetry) {
            attempts.add(key + " " + attempt + " " + willRetry);
          }
        }).build().run("");
    assertThat(report.complete()).isFalse();
    assertThat(report.failed()).containsOnlyKeys(only.key());
    assertThat(attempts).containsExactly(only.key() + " 1 true", only.key() + " 2 true", only.key() + " 3 false");
  }

  @Test
  void differentBytesAtTheDestinationAreAConflictNotAnOverwrite() throws Exception {
    MemoryBlobStore local = store();
    List<BlobInfo> segments = fill(local);
    MemoryBlobStore remote = store();
    byte[] other = new byte[100];
    try (BlobWriter w = remote.create(segments.get(4).key(), CreateOptions.defaults())) {
      w.write(other, 0, other.length);
      w.commit();
    }
    UploadReport report = fast(local, remote).build().run("");
    assertThat(report.failed()).containsOnlyKeys(segments.get(4).key());
    assertThat(report.failed().get(segments.get(4).key())).contains("conflict");
    assertThat(remote.stat(segments.get(4).key()).orElseThrow().size()).isEqualTo(100);
    assertThat(report.uploaded()).isEqualTo(segments.size() - 1);
  }

  @Test
  void localCopiesAreReleasedOnlyAfterVerificationWhenThePolicySaysSo() throws Exception {
    MemoryBlobStore local = store();
    List<BlobInfo> segments = fill(local);
    MemoryBlobStore remote = store();
    UploadReport keep = fast(local, remote).build().run("rec-0/");
    assertThat(keep.sourceDeleted()).isZero();
    assertThat(local.stat(segments.get(0).key())).isPresent();
    UploadReport release = fast(local, remote).deleteSourceAfterVerify(true).build().run("");
    assertThat(release.complete()).isTrue();
    assertThat(release.sourceDeleted()).isEqualTo(segments.size());
    for (BlobInfo info : segments) {
      assertThat(local.stat(info.key())).isEmpty();
      assertThat(remote.stat(info.key())).isPresent();
    }
  }

  @Test
  void theBandwidthCapHoldsTheRate() throws Exception {
    MemoryBlobStore local = store();
    byte[] data = new byte[1 << 20];
    for (int i = 0; i < 3; i++) {
      try (BlobWriter w = local.create("cap/" + i, CreateOptions.defaults())) {
        w.write(data, 0, data.length);
        w.commit();
      }
    }
    long start = System.nanoTime();
    UploadReport report = fast(local, store()).concurrency(3).bandwidth(2 << 20).build().run("cap/");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(report.complete()).isTrue();
    // 3 MiB at 2 MiB/s: at least ~1.2 s (the bucket may start with a quarter second's worth).
    assertThat(seconds).isGreaterThan(1.1);
  }

  @Test
  void aNewObjectIsReadOnceAndNeverHashedBeforeItIsSent() throws Exception {
    MemoryBlobStore real = store();
    List<BlobInfo> segments = fill(real);
    Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();
    AtomicInteger listings = new AtomicInteger();
    BlobStore local = new ForwardingBlobStore(real) {
      @Override
      public Page list(String prefix, Optional<String> token, int maxItems) throws IOException {
        listings.incrementAndGet(); // a listing with each object's info
        return super.list(prefix, token, maxItems);
      }

      @Override
      public InputStream read(String key, long offset, long length) throws IOException {
        reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return super.read(key, offset, length);
      }

      @Override
      public Optional<BlobInfo> stat(String key) throws IOException {
        stats.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return super.stat(key);
      }
    };
    MemoryBlobStore remote = store();
    UploadReport report = fast(local, remote).concurrency(4).deleteSourceAfterVerify(true).build().run("");
    assertThat(report.complete()).isTrue();
    assertThat(report.bytes()).isEqualTo(segments.stream().mapToLong(BlobInfo::size).sum());
    assertThat(listings).as("listed by keys only").hasValue(0);
    for (BlobInfo info : segments) {
      assertThat(reads.get(info.key())).as(info.key()).hasValue(1);
      assertThat(stats).as("the source's info (its SHA-256) is never asked for").doesNotContainKey(info.key());
      assertThat(remote.stat(info.key()).orElseThrow().sha256()).isEqualTo(info.sha256());
      assertThat(real.stat(info.key())).isEmpty(); // released
    }
  }
}
