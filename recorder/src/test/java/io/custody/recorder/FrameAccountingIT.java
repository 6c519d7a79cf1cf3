package io.custody.recorder;

import io.custody.mp4.FrameDrop;
import io.custody.mp4.FrameLoss;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.recorder.RecorderClipIT.Events;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.testing.Clips;
import io.custody.seal.SealedSegmentOutput;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.testing.Ffmpeg;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.NalUnitType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every access unit fed to a {@link Recorder} is accounted for, on every bundled clip (x264) and
 * every ITU-T conformance stream (other encoders), however the input is chunked; triggers and stops
 * at a stream time select the same frames at every chunk size; and the stream features a hardware
 * encoder may use that no conformance stream has (gaps in frame_num; filler, end-of-sequence and
 * end-of-stream NAL units) lose nothing either.
 */
@Tag("slow")
class FrameAccountingIT {
  static final Path CONFORMANCE = Paths.get(System.getProperty("custody.conformance", "../testdata/conformance"));
  static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
  @TempDir Path dir;

  /** Every bundled x264 clip and every conformance stream. */
  static Stream<Path> streams() throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(Clips.dir())) {
      s.filter(p -> p.toString().endsWith(".h264")).sorted().forEach(all::add);
    }
    try (Stream<Path> s = Files.list(CONFORMANCE)) {
      s.filter(p -> p.toString().matches(".*\\.(264|h264|jsv)$")).sorted().forEach(all::add);
    }
    assertThat(all).hasSizeGreaterThan(35);
    return all.stream();
  }

  /** Chunk sizes from 1 byte to 1 MiB, log-uniform, from a seed. */
  static void feedInRandomChunks(Recorder r, byte[] b, long seed) throws IOException {
    Random random = new Random(seed);
    for (int pos = 0; pos < b.length; ) {
      int n = Math.min(b.length - pos, (int) Math.exp(random.nextDouble() * Math.log(1 << 20)));
      r.feedAnnexB(b, pos, Math.max(1, n));
      pos += Math.max(1, n);
    }
  }

  /** The frames of every segment, in order, as ffmpeg decodes them. */
  private static List<String> segmentFrames(FileSegmentOutput output, Events events) throws Exception {
    List<String> frames = new ArrayList<>();
    for (SegmentSummary s : events.segments) {
      Path file = output.pathOf(s.descriptor());
      long previous = Long.MIN_VALUE;
      for (JsonNode p : Ffmpeg.probe(file).get("packets")) {
        if (p.get("stream_index").asInt() == 0) {
          assertThat(p.get("dts").asLong()).as("decode times in %s", file).isGreaterThan(previous);
          previous = p.get("dts").asLong();
        }
      }
      frames.addAll(Ffmpeg.frameMd5(file, "0:v"));
    }
    return frames;
  }

  @ParameterizedTest
  @MethodSource("streams")
  void everyFrameIsSealedFrameExactAtRandomChunkSizes(Path stream) throws Exception {
    byte[] b = Files.readAllBytes(stream);
    int accessUnits = AccessUnitAssembler.readAll(b).size();
    FileSegmentOutput output = new FileSegmentOutput(dir.resolve("out"));
    Events events = new Events();
    // One segment each: a segment that starts at an open-GOP or recovery-point keyframe does not
    // decode alone (RecorderClipIT covers segments cut across a recording).
    Recorder r = Recorder.builder(output).preEvent(Duration.ofMinutes(2)).preEventMaxBytes(256L << 20)
        .streamStart(START).listener(events).build();
    r.startRecordingAt(Duration.ZERO, Trigger.button());
    feedInRandomChunks(r, b, stream.getFileName().toString().hashCode());
    r.close();

    RecorderStats s = r.stats();
    assertThat(s.accountedFor()).as("%s", s).isTrue();
    assertThat(s.videoFramesFed()).isEqualTo(accessUnits);
    assertThat(s.videoFramesSealed()).as("%s", s).isEqualTo(accessUnits);
    assertThat(s.videoFramesInFlight()).isZero();
    if (stream.getFileName().toString().equals("sps-change.h264")) {
      return; // decoded whole, ffmpeg scales the second half: RecorderClipIT checks it by halves
    }
    assertThat(segmentFrames(output, events)).isEqualTo(Ffmpeg.frameMd5(stream, "0:v"));
  }

  /**
   * A short window, a trigger in the middle and a stop at three quarters: every frame fed is
   * sealed or evicted under a named rule, none dropped, and the recording is exactly the frames
   * from the chosen keyframe to the stop.
   */
  @ParameterizedTest
  @MethodSource("streams")
  void framesOutsideTheRecordingAreEvictedByRule(Path stream) throws Exception {
    byte[] b = Files.readAllBytes(stream);
    List<AccessUnit> units = AccessUnitAssembler.readAll(b);
    int n = units.size();
    Rate rate = Rate.of(units.get(0));
    long windowTicks = 90_000 / 5; // 200 ms
    Recorder r = Recorder.builder(new FileSegmentOutput(dir.resolve("out"))).preEvent(Duration.ofMillis(200))
        .streamStart(START).build();
    int trigger = n / 2;
    int stop = 3 * n / 4;
    r.startRecordingAt(rate.time(trigger), Trigger.button());
    r.stopRecordingAt(rate.time(stop));
    feedInRandomChunks(r, b, 7);
    r.close();

    RecorderStats s = r.stats();
    assertThat(s.accountedFor()).as("%s", s).isTrue();
    assertThat(s.videoFramesDroppedTotal()).isZero();
    assertThat(s.videoFramesInFlight()).isZero();
    int start = startOfRecording(units, rate, trigger, windowTicks);
    assertThat(s.videoFramesSealed()).as("%s", s).isEqualTo(stop - start);
    assertThat(s.videoFramesEvictedTotal()).isEqualTo(n - (stop - start));
  }

  /** The frame rate a recorder times a raw stream with: its VUI timing, else 30 fps. */
  record Rate(long num, long den) {
    static Rate of(AccessUnit first) {
      return first.sps().timingInfoPresent()
          ? new Rate(first.sps().frameRateNumerator(), first.sps().frameRateDenominator()) : new Rate(30, 1);
    }

    /** 90 kHz decode time of frame {@code i}, as the recorder computes it. */
    long ticks(int i) {
      return Math.floorDiv(i * 90_000L * den, num);
    }

    /** A stream time that falls on frame {@code i} (after frame {@code i - 1}). */
    Duration time(int i) {
      return Duration.ofNanos(ticks(i) * 100_000 / 9);
    }
  }

  /**
   * The first frame of a recording triggered at frame {@code trigger}: the newest keyframe at least
   * {@code windowTicks} before it, else the oldest one held.
   */
  static int startOfRecording(List<AccessUnit> units, Rate rate, int trigger, long windowTicks) {
    int start = -1;
    for (int i = 0; i <= trigger; i++) {
      if (units.get(i).isKeyframe() && (rate.ticks(trigger) - rate.ticks(i) >= windowTicks || start < 0)) {
        start = i;
      }
    }
    return start;
  }

  /**
   * Triggers and stops at a stream time select the same frames whether the stream comes a byte at
   * a time, in 64 KiB chunks or in 1 MiB chunks, on the lowest-bitrate conformance stream (a whole
   * second of it is about 17 KB) and on BA_MW_D.
   */
  @ParameterizedTest
  @ValueSource(strings = {"NRF_MW_E.264", "BA_MW_D.264"})
  void triggersAreExactAtEveryChunkSize(String name) throws Exception {
    byte[] b = Files.readAllBytes(CONFORMANCE.resolve(name));
    List<AccessUnit> units = AccessUnitAssembler.readAll(b);
    Rate rate = Rate.of(units.get(0));
    for (int window : new int[] {0, 30}) {
      for (int trigger : new int[] {0, 45, 61}) {
        int stop = trigger + 20;
        int start = startOfRecording(units, rate, trigger, rate.ticks(window));
        for (int chunk : new int[] {1, 64 * 1024, 1 << 20}) {
          Events events = new Events();
          Recorder r = Recorder.builder(new FileSegmentOutput(dir.resolve("t" + chunk)))
              .preEvent(rate.time(window)).streamStart(START).listener(events).build();
          r.startRecordingAt(rate.time(trigger), Trigger.button());
          r.stopRecordingAt(rate.time(stop));
          for (int pos = 0; pos < b.length; pos += chunk) {
            r.feedAnnexB(b, pos, Math.min(chunk, b.length - pos));
          }
          r.close();
          String at = name + ", window " + window + ", trigger " + trigger + ", chunk " + chunk;
          assertThat(events.started).as(at).hasSize(1);
          assertThat(events.started.get(0).wallClockStart()).as(at).isEqualTo(START.plus(rate.time(start)));
          assertThat(r.stats().videoFramesSealed()).as(at).isEqualTo(stop - start);
          assertThat(r.stats().accountedFor()).as(at).isTrue();
        }
      }
    }
  }

  /** A reference picture removed from a Baseline clip: frame_num jumps, and nothing more is lost. */
  @Test
  void aGapInFrameNumLosesNothingElse() throws Exception {
    List<AccessUnit> units = AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-baseline.h264"));
    ByteArrayOutputStream gapped = new ByteArrayOutputStream();
    int removed = 0;
    for (AccessUnit au : units) {
      if (au.decodeIndex() == 45 || au.decodeIndex() == 46) {
        assertThat(au.isReference()).isTrue();
        removed++;
        continue;
      }
      gapped.writeBytes(au.toAnnexB());
    }
    assertThat(roundTrip(gapped.toByteArray(), "gap")).isEqualTo(units.size() - removed);
  }

  /**
   * Filler data after pictures, an end of sequence before each IDR and an end of stream at the end
   * (units no conformance stream here carries): every picture is sealed and decodes exactly.
   */
  @Test
  void fillerEndOfSequenceAndEndOfStreamLoseNothing() throws Exception {
    List<AccessUnit> units = AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-main.h264"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] filler = {0, 0, 0, 1, NalUnitType.FILLER, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x80};
    for (AccessUnit au : units) {
      if (au.isIdr() && au.decodeIndex() > 0) {
        out.writeBytes(new byte[] {0, 0, 0, 1, NalUnitType.END_OF_SEQUENCE});
      }
      out.writeBytes(au.toAnnexB());
      if (au.decodeIndex() % 7 == 0) {
        out.writeBytes(filler);
      }
    }
    out.writeBytes(new byte[] {0, 0, 0, 1, NalUnitType.END_OF_STREAM});
    assertThat(roundTrip(out.toByteArray(), "filler")).isEqualTo(units.size());
  }

  /**
   * The output fails on its third fragment after a trigger: the pictures of that fragment are
   * lost, and the recorder says so (listener, counters) before the failure reaches the feeding
   * call; what follows is buffered again, and every frame stays accounted for.
   */
  @Test
  void anOutputFailureAfterATriggerLosesFramesLoudly() throws Exception {
    byte[] b = Clips.bytes("bwc-720p30-baseline.h264"); // 120 frames, an IDR every 30
    DeviceSigningKey device = DeviceSigningKey.generate();
    SealedSegmentOutput files = new SealedSegmentOutput(dir.resolve("failing"), Ed25519.signer(device),
        List.of(RecipientPrivateKey.generate().publicKey()));
    int[] fragments = {0}; // across segments: only the third fragment of all fails
    SegmentOutput failing = InterceptedOutput.of(files, () -> {
      if (++fragments[0] == 3) {
        throw new IOException("No space left on device");
      }
    });
    List<FrameLoss> losses = new ArrayList<>();
    Events events = new Events() {
      @Override
      public void framesDropped(FrameLoss loss) {
        losses.add(loss);
      }
    };
    Recorder r = Recorder.builder(failing).streamStart(START).listener(events).build();
    r.startRecordingAt(Duration.ZERO, Trigger.button());
    int pos = 0;
    IOException failure = null;
    for (; pos < b.length && failure == null; pos += 4096) {
      try {
        r.feedAnnexB(b, pos, Math.min(4096, b.length - pos));
      } catch (IOException e) {
        failure = e;
      }
    }
    assertThat(failure).hasMessageContaining("No space left");
    assertThat(r.state()).isEqualTo(RecorderState.BUFFERING);
    RecorderStats s = r.stats();
    assertThat(s.videoFramesSealed()).isEqualTo(60); // two fragments of 30
    assertThat(losses).hasSize(1);
    FrameLoss loss = losses.get(0);
    assertThat(loss.recordingId()).isEqualTo(events.started.get(0).id());
    assertThat(loss.segmentIndex()).isZero();
    assertThat(loss.reason()).isEqualTo(FrameDrop.OUTPUT_FAILED);
    // frames 60-89 in the fragment, and keyframe 90, whose arrival wrote it
    assertThat(loss.frames()).isEqualTo(31);
    assertThat(s.videoFramesDropped()).containsEntry(FrameDrop.OUTPUT_FAILED, 31L);
    assertThat(s.accountedFor()).as("%s", s).isTrue();
    // Recording again: the first segment opened after the loss records it in its signed header and
    // manifest, so the sealed evidence says what was lost, where and when.
    r.feedAnnexB(b, pos, b.length - pos);
    r.startRecording(Trigger.button());
    r.feedAnnexB(b, 0, b.length);
    r.close();
    assertThat(r.stats().accountedFor()).as("%s", r.stats()).isTrue();
    assertThat(r.stats().videoFramesInFlight()).isZero();
    List<SegmentDescriptor> opened = events.segments.stream().map(SegmentSummary::descriptor).toList();
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).recording().id()).isNotEqualTo(loss.recordingId());
    assertThat(opened.get(0).framesLostBefore()).containsExactly(loss);
    VerificationReport report = new Verifier(device.publicKey()).verify(files.pathOf(opened.get(0)));
    assertThat(report.status()).as(report.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
    JsonNode lost = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(report.manifest().orElseThrow().json()).get("frames_lost");
    assertThat(lost).hasSize(1);
    assertThat(lost.get(0).get("recording_id").asText()).isEqualTo(loss.recordingId());
    assertThat(lost.get(0).get("segment_index").asInt()).isZero();
    assertThat(lost.get(0).get("reason").asText()).isEqualTo("output_failed");
    assertThat(lost.get(0).get("frames").asLong()).isEqualTo(31);
    assertThat(lost.get(0).get("stream_time_ms").asLong()).isEqualTo(3000); // frame 90 at 30 fps
    assertThat(report.manifest().orElseThrow().framesLost()).containsExactly(loss);
  }

  /** Records a whole stream in 4 KiB chunks; checks accounting and frames; returns frames sealed. */
  private long roundTrip(byte[] stream, String name) throws Exception {
    Path source = dir.resolve(name + ".h264");
    Files.write(source, stream);
    FileSegmentOutput output = new FileSegmentOutput(dir.resolve(name));
    Events events = new Events();
    Recorder r = Recorder.builder(output).streamStart(START).listener(events).build();
    r.startRecording(Trigger.button());
    for (int pos = 0; pos < stream.length; pos += 4096) {
      r.feedAnnexB(stream, pos, Math.min(4096, stream.length - pos));
    }
    r.close();
    RecorderStats s = r.stats();
    assertThat(s.accountedFor()).isTrue();
    assertThat(s.videoFramesSealed()).isEqualTo(s.videoFramesFed());
    assertThat(segmentFrames(output, events)).isEqualTo(Ffmpeg.frameMd5(source, "0:v"));
    return s.videoFramesSealed();
  }
}
