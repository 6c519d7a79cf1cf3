package io.custody.benchmarks;

import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Storage;
import io.custody.storage.s3.CephRgw;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage 4: writing sealed-segment-sized objects to a real S3 server on loopback through the
 * {@code s3:} store, one stream and 16 parallel streams, in the same run as {@link
 * StoreWriteBenchmark}'s disk figures when both are selected.
 *
 * <p>The server is the single-node Ceph RADOS Gateway the tests use ({@code scripts/ceph-rgw.sh},
 * memstore, started in the fork's set-up and stopped when the fork exits; it needs Ceph installed
 * and root, as the tests do: {@code scripts/install-test-tools.sh}). Objects go to its plain
 * (unversioned) bucket and are deleted after each write, and the gateway reclaims their space
 * between iterations ({@code ceph-rgw.sh gc}), so its 4 GiB in-memory OSD never fills.
 * Each object is {@code mib} MiB written in 1 MiB fragments with the store's default 16 MiB
 * parts: 16 MiB is one PutObject (create-if-absent claim, then the body with Content-MD5), 64 MiB
 * a four-part multipart upload. Every byte is also SHA-256-hashed by the writer, as always. The
 * score is objects per second (MB/s = score × {@code mib} × 1.048576): an auxiliary byte counter
 * would also count the tail of objects still in flight when an iteration ends, which with 16
 * threads each writing one object per second overstates the rate.
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar
 * "StoreWrite|S3Write"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 4, time = 4)
@Fork(1)
public class S3WriteBenchmark {
  private static final int FRAGMENT = 1 << 20;

  @Param({"16", "64"})
  public int mib;

  private final byte[] data = new byte[FRAGMENT];
  private final AtomicLong n = new AtomicLong();
  private BlobStore store;
  private CephRgw rgw;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    new Random(1).nextBytes(data);
    if (System.getProperty("custody.root") == null) {
      System.setProperty("custody.root", "."); // scripts/ceph-rgw.sh, from the repository root
    }
    rgw = CephRgw.shared();
    URI uri = URI.create("s3://" + CephRgw.PLAIN + "/bench-" + UUID.randomUUID() + "?endpoint=" + rgw.endpoint);
    store = Storage.open(uri, Map.of("access-key", rgw.accessKey, "secret-key", rgw.secretKey));
  }

  /** Frees the deleted objects' space between iterations, outside the measurement. */
  @TearDown(Level.Iteration)
  public void collectGarbage() throws IOException {
    rgw.collectGarbage();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
  }

  @Benchmark
  @Threads(1)
  public long oneStream() throws IOException {
    return write();
  }

  @Benchmark
  @Threads(16)
  public long sixteenStreams() throws IOException {
    return write();
  }

  private long write() throws IOException {
    long i = n.incrementAndGet();
    String key = "seg/" + i + ".sealed";
    try (BlobWriter w = store.create(key, CreateOptions.defaults())) {
      for (int f = 0; f < mib; f++) {
        w.write(data, 0, FRAGMENT);
      }
      w.commit();
    }
    store.delete(key);
    return i;
  }
}
