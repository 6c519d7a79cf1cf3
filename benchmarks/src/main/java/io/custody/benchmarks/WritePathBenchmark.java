package io.custody.benchmarks;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.custody.recorder.Recorder;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import io.custody.crypto.Ed25519;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.seal.SealedSegmentWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mp4parser.muxer.MemoryDataSourceImpl;
import org.mp4parser.muxer.Movie;
import org.mp4parser.muxer.builder.FragmentedMp4Builder;
import org.mp4parser.muxer.tracks.h264.H264TrackImpl;
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
 * The whole write path in memory against the stacks a user would pick instead, in one run, over
 * the same real 1080p30 8 Mbit/s x264 clip ({@code benchmarks/make-bench-clip.sh}). One operation
 * is one pass over the clip; every figure counts the clip's Annex-B bytes, so rates compare the
 * same work.
 *
 * <ul>
 *   <li>{@code custody} (and {@code custodyNoPlaintextHash}, without the manifest's plaintext
 *       SHA-256): Annex-B in 64 KiB chunks → access units → pre-event buffer → fragmented
 *       MP4 (1 s fragments) → sealed records (AES-256-GCM, SHA-256 chain, Ed25519 checkpoint per
 *       fragment, the manifest's plaintext SHA-256) → a channel
 *       that drops the bytes. One long-lived recorder, recording all the time (60 s segments).
 *   <li>{@code jcaFloor} (a): only the primitive passes sealing needs, with raw JCA, over the
 *       clip's fMP4 bytes: AES-256-GCM in 16 KiB calls, SHA-256 of the ciphertext, and SHA-256 of
 *       the plaintext (not in {@code jcaFloorNoPlaintextHash}). No parsing, muxing or signing.
 *   <li>{@code tinkStreaming} (b): Google Tink {@code StreamingAead} (AES256_GCM_HKDF_1MB) over
 *       the same fMP4 bytes, its ciphertext SHA-256-hashed (one long-lived stream).
 *   <li>{@code mp4parser} (c): org.mp4parser parses the Annex-B clip and builds a fragmented MP4
 *       ({@code FragmentedMp4Builder}), written to a channel that drops it.
 *   <li>{@code tinkAndMp4parser} (b)+(c): mp4parser's fragmented MP4 written through Tink's
 *       encrypting channel, SHA-256-hashed: the peers' stack doing what {@code custody} does,
 *       short of signing.
 *   <li>{@code ffmpegRemux} (d): an {@code ffmpeg -c copy} process remuxing the clip to fragmented
 *       MP4 on a pipe the harness drains, timed as a whole process.
 * </ul>
 *
 * <p>Run from the repository root: {@code benchmarks/run.sh full WritePath} (or {@code java -jar
 * benchmarks/target/benchmarks.jar WritePath -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class WritePathBenchmark {
  static final String CLIP = "benchmarks/target/clips/bwc-1080p30-8mbit.h264";
  private static final int CHUNK = 64 * 1024;

  @Param(CLIP)
  public String clip;

  private byte[] data;
  private final List<ByteBuffer> fragments = new ArrayList<>();

  private Recorder recorder;
  private Recorder recorderNoPlaintextHash;

  private RawPasses raw;

  private StreamingAead tink;
  private DroppingChannel tinkOut;
  private WritableByteChannel tinkStream;

  @Setup(Level.Trial)
  // The peer as its users call it: Tink's classic keyset API, deprecated but the documented one.
  @SuppressWarnings({"deprecation", "InlineMeInliner"})
  public void setUp() throws IOException, GeneralSecurityException {
    data = Files.readAllBytes(Path.of(clip));
    fragments.addAll(new Fmp4Clip(data).fragments);

    Signer signer = Ed25519.signer(DeviceSigningKey.generate());
    List<RecipientPublicKey> recipients = List.of(RecipientPrivateKey.generate().publicKey());
    recorder = recording(SealedSegmentWriter.builder(signer, recipients));
    recorderNoPlaintextHash = recording(SealedSegmentWriter.builder(signer, recipients).plaintextSha256(false));

    raw = new RawPasses();

    StreamingAeadConfig.register();
    tink = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM_HKDF_1MB")).getPrimitive(StreamingAead.class);
    tinkOut = DroppingChannel.hashing();
    tinkStream = tink.newEncryptingChannel(tinkOut, new byte[0]);
  }

  /** A recorder recording into sealed 60 s segments of 1 s fragments, to channels that drop them. */
  static Recorder recording(SealedSegmentWriter.Builder seal) throws IOException {
    SegmentOutput output = segment -> seal.open(new DroppingChannel(), segment);
    Recorder r = Recorder.builder(output).preEvent(Duration.ofSeconds(30)).segmentDuration(Duration.ofSeconds(60))
        .fragmentDuration(Duration.ofSeconds(1)).build();
    r.startRecording(Trigger.button());
    return r;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    recorder.close();
    recorderNoPlaintextHash.close();
    tinkStream.close();
  }

  @Benchmark
  public long custody(ByteCounter c) throws IOException {
    return feed(recorder, c);
  }

  @Benchmark
  public long custodyNoPlaintextHash(ByteCounter c) throws IOException {
    return feed(recorderNoPlaintextHash, c);
  }

  private long feed(Recorder r, ByteCounter c) throws IOException {
    feedClip(r, data);
    c.bytes += data.length;
    return r.stats().videoFramesSealed();
  }

  /** Feeds a whole Annex-B clip in 64 KiB chunks, as a pipe from an encoder delivers it. */
  static void feedClip(Recorder r, byte[] clip) throws IOException {
    for (int pos = 0; pos < clip.length; pos += CHUNK) {
      r.feedAnnexB(clip, pos, Math.min(CHUNK, clip.length - pos));
    }
  }

  @Benchmark
  public long jcaFloor(ByteCounter c) throws GeneralSecurityException {
    return floor(c, true);
  }

  @Benchmark
  public long jcaFloorNoPlaintextHash(ByteCounter c) throws GeneralSecurityException {
    return floor(c, false);
  }

  private long floor(ByteCounter c, boolean plaintextSha256) throws GeneralSecurityException {
    c.bytes += data.length;
    return raw.sealAndHash(fragments, plaintextSha256);
  }

  @Benchmark
  public long tinkStreaming(ByteCounter c) throws IOException {
    for (ByteBuffer f : fragments) {
      ByteBuffer b = f.duplicate();
      while (b.hasRemaining()) {
        tinkStream.write(b);
      }
    }
    c.bytes += data.length;
    return tinkOut.sha.getDigestLength();
  }

  @Benchmark
  public long mp4parser(ByteCounter c) throws IOException {
    DroppingChannel out = new DroppingChannel();
    muxWithMp4parser(out);
    c.bytes += data.length;
    return out.hashCode();
  }

  @Benchmark
  public byte tinkAndMp4parser(ByteCounter c) throws IOException, GeneralSecurityException {
    DroppingChannel hashed = DroppingChannel.hashing();
    try (WritableByteChannel enc = tink.newEncryptingChannel(hashed, new byte[0])) {
      muxWithMp4parser(enc);
    }
    c.bytes += data.length;
    return hashed.sha.digest()[0];
  }

  private void muxWithMp4parser(WritableByteChannel out) throws IOException {
    Movie movie = new Movie();
    try (H264TrackImpl track = new H264TrackImpl(new MemoryDataSourceImpl(ByteBuffer.wrap(data)))) {
      movie.addTrack(track);
      new FragmentedMp4Builder().build(movie).writeContainer(out);
    }
  }

  @Benchmark
  public long ffmpegRemux(ByteCounter c) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "h264",
        "-framerate", "30", "-i", clip, "-c", "copy", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4", "-")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long out = 0;
    byte[] buf = new byte[CHUNK];
    try (InputStream in = p.getInputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        out += n;
      }
    }
    if (p.waitFor() != 0 || out < data.length / 2) {
      throw new IOException("ffmpeg exited " + p.exitValue() + " after " + out + " bytes");
    }
    c.bytes += data.length;
    return out;
  }
}
