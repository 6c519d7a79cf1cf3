package io.custody.benchmarks;

import io.custody.core.RecordingInfo;
import io.custody.core.SegmentDescriptor;
import io.custody.core.Trigger;
import io.custody.core.crypto.DeviceSigningKey;
import io.custody.core.crypto.Ed25519;
import io.custody.core.crypto.RecipientPrivateKey;
import io.custody.core.mp4.FragmentInfo;
import io.custody.core.mp4.FragmentSink;
import io.custody.core.mp4.FragmentedMp4Writer;
import io.custody.core.mp4.SegmentInfo;
import io.custody.core.mp4.VideoTrackConfig;
import io.custody.core.seal.SealedSegmentWriter;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AvcDecoderConfigurationRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
  /** The container's record size (see RecordSizeBenchmark). */
  private static final int RECORD = 16 * 1024;

  @Param("testdata/clips/bwc-1080p30-high.h264")
  public String clip;

  /** Whether the manifest's plaintext SHA-256 is computed (a second SHA-256 pass). */
  @Param({"true", "false"})
  public boolean plaintextSha256;

  private final List<ByteBuffer> fragments = new ArrayList<>();
  private final List<FragmentInfo> infos = new ArrayList<>();
  private long bytesPerPass;
  private SealedSegmentWriter writer;

  private Cipher cipher;
  private SecretKeySpec key;
  private MessageDigest sha;
  private MessageDigest sha2;
  private final byte[] plain = new byte[RECORD];
  private final byte[] sealedRecord = new byte[RECORD + 16];
  private final byte[] nonce = new byte[12];
  private final byte[] digest = new byte[32];
  private long counter;

  /** Discards what is written, as a fast sink would take it. */
  static final class NullChannel implements WritableByteChannel {
    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      src.position(src.limit());
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    byte[] data = Files.readAllBytes(Path.of(clip));
    List<AccessUnit> units = AccessUnitAssembler.readAll(data);
    AccessUnit first = units.get(0);
    FragmentedMp4Writer mux = FragmentedMp4Writer.builder(
            VideoTrackConfig.builder(AvcDecoderConfigurationRecord.of(first.sps(), first.pps())).build())
        .wallClockStart(Instant.EPOCH)
        .open(new FragmentSink() {
          @Override
          public void init(ByteBuffer ftypMoov) {}

          @Override
          public void fragment(ByteBuffer b, FragmentInfo info) {
            ByteBuffer copy = ByteBuffer.allocate(b.remaining());
            copy.put(b).flip();
            fragments.add(copy);
            infos.add(info);
            bytesPerPass += copy.remaining();
          }

          @Override
          public void end(SegmentInfo info) {}
        });
    for (int i = 0; i < units.size(); i++) {
      mux.addVideo(units.get(i), i * 3000L, 6000);
    }
    mux.finish();

    DeviceSigningKey device = DeviceSigningKey.generate();
    RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    writer = SealedSegmentWriter.builder(Ed25519.signer(device), List.of(RecipientPrivateKey.generate().publicKey()))
        .plaintextSha256(plaintextSha256)
        .open(new NullChannel(), new SegmentDescriptor(recording, 0, Instant.EPOCH, "bench", "bench"));
    writer.init(ByteBuffer.allocate(600));

    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    sha = MessageDigest.getInstance("SHA-256");
    sha2 = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public long seal(ByteCounter counter) throws IOException {
    for (int i = 0; i < fragments.size(); i++) {
      writer.fragment(fragments.get(i).duplicate(), infos.get(i));
    }
    counter.bytes += bytesPerPass;
    return writer.bytesWritten();
  }

  @Benchmark
  public long rawPasses(ByteCounter c) throws GeneralSecurityException {
    for (ByteBuffer f : fragments) {
      ByteBuffer b = f.duplicate();
      while (b.hasRemaining()) {
        int n = Math.min(RECORD, b.remaining());
        b.get(plain, 0, n);
        encrypt(n);
        sha.update(sealedRecord, 0, n + 16);
        if (plaintextSha256) {
          sha2.update(plain, 0, n);
        }
      }
    }
    sha.digest(digest, 0, 32);
    c.bytes += bytesPerPass;
    return sha2.digest()[0];
  }

  @Benchmark
  public long rawAesGcm(ByteCounter c) throws GeneralSecurityException {
    long sum = 0;
    for (ByteBuffer f : fragments) {
      ByteBuffer b = f.duplicate();
      while (b.hasRemaining()) {
        int n = Math.min(RECORD, b.remaining());
        b.get(plain, 0, n);
        encrypt(n);
        sum += sealedRecord[n];
      }
    }
    c.bytes += bytesPerPass;
    return sum;
  }

  @Benchmark
  public byte rawSha256(ByteCounter c) {
    for (ByteBuffer f : fragments) {
      sha.update(f.duplicate());
    }
    c.bytes += bytesPerPass;
    return sha.digest()[0];
  }

  private void encrypt(int n) throws GeneralSecurityException {
    long v = counter++;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (v >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.doFinal(plain, 0, n, sealedRecord, 0);
  }
}
