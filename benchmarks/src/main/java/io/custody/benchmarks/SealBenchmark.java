package io.custody.benchmarks;

import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.Trigger;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.seal.SealedSegmentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
 * Stage 3: sealing the fMP4 of the real 1080p clip (three 1-second fragments, 1.68 MB) into the
 * container format, against the raw JCA passes any design that encrypts and hashes must make,
 * in the same run.
 *
 * <ul>
 *   <li>{@code seal}: one long-lived {@link SealedSegmentWriter} fed the clip's fragments again
 *       and again (steady state): 16 KiB AES-256-GCM records, SHA-256 chain over the ciphertext,
 *       SHA-256 of the plaintext, fragment info and an Ed25519 checkpoint per fragment.
 *   <li>{@code rawPasses}: exactly the primitive passes seal must make over the same bytes:
 *       AES-256-GCM in 16 KiB calls, SHA-256 of the ciphertext, and (when {@code
 *       plaintextSha256}) SHA-256 of the plaintext.
 *   <li>{@code rawAesGcm} and {@code rawSha256}: one primitive each, for scale.
 * </ul>
 *
 * <p>One operation is one pass over the clip's fragments. Run from the repository root: {@code
 * java -jar benchmarks/target/benchmarks.jar Seal -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SealBenchmark {
  @Param("testdata/clips/bwc-1080p30-high.h264")
  public String clip;

  /** Whether the manifest's plaintext SHA-256 is computed (a second SHA-256 pass). */
  @Param({"true", "false"})
  public boolean plaintextSha256;

  private Fmp4Clip fmp4;
  private SealedSegmentWriter writer;
  private RawPasses raw;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    fmp4 = new Fmp4Clip(Files.readAllBytes(Path.of(clip)));
    DeviceSigningKey device = DeviceSigningKey.generate();
    RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    writer = SealedSegmentWriter.builder(Ed25519.signer(device), List.of(RecipientPrivateKey.generate().publicKey()))
        .plaintextSha256(plaintextSha256)
        .open(new DroppingChannel(), new SegmentDescriptor(recording, 0, Instant.EPOCH, "bench", "bench"));
    writer.init(ByteBuffer.allocate(600));
    raw = new RawPasses();
  }

  @Benchmark
  public long seal(ByteCounter counter) throws IOException {
    for (int i = 0; i < fmp4.fragments.size(); i++) {
      writer.fragment(fmp4.fragments.get(i).duplicate(), fmp4.infos.get(i));
    }
    counter.bytes += fmp4.bytes;
    return writer.bytesWritten();
  }

  @Benchmark
  public long rawPasses(ByteCounter c) throws GeneralSecurityException {
    c.bytes += fmp4.bytes;
    return raw.sealAndHash(fmp4.fragments, plaintextSha256);
  }

  @Benchmark
  public long rawAesGcm(ByteCounter c) throws GeneralSecurityException {
    c.bytes += fmp4.bytes;
    return raw.encryptOnly(fmp4.fragments);
  }

  @Benchmark
  public byte rawSha256(ByteCounter c) {
    c.bytes += fmp4.bytes;
    return raw.hashOnly(fmp4.fragments);
  }
}
