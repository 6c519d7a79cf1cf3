package io.custody.benchmarks;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.custody.recorder.Recorder;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.seal.SealedSegmentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
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
 * Cold start: the first {@code megabytes} MB sealed in a fresh JVM, as a dock that has just
 * started sealing a new recording does. Single shot, no warm-up, a new JVM per fork; the score is
 * the time for all of it (MB/s = megabytes / score). Each benchmark has its own state, so nothing
 * it measures was run in its JVM before.
 *
 * <ul>
 *   <li>{@code custody}: the whole write path of {@link WritePathBenchmark#custody} (Annex-B →
 *       sealed 1 s fragments), the 8 Mbit/s clip fed again and again;
 *   <li>{@code custodyAfterWarmUp}: the same after {@link SealedSegmentWriter#warmUp()} in the
 *       set-up, as a camera or dock calls it at start-up (its time is printed, not scored);
 *   <li>{@code tinkStreaming}: Tink {@code StreamingAead} (AES256_GCM_HKDF_1MB) + SHA-256 of its
 *       output over the same clip's bytes, written in 64 KiB calls (neither muxes nor signs).
 * </ul>
 *
 * <p>{@code benchmarks/run.sh full ColdStart}. Compare with the warm figures of {@link
 * WritePathBenchmark} from the same run.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
public class ColdStartBenchmark {
  private static final int CHUNK = 64 * 1024;

  /** The clip, read but not yet touched by any code under test, and how much to seal. */
  @State(Scope.Thread)
  public static class Input {
    @Param(WritePathBenchmark.CLIP)
    public String clip;

    @Param("100")
    public int megabytes;

    byte[] data;

    @Setup(Level.Trial)
    public void read() throws IOException {
      data = Files.readAllBytes(Path.of(clip));
    }

    long total() {
      return megabytes * 1_000_000L;
    }
  }

  /** A recorder, built (keys made, recording started) but not yet fed. */
  @State(Scope.Thread)
  public static class CustodyState {
    Recorder recorder;

    @Setup(Level.Trial)
    public void open() throws IOException {
      recorder = newRecorder();
    }
  }

  /** As {@link CustodyState}, after {@link SealedSegmentWriter#warmUp()} at start-up. */
  @State(Scope.Thread)
  public static class WarmedUpState {
    Recorder recorder;

    @Setup(Level.Trial)
    public void open() throws IOException {
      System.out.println("warm-up took " + SealedSegmentWriter.warmUp().toMillis() + " ms");
      recorder = newRecorder();
    }
  }

  /** A recording recorder with fresh keys, as the write-path benchmark builds it. */
  static Recorder newRecorder() throws IOException {
    return WritePathBenchmark.recording(SealedSegmentWriter.builder(
        Ed25519.signer(DeviceSigningKey.generate()), List.of(RecipientPrivateKey.generate().publicKey())));
  }

  /** A Tink streaming-AEAD primitive whose output is hashed, not yet used. */
  @State(Scope.Thread)
  public static class TinkState {
    StreamingAead tink;

    @Setup(Level.Trial)
    // The peer as its users call it: Tink's classic keyset API, deprecated but the documented one.
    @SuppressWarnings({"deprecation", "InlineMeInliner"})
    public void open() throws GeneralSecurityException {
      StreamingAeadConfig.register();
      tink = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM_HKDF_1MB")).getPrimitive(StreamingAead.class);
    }
  }

  @Benchmark
  public long custody(Input in, CustodyState s) throws IOException {
    return seal(in, s.recorder);
  }

  @Benchmark
  public long custodyAfterWarmUp(Input in, WarmedUpState s) throws IOException {
    return seal(in, s.recorder);
  }

  private static long seal(Input in, Recorder recorder) throws IOException {
    long fed = 0;
    while (fed < in.total()) {
      for (int pos = 0; pos < in.data.length && fed < in.total(); pos += CHUNK) {
        int n = Math.min(CHUNK, in.data.length - pos);
        recorder.feedAnnexB(in.data, pos, n);
        fed += n;
      }
    }
    recorder.close();
    return recorder.stats().videoFramesSealed();
  }

  @Benchmark
  public byte tinkStreaming(Input in, TinkState s) throws IOException, GeneralSecurityException {
    DroppingChannel hashed = DroppingChannel.hashing();
    long fed = 0;
    try (WritableByteChannel enc = s.tink.newEncryptingChannel(hashed, new byte[0])) {
      while (fed < in.total()) {
        for (int pos = 0; pos < in.data.length && fed < in.total(); pos += CHUNK) {
          ByteBuffer b = ByteBuffer.wrap(in.data, pos, Math.min(CHUNK, in.data.length - pos));
          fed += b.remaining();
          while (b.hasRemaining()) {
            enc.write(b);
          }
        }
      }
    }
    return hashed.sha.digest()[0];
  }
}
