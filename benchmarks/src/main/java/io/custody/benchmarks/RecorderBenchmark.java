package io.custody.benchmarks;

import io.custody.recorder.Recorder;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import io.custody.recorder.internal.PreEventBuffer;
import io.custody.recorder.internal.SlabPayloadStore;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.VideoTrackConfig;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AvcDecoderConfigurationRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage 2 of the write path over the real 1080p clip: the pre-event buffer at a full window
 * ({@code window}: 30 s, or the largest, 120 s; with {@code -p clip=} the 8 Mbit/s clip)
 * (append plus GOP eviction), the fragmented-MP4 writer alone, and the whole recorder (Annex-B
 * bytes in, fMP4 segments out to a sink that drops them).
 *
 * <p>One operation is one pass over the clip (90 access units, 1.68 MB); every benchmark keeps
 * one long-lived pipeline, so {@code -prof gc} shows the steady state. Run from the repository
 * root: {@code java -jar benchmarks/target/benchmarks.jar Recorder -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecorderBenchmark {
  @Param("testdata/clips/bwc-1080p30-high.h264")
  public String clip;

  /** The pre-event window in seconds (30 s is the usual setting, 120 s the largest). */
  @Param({"30", "120"})
  public int window;

  private byte[] data;
  private List<AccessUnit> units;
  private long passes;

  private PreEventBuffer buffer;
  private FragmentedMp4Writer writer;
  private Recorder recorder;

  /** A sink that only counts, standing in for the sealing stage. */
  static final class NullSink implements FragmentSink {
    long bytes;

    @Override
    public void init(ByteBuffer ftypMoov) {
      bytes += ftypMoov.remaining();
    }

    @Override
    public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) {
      bytes += prftMoofMdat.remaining();
    }

    @Override
    public void end(SegmentInfo info, boolean lastInRecording) {}
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = Files.readAllBytes(Path.of(clip));
    units = AccessUnitAssembler.readAll(data);

    // a byte bound above the window at 8 Mbit/s (1 MB/s), so the window is what evicts
    long bound = window * 1_250_000L + (16 << 20);
    buffer = new PreEventBuffer(new SlabPayloadStore(SlabPayloadStore.slabSizeFor(bound), false),
        window * 90_000L, bound);
    AccessUnit first = units.get(0);
    writer = FragmentedMp4Writer.builder(
            VideoTrackConfig.builder(AvcDecoderConfigurationRecord.of(first.sps(), first.pps())).build())
        .wallClockStart(Instant.EPOCH)
        .open(new NullSink());
    SegmentOutput nullOutput = segment -> new NullSink();
    recorder = Recorder.builder(nullOutput).preEvent(Duration.ofSeconds(30)).build();
    recorder.startRecording(Trigger.button());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    recorder.close();
    buffer.close();
  }

  /** Pre-event buffering at a full window: append each access unit, evict whole GOPs. */
  @Benchmark
  public long preEventAppend(ByteCounter counter) throws IOException {
    long base = passes++ * units.size();
    long last = 0;
    for (int i = 0; i < units.size(); i++) {
      AccessUnit au = units.get(i);
      long seq = buffer.appendVideo(au.data(), 0, au.length(), (base + i) * 3000, au.isKeyframe(), 0);
      buffer.setCompositionOffset(seq, 0);
      last = seq;
      counter.bytes += au.length();
    }
    return last;
  }

  /** The fragmented-MP4 writer alone: access units in, one fragment per GOP to a null sink. */
  @Benchmark
  public long mux(ByteCounter counter) throws IOException {
    long base = passes++ * units.size();
    for (int i = 0; i < units.size(); i++) {
      AccessUnit au = units.get(i);
      writer.addVideo(au.data(), 0, au.length(), (base + i) * 3000, 6000, au.isKeyframe());
      counter.bytes += au.length();
    }
    return writer.bytesWritten();
  }

  /** The whole recorder while recording: Annex-B in 64 KiB chunks to fMP4 segments. */
  @Benchmark
  public long recorder(ByteCounter counter) throws IOException {
    WritePathBenchmark.feedClip(recorder, data);
    counter.bytes += data.length;
    return recorder.stats().videoFramesSealed();
  }
}
