package io.custody.benchmarks;

import io.custody.recorder.Recorder;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.seal.SealedSegmentWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-core stream budget: N simultaneous recordings, each fed its 8 Mbit/s clip at the real
 * rate (one frame's worth of Annex-B bytes every 1/30 s, as an encoder pipe delivers them), all
 * sealed (the whole write path of {@link WritePathBenchmark#custody}) to channels that drop the
 * bytes, on a fixed pool of worker threads (default: one per core). A stream is due every 33.3 ms;
 * a worker takes the most overdue one, feeds it, and measures the feed (append latency) and how
 * late the feed began (lateness: how far the machine is behind real time).
 *
 * <p>A run keeps up when no stream ever falls more than one second behind (a camera or a dock's
 * receive buffer holds about that much; beyond it frames would be dropped) and, over the measured
 * second half, the bytes sealed are at least 99 % of what the streams delivered (queues do not
 * grow). Streams start at different GOPs of the clip and at phases spread over a second, as
 * independent cameras would. Reported per N: input MB/s, append p50/p99/max, lateness p99/max,
 * heap in use after a GC with every recorder open.
 *
 * <p>Not JMH (it is a real-time load test, not a throughput loop): {@code benchmarks/run-scale.sh
 * [options] [N ...]}, or {@code java -Xms14g -Xmx14g -cp benchmarks/target/benchmarks.jar
 * io.custody.benchmarks.StreamScale [--seconds S] [--threads T] [--no-plaintext-hash] [--search]
 * N ...}. {@code --search} then looks for the largest N that keeps up (to within 5 %).
 */
public final class StreamScale {
  private static final long FRAME_NANOS = 1_000_000_000L / 30;
  private static final long LATE_LIMIT = 1_000_000_000L;

  private final byte[] clip;
  private final int chunk;
  /** Where each GOP of the clip starts (its SPS NAL unit's start code). */
  private final int[] gops;
  private final int threads;
  private final int seconds;
  private final Signer signer;
  private final List<RecipientPublicKey> recipients;
  private final boolean plaintextSha256;

  /** One recording: its recorder, where it is in the clip, and when its next chunk is due. */
  private static final class Stream implements Delayed {
    final Recorder recorder;
    int pos;
    long due;

    Stream(Recorder recorder, long due) {
      this.recorder = recorder;
      this.due = due;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(due, ((Stream) o).due);
    }
  }

  /** What one run measured. */
  record Result(int streams, double demandedMbPerSecond, double mbPerSecond, long appendP50, long appendP99, long appendMax, long lateP99,
      long lateMax, long heapBytes, long frames) {
    boolean keptUp() {
      return lateMax < LATE_LIMIT && mbPerSecond >= 0.99 * demandedMbPerSecond;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%6d streams: %8.1f MB/s  append p50 %6.1f µs p99 %7.1f µs max %8.1f ms  late p99 %7.1f ms max %7.1f ms"
              + "  heap %6.0f MB (%5.2f MB/stream)  %s",
          streams, mbPerSecond, appendP50 / 1e3, appendP99 / 1e3, appendMax / 1e6, lateP99 / 1e6, lateMax / 1e6,
          heapBytes / 1e6, heapBytes / 1e6 / streams, keptUp() ? "kept up" : "FELL BEHIND");
    }
  }

  StreamScale(byte[] clip, int threads, int seconds, boolean plaintextSha256) throws IOException {
    this.plaintextSha256 = plaintextSha256;
    this.clip = clip;
    // the clip's bytes per frame time: 10 s of 30 fps, so data.length / 300
    this.chunk = Math.max(1, clip.length / 300);
    this.gops = gopStarts(clip);
    this.threads = threads;
    this.seconds = seconds;
    this.signer = Ed25519.signer(DeviceSigningKey.generate());
    this.recipients = List.of(RecipientPrivateKey.generate().publicKey());
  }

  Result run(int n) throws Exception {
    List<Stream> streams = new ArrayList<>();
    long start = System.nanoTime() + 200_000_000L;
    for (int i = 0; i < n; i++) {
      Stream s = new Stream(WritePathBenchmark.recording(
          SealedSegmentWriter.builder(signer, recipients).plaintextSha256(plaintextSha256)),
          start + 1_000_000_000L * i / n); // phases spread over a second, as independent cameras are
      s.pos = gops[i % gops.length]; // streams start at different GOPs of the clip
      streams.add(s);
    }
    DelayQueue<Stream> queue = new DelayQueue<>(streams);
    long end = start + seconds * 1_000_000_000L;
    long measureFrom = start + seconds * 500_000_000L; // the second half: warm, settled
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) n * 30 * seconds + 1024);
    long[][] append = new long[threads][capacity / threads + 1024];
    long[][] late = new long[threads][capacity / threads + 1024];
    long[] lateMax = new long[threads];
    long[] bytes = new long[threads];
    int[] count = new int[threads];
    AtomicBoolean failed = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int w = t;
      Thread th = new Thread(() -> {
        try {
          while (true) {
            Stream s = queue.poll(100, TimeUnit.MILLISECONDS);
            if (s == null) {
              if (System.nanoTime() > end) {
                return;
              }
              continue;
            }
            long t0 = System.nanoTime();
            if (t0 > end) {
              queue.put(s);
              return;
            }
            int len = Math.min(chunk, clip.length - s.pos);
            s.recorder.feedAnnexB(clip, s.pos, len);
            long t1 = System.nanoTime();
            s.pos = s.pos + len == clip.length ? 0 : s.pos + len;
            long lateBy = t0 - s.due;
            lateMax[w] = Math.max(lateMax[w], lateBy);
            if (t0 >= measureFrom && count[w] < append[w].length) {
              append[w][count[w]] = t1 - t0;
              late[w][count[w]] = lateBy;
              count[w]++;
              bytes[w] += len;
            }
            s.due += FRAME_NANOS;
            queue.put(s);
          }
        } catch (Exception e) {
          failed.set(true);
          e.printStackTrace();
        }
      }, "feeder-" + t);
      workers.add(th);
      th.start();
    }
    for (Thread th : workers) {
      th.join();
    }
    if (failed.get()) {
      throw new IllegalStateException("a feed failed");
    }
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heap = mem.getHeapMemoryUsage().getUsed();
    for (Stream s : streams) {
      s.recorder.close();
    }
    long[] a = merge(append, count);
    long[] l = merge(late, count);
    double measured = (end - Math.max(start, measureFrom)) / 1e9;
    return new Result(n, (double) n * chunk * 30 / 1e6, Arrays.stream(bytes).sum() / 1e6 / measured, pct(a, 50), pct(a, 99), pct(a, 100),
        pct(l, 99), Arrays.stream(lateMax).max().orElse(0), heap, a.length);
  }

  private static int[] gopStarts(byte[] b) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0x1f) == 7) {
        at.add(i > 0 && b[i - 1] == 0 ? i - 1 : i);
      }
    }
    if (at.isEmpty()) {
      throw new IllegalArgumentException("no sequence parameter set in the clip");
    }
    return at.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long[] merge(long[][] parts, int[] count) {
    long[] all = new long[Arrays.stream(count).sum()];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, all, at, count[i]);
      at += count[i];
    }
    Arrays.sort(all);
    return all;
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, (long) sorted.length * p / 100)];
  }

  public static void main(String[] args) throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    int seconds = 20;
    boolean search = false;
    boolean plaintextSha256 = true;
    Path clip = Path.of(WritePathBenchmark.CLIP);
    List<Integer> ns = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clip" -> clip = Path.of(args[++i]);
        case "--search" -> search = true;
        case "--no-plaintext-hash" -> plaintextSha256 = false;
        default -> ns.add(Integer.parseInt(args[i]));
      }
    }
    if (ns.isEmpty()) {
      ns.addAll(List.of(1, 2, 16, 256, 1000));
    }
    StreamScale scale = new StreamScale(Files.readAllBytes(clip), threads, seconds, plaintextSha256);
    System.out.printf(Locale.ROOT, "%s, %d worker threads on %d cores, %d s per run (second half measured), plaintext SHA-256 %s, clip %s%n",
        Runtime.version(), threads, Runtime.getRuntime().availableProcessors(), seconds, plaintextSha256 ? "on" : "off",
        clip);
    scale.run(Math.min(16, ns.get(0))); // JIT warm-up, not reported
    int best = 0;
    int worst = Integer.MAX_VALUE;
    for (int n : ns) {
      Result r = scale.run(n);
      System.out.println(r);
      if (r.keptUp()) {
        best = Math.max(best, n);
      } else {
        worst = Math.min(worst, n);
      }
    }
    if (search) {
      if (worst == Integer.MAX_VALUE) {
        worst = Math.max(2, best * 2);
        while (scale.runAndPrint(worst).keptUp()) {
          best = worst;
          worst *= 2;
        }
      }
      while (worst - best > Math.max(1, best / 20)) {
        int mid = (best + worst) / 2;
        if (scale.runAndPrint(mid).keptUp()) {
          best = mid;
        } else {
          worst = mid;
        }
      }
      System.out.printf(Locale.ROOT, "highest N that kept up: %d (%d failed)%n", best, worst);
    }
  }

  private Result runAndPrint(int n) throws Exception {
    Result r = run(n);
    System.out.println(r);
    return r;
  }
}
