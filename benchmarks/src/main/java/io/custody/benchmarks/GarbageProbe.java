package io.custody.benchmarks;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.Trigger;
import io.custody.seal.SealedSegmentWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Bytes allocated (garbage, since nothing of it outlives the call) per HPKE key wrap and per
 * sealed segment, counted by the JVM per thread ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}): the figures behind "Key wrap and
 * segment garbage" in {@code benchmarks/README.md}.
 *
 * <p>A segment is what a recorder seals once per segment: open a {@link SealedSegmentWriter} (one
 * key wrap per recipient, the header and its signature), the initialization part, every fragment
 * of the clip (one checkpoint signature each), the end and the manifest, into a channel that drops
 * the bytes. Each figure is the mean over {@code --runs} calls after as many warm-up calls, on one
 * thread; it is exact (the JVM counts every allocation), so unlike JMH's timings it needs no
 * repetition across forks.
 *
 * <p>Not JMH (it counts bytes, not time): {@code java -cp benchmarks/target/benchmarks.jar
 * io.custody.benchmarks.GarbageProbe [--runs N] [CLIP]}, from the repository root; the clip
 * defaults to the 1080p one (three 1-second fragments, 1.68 MB).
 */
public final class GarbageProbe {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private GarbageProbe() {}

  /**
   * Prints the bytes allocated per key wrap and per segment.
   *
   * @param args {@code [--runs N] [CLIP]}
   */
  public static void main(String[] args) throws IOException {
    int runs = 200;
    Path clip = Path.of("testdata/clips/bwc-1080p30-high.h264");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[++i]);
      } else {
        clip = Path.of(args[i]);
      }
    }
    RecipientPublicKey recipient = RecipientPrivateKey.generate().publicKey();
    byte[] contentKey = new byte[32];
    byte[] info = "custody/v1 garbage probe".getBytes(StandardCharsets.US_ASCII);
    Runnable wrap = () -> KeyWrap.wrap(recipient, contentKey, info);

    Fmp4Clip fmp4 = new Fmp4Clip(Files.readAllBytes(clip));
    Signer signer = Ed25519.signer(DeviceSigningKey.generate());
    RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    SegmentDescriptor descriptor = new SegmentDescriptor(recording, 0, Instant.EPOCH, "probe", "probe");
    Runnable segment = () -> {
      try {
        SealedSegmentWriter writer = SealedSegmentWriter.builder(signer, List.of(recipient))
            .open(new DroppingChannel(), descriptor);
        writer.init(fmp4.init.duplicate());
        for (int i = 0; i < fmp4.fragments.size(); i++) {
          writer.fragment(fmp4.fragments.get(i).duplicate(), fmp4.infos.get(i));
        }
        writer.end(fmp4.end, true);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    };

    System.out.printf(Locale.ROOT, "JDK %s, %d runs after %d warm-up runs%n",
        Runtime.version(), runs, runs);
    System.out.printf(Locale.ROOT, "key wrap: %,d bytes allocated per wrap%n", perCall(wrap, runs));
    System.out.printf(Locale.ROOT, "segment (%s, %d fragments, %,d bytes): %,d bytes allocated per segment%n",
        clip.getFileName(), fmp4.fragments.size(), fmp4.bytes, perCall(segment, runs));
  }

  /** Mean bytes allocated by this thread per call of {@code task}, after {@code runs} warm-up calls. */
  private static long perCall(Runnable task, int runs) {
    for (int i = 0; i < runs; i++) {
      task.run();
    }
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    for (int i = 0; i < runs; i++) {
      task.run();
    }
    return (THREADS.getThreadAllocatedBytes(thread) - before) / runs;
  }
}
