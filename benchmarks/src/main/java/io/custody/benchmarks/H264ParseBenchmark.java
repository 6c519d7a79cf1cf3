package io.custody.benchmarks;

import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AnnexBScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage 1 of the write path: Annex-B scanning and access-unit assembly over a real 1080p clip
 * held in memory, fed in 64 KiB chunks as a camera's encoder or a pipe would deliver it.
 *
 * <p>One operation is one pass over the clip. The clip is fed again and again into the same
 * scanner and assembler, as one endless stream (the clip starts with SPS, PPS and an IDR picture,
 * so its repeats are a valid stream): what {@code -prof gc} reports is the steady state, not
 * start-up. The {@code bytes} counter gives the rate in bytes per second directly.
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar H264Parse
 * -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class H264ParseBenchmark {
  /** Chunk size of each feed call: what a 64 KiB pipe read returns. */
  private static final int CHUNK = 64 * 1024;

  @Param("testdata/clips/bwc-1080p30-high.h264")
  public String clip;

  private byte[] data;
  private AnnexBScanner scanOnly;
  private AnnexBScanner scanAndAssemble;
  private long units;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = Files.readAllBytes(Path.of(clip));
    scanOnly = new AnnexBScanner(nal -> units += nal.length());
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> units += au.length());
    scanAndAssemble = new AnnexBScanner(assembler);
  }

  private long feed(AnnexBScanner scanner) {
    for (int pos = 0; pos < data.length; pos += CHUNK) {
      scanner.feed(data, pos, Math.min(CHUNK, data.length - pos));
    }
    return units;
  }

  /** Start-code scanning alone: NAL units found, handed to a sink that only sums lengths. */
  @Benchmark
  public long scan(ByteCounter counter) {
    counter.bytes += data.length;
    return feed(scanOnly);
  }

  /** Scanning plus access-unit assembly: parameter sets, slice headers, POC, copy to AU buffer. */
  @Benchmark
  public long scanAndAssemble(ByteCounter counter) {
    counter.bytes += data.length;
    return feed(scanAndAssemble);
  }

  /** Baseline: the obvious byte-at-a-time search for 00 00 01, for scale. */
  @Benchmark
  public long byteLoopBaseline(ByteCounter counter) {
    counter.bytes += data.length;
    byte[] b = data;
    long found = 0;
    for (int i = 0, n = b.length - 2; i < n; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        found++;
      }
    }
    return found;
  }
}
