package io.custody.benchmarks;

import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage 4: writing a 16 MiB object (a 16-second segment at 8 Mbit/s, in 1 MiB fragments) to the
 * local disk, through the file: store and raw, in the same run:
 *
 * <ul>
 *   <li>{@code store}: the file: store with fsync at commit (file and directory, the default) or
 *       without ({@code fsync=false});
 *   <li>{@code perFragment}: a plain file forced after every 1 MiB fragment (what the sealing
 *       output does so a power cut loses at most one fragment);
 *   <li>{@code rawWrite}: dd-style sequential writes of the same bytes, no fsync, and {@code
 *       rawWriteFsync}: the same with one fsync at the end.
 * </ul>
 *
 * <p>Writes go under {@code target/store-bench} (the project's disk). Run from the repository
 * root: {@code java -jar benchmarks/target/benchmarks.jar StoreWrite}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class StoreWriteBenchmark {
  private static final int FRAGMENT = 1 << 20;
  private static final int FRAGMENTS = 16;

  @Param({"true", "false"})
  public boolean fsync;

  private final byte[] data = new byte[FRAGMENT];
  private Path dir;
  private BlobStore store;
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    new Random(1).nextBytes(data);
    dir = Path.of("target", "store-bench").toAbsolutePath();
    Files.createDirectories(dir);
    store = Storage.open(dir.resolve("store").toUri(), Map.of("fsync", String.valueOf(fsync)));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
  }

  @Benchmark
  public long store(ByteCounter c) throws IOException {
    String key = "bench/" + n++ + ".sealed";
    try (BlobWriter w = store.create(key, CreateOptions.defaults())) {
      for (int i = 0; i < FRAGMENTS; i++) {
        w.write(data, 0, FRAGMENT);
      }
      w.commit();
    }
    store.delete(key);
    c.bytes += (long) FRAGMENT * FRAGMENTS;
    return n;
  }

  @Benchmark
  public long perFragment(ByteCounter c) throws IOException {
    return writeFile(c, true, false);
  }

  @Benchmark
  public long rawWrite(ByteCounter c) throws IOException {
    return writeFile(c, false, fsync);
  }

  private long writeFile(ByteCounter c, boolean forceEachFragment, boolean forceAtEnd) throws IOException {
    Path f = dir.resolve("raw-" + n++);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < FRAGMENTS; i++) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        if (forceEachFragment) {
          ch.force(false);
        }
      }
      if (forceAtEnd) {
        ch.force(true);
      }
    }
    Files.delete(f);
    c.bytes += (long) FRAGMENT * FRAGMENTS;
    return n;
  }
}
