package io.custody.recorder;

import io.custody.mp4.RecordingInfo;
import io.custody.mp4.Trigger;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorder end to end on real encoder output, checked by FFmpeg: a 45 s 1080p30 stream (the
 * bundled 3 s clip, 15 times over: each copy starts with SPS, PPS and an IDR) with its AAC audio,
 * a 30 s pre-event window and a trigger at 40 s.
 */
@Tag("slow")
class RecorderClipIT {
  private static final int COPIES = 15;
  private static final int FRAMES_PER_COPY = 90;

  @TempDir static Path dir;
  static Path video;
  static Path audio;
  static List<String> videoHashes;

  @BeforeAll
  static void makeSource() throws Exception {
    video = dir.resolve("source.h264");
    audio = dir.resolve("source.aac");
    Files.write(video, repeat(Clips.bytes("bwc-1080p30-high.h264"), COPIES));
    Files.write(audio, repeat(Clips.bytes("bwc-1080p30-audio.aac"), COPIES));
    videoHashes = Ffmpeg.frameMd5(video, "0:v");
    assertThat(videoHashes).hasSize(COPIES * FRAMES_PER_COPY);
  }

  static byte[] repeat(byte[] b, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** Collects what the recorder reports. */
  static class Events implements RecorderListener {
    final List<RecordingInfo> started = new ArrayList<>();
    final List<RecordingInfo> stopped = new ArrayList<>();
    final List<SegmentSummary> segments = new ArrayList<>();

    @Override
    public void recordingStarted(RecordingInfo recording) {
      started.add(recording);
    }

    @Override
    public void segmentClosed(SegmentSummary segment) {
      segments.add(segment);
    }

    @Override
    public void recordingStopped(RecordingInfo recording) {
      stopped.add(recording);
    }
  }

  /**
   * Feeds video in 64 KiB chunks with the audio interleaved a little behind it (as a camera's
   * two encoders deliver), and triggers once {@code triggerFrame} access units were fed.
   */
  static void feed(Recorder r, byte[] v, byte[] a, long triggerFrame) throws IOException {
    int chunk = 64 * 1024;
    int audioPos = 0;
    boolean triggered = false;
    for (int pos = 0; pos < v.length; pos += chunk) {
      r.feedAnnexB(v, pos, Math.min(chunk, v.length - pos));
      int audioTarget = (int) ((long) a.length * Math.max(0, pos - chunk) / v.length);
      if (audioTarget > audioPos) {
        r.feedAdts(a, audioPos, audioTarget - audioPos);
        audioPos = audioTarget;
      }
      if (!triggered && r.stats().videoFramesFed() >= triggerFrame) {
        r.startRecording(Trigger.button());
        triggered = true;
      }
    }
    r.feedAdts(a, audioPos, a.length - audioPos);
  }

  @Test
  void preEventRecordingIsFrameExactAcrossSegments() throws Exception {
    Path out = dir.resolve("evidence");
    FileSegmentOutput output = new FileSegmentOutput(out);
    Events events = new Events();
    Recorder recorder = Recorder.builder(output)
        .preEvent(Duration.ofSeconds(30))
        .segmentDuration(Duration.ofSeconds(10))
        .streamStart(Instant.parse("2026-11-25T10:00:00Z"))
        .deviceId("CAM-0042")
        .listener(events)
        .build();
    feed(recorder, Files.readAllBytes(video), Files.readAllBytes(audio), 40 * 30 + 1);
    recorder.close();

    // Starts at the keyframe 30 s before the trigger (10 s), cut at 10 s, 20 s, 30 s, 40 s.
    assertThat(events.started).hasSize(1);
    RecordingInfo rec = events.started.get(0);
    assertThat(rec.wallClockStart()).isEqualTo(Instant.parse("2026-11-25T10:00:10Z"));
    assertThat(rec.preEventMillis()).isBetween(30_000L, 31_000L);
    assertThat(events.stopped).containsExactly(rec);
    assertThat(events.segments).hasSize(4);
    assertThat(events.segments).extracting(s -> s.descriptor().index()).containsExactly(0, 1, 2, 3);
    assertThat(events.segments).extracting(SegmentSummary::videoFrames).containsExactly(300L, 300L, 300L, 150L);
    assertThat(events.segments.get(3).lastInRecording()).isTrue();
    assertThat(events.segments.get(0).descriptor().deviceId()).isEqualTo("CAM-0042");

    List<String> outVideo = new ArrayList<>();
    List<Long> pts = new ArrayList<>();
    int nextAudio = -1;
    byte[] sourceAudio = Files.readAllBytes(audio);
    List<int[]> sourceAudioFrames = adtsFrames(sourceAudio);
    for (SegmentSummary s : events.segments) {
      Path file = output.pathOf(s.descriptor());
      JsonNode probe = Ffmpeg.probe(file); // fails on any ffprobe error
      for (JsonNode p : probe.get("packets")) {
        if (p.get("stream_index").asInt() == 0) {
          pts.add(p.get("pts").asLong());
        }
      }
      outVideo.addAll(Ffmpeg.frameMd5(file, "0:v"));

      // Audio: each segment holds a contiguous run of the source's AAC frames, following on from
      // the previous segment's, and decodes exactly as the source does from that frame on.
      Path segAdts = dir.resolve("segment.aac");
      Ffmpeg.run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", file.toString(), "-map", "0:a",
          "-c", "copy", "-f", "adts", segAdts.toString());
      List<int[]> segFrames = adtsFrames(Files.readAllBytes(segAdts));
      int firstIndex;
      if (nextAudio < 0) {
        // The clip repeats every 142 frames: take the occurrence nearest the video start (10 s),
        // which is also the A/V sync check: audio starts with the video, within one AAC frame.
        firstIndex = nearestOccurrence(segAdts, segFrames.get(0), 10.0 * 48_000 / 1024);
        assertThat(firstIndex * 1024 / 48_000.0)
            .isCloseTo(10.0, org.assertj.core.data.Offset.offset(1024 / 48_000.0));
      } else {
        firstIndex = nextAudio;
      }
      byte[] segBytes = Files.readAllBytes(segAdts);
      for (int i = 0; i < segFrames.size(); i++) {
        assertThat(payload(segBytes, segFrames.get(i)))
            .as("segment %d audio frame %d", s.descriptor().index(), i)
            .isEqualTo(payload(sourceAudio, sourceAudioFrames.get(firstIndex + i)));
      }
      Path sourceCut = dir.resolve("source-cut.aac");
      int[] from = sourceAudioFrames.get(firstIndex);
      int[] to = sourceAudioFrames.get(firstIndex + segFrames.size() - 1);
      Files.write(sourceCut, java.util.Arrays.copyOfRange(sourceAudio, from[0], to[0] + to[1]));
      assertThat(Ffmpeg.frameMd5(file, "0:a")).isEqualTo(Ffmpeg.frameMd5(sourceCut, "0:a"));
      nextAudio = firstIndex + segFrames.size();
    }
    assertThat(nextAudio).as("audio to the end").isEqualTo(sourceAudioFrames.size());

    // Frame-exact from the chosen keyframe (frame 300, 10 s) to the end: none lost, none twice.
    assertThat(outVideo).hasSize(videoHashes.size() - 300);
    assertThat(outVideo).isEqualTo(videoHashes.subList(300, videoHashes.size()));

    // Every presentation slot filled once: B-frame composition offsets are right.
    Collections.sort(pts);
    for (int i = 1; i < pts.size(); i++) {
      assertThat(pts.get(i) - pts.get(i - 1)).as("pts step at %d", i).isEqualTo(3000);
    }
  }

  @Test
  void maxRecordingLengthContinuesWithoutLosingAFrame() throws Exception {
    Path out = dir.resolve("continued");
    FileSegmentOutput output = new FileSegmentOutput(out);
    Events events = new Events();
    Recorder recorder = Recorder.builder(output)
        .preEvent(Duration.ZERO)
        .maxRecordingDuration(Duration.ofSeconds(8))
        .listener(events)
        .build();
    byte[] v = Files.readAllBytes(video);
    byte[] v20 = java.util.Arrays.copyOf(v, indexOfCopy(7)); // 21 s
    recorder.startRecording(Trigger.of(Trigger.Source.HOLSTER)); // before any frame
    recorder.feedAnnexB(v20, 0, v20.length);
    recorder.close(); // end of input: the last access unit is written too

    assertThat(events.started).hasSize(3);
    assertThat(events.started.get(1).previousRecordingId()).contains(events.started.get(0).id());
    assertThat(events.started.get(2).previousRecordingId()).contains(events.started.get(1).id());
    assertThat(events.started.get(1).trigger().source()).isEqualTo(Trigger.Source.CONTINUATION);
    List<String> outVideo = new ArrayList<>();
    for (SegmentSummary s : events.segments) {
      outVideo.addAll(Ffmpeg.frameMd5(output.pathOf(s.descriptor()), "0:v"));
    }
    assertThat(outVideo).hasSize(7 * FRAMES_PER_COPY);
    assertThat(outVideo).isEqualTo(videoHashes.subList(0, 7 * FRAMES_PER_COPY));
    assertThat(events.segments).extracting(SegmentSummary::videoFrames).containsExactly(240L, 240L, 150L);
  }

  /**
   * While recording, a picture goes straight from the assembler to the segment writer, its
   * B-frame composition offset settled when later pictures arrive, so the pre-event store holds
   * nothing; where a keyframe is not an IDR (open GOPs), it waits in the store until the offsets
   * before it are settled. Either way every frame decodes as the source's, each presentation slot
   * filled once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"bwc-1080p30-high.h264", "openGOP-720p.h264"})
  void livePicturesGoStraightToTheWriter(String name) throws Exception {
    Path out = dir.resolve("live-" + name);
    FileSegmentOutput output = new FileSegmentOutput(out);
    Events events = new Events();
    Recorder recorder = Recorder.builder(output).listener(events).build();
    recorder.startRecording(Trigger.button());
    byte[] clip = Clips.bytes(name);
    long bufferedWhileLive = 0;
    for (int pos = 0; pos < clip.length; pos += 4096) {
      recorder.feedAnnexB(clip, pos, Math.min(4096, clip.length - pos));
      if (recorder.stats().videoFramesSealed() > 10) {
        bufferedWhileLive = Math.max(bufferedWhileLive, recorder.stats().bufferPayloadBytes());
      }
    }
    recorder.close();
    if (name.startsWith("bwc")) {
      assertThat(bufferedWhileLive).isZero();
    }

    assertThat(events.segments).hasSize(1);
    Path file = output.pathOf(events.segments.get(0).descriptor());
    Path source = dir.resolve(name);
    Files.write(source, clip);
    assertThat(Ffmpeg.frameMd5(file, "0:v")).isEqualTo(Ffmpeg.frameMd5(source, "0:v"));
    List<Long> pts = new ArrayList<>();
    for (JsonNode p : Ffmpeg.probe(file).get("packets")) {
      if (p.get("stream_index").asInt() == 0) {
        pts.add(p.get("pts").asLong());
      }
    }
    Collections.sort(pts);
    for (int i = 1; i < pts.size(); i++) {
      assertThat(pts.get(i) - pts.get(i - 1)).as("pts step at %d", i).isEqualTo(pts.get(1) - pts.get(0));
    }
  }

  @Test
  void spsChangeStartsANewSegment() throws Exception {
    Path out = dir.resolve("spschange");
    FileSegmentOutput output = new FileSegmentOutput(out);
    Events events = new Events();
    Recorder recorder = Recorder.builder(output).listener(events).build();
    byte[] clip = Clips.bytes("sps-change.h264");
    recorder.feedAnnexB(clip, 0, 1000);
    recorder.startRecording(Trigger.button());
    recorder.feedAnnexB(clip, 1000, clip.length - 1000);
    recorder.close();

    assertThat(events.segments).hasSize(2);
    List<String> outVideo = new ArrayList<>();
    for (SegmentSummary s : events.segments) {
      Path file = output.pathOf(s.descriptor());
      Ffmpeg.probe(file);
      outVideo.addAll(Ffmpeg.frameMd5(file, "0:v"));
    }
    // The source decoded in its two halves (decoded whole, FFmpeg scales the second to the first).
    int second = secondSps(clip);
    Path first = dir.resolve("first.h264");
    Path rest = dir.resolve("second.h264");
    Files.write(first, java.util.Arrays.copyOf(clip, second));
    Files.write(rest, java.util.Arrays.copyOfRange(clip, second, clip.length));
    List<String> source = new ArrayList<>(Ffmpeg.frameMd5(first, "0:v"));
    source.addAll(Ffmpeg.frameMd5(rest, "0:v"));
    assertThat(outVideo).hasSize(source.size());
    assertThat(outVideo).isEqualTo(source);
    assertThat(events.segments).extracting(SegmentSummary::videoFrames).containsExactly(60L, 60L);
  }

  @Test
  void aDelimiterInsideAnAccessUnitIsLeftOutAndTheRestGathered() throws Exception {
    // The clip's keyframes carry AUD, SPS, PPS, SEI, IDR. Samples keep every unit but the AUD
    // (parameter sets stay in band), so they are usually one run of the access unit's bytes; with
    // the AUD moved behind the SPS (an order the assembler tolerates) the kept units are apart,
    // and the recorder gathers them.
    ByteArrayOutputStream moved = new ByteArrayOutputStream();
    int reordered = 0;
    for (io.custody.h264.AccessUnit au : io.custody.h264.AccessUnitAssembler.readAll(Clips.bytes("aud-sei-720p.h264"))) {
      byte[] annexB = au.toAnnexB();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < au.nalUnitCount(); i++) {
        order.add(i);
      }
      order.sort(java.util.Comparator.comparingInt(i -> rank(au.nalUnitType(i))));
      for (int i : order) {
        moved.write(annexB, au.nalUnitOffset(i) - 4, 4 + au.nalUnitLength(i));
      }
      if (!order.equals(order.stream().sorted().toList())) {
        reordered++;
      }
    }
    assertThat(reordered).as("keyframes whose AUD moved behind the SPS").isGreaterThan(1);
    Path source = dir.resolve("aud-inside.h264");
    Files.write(source, moved.toByteArray());

    Path out = dir.resolve("audinside");
    FileSegmentOutput output = new FileSegmentOutput(out);
    Events events = new Events();
    Recorder recorder = Recorder.builder(output).listener(events).build();
    recorder.startRecording(Trigger.button());
    byte[] b = moved.toByteArray();
    recorder.feedAnnexB(b, 0, b.length);
    recorder.close();
    assertThat(events.segments).hasSize(1);
    Path file = output.pathOf(events.segments.get(0).descriptor());
    assertThat(Ffmpeg.frameMd5(file, "0:v")).isEqualTo(Ffmpeg.frameMd5(source, "0:v"));
  }

  /** SPS, AUD, SEI, PPS, then the rest (stable). */
  private static int rank(int nalType) {
    switch (nalType) {
      case io.custody.h264.NalUnitType.SPS:
        return 0;
      case io.custody.h264.NalUnitType.AUD:
        return 1;
      case io.custody.h264.NalUnitType.SEI:
        return 2;
      case io.custody.h264.NalUnitType.PPS:
        return 3;
      default:
        return 4;
    }
  }

  /** Each ADTS frame of a stream as {offset, length, header length}. */
  static List<int[]> adtsFrames(byte[] d) {
    List<int[]> frames = new ArrayList<>();
    for (int pos = 0; pos + 7 <= d.length; ) {
      int len = ((d[pos + 3] & 3) << 11) | ((d[pos + 4] & 0xff) << 3) | ((d[pos + 5] & 0xff) >> 5);
      frames.add(new int[] {pos, len, (d[pos + 1] & 1) != 0 ? 7 : 9});
      pos += len;
    }
    return frames;
  }

  static byte[] payload(byte[] d, int[] frame) {
    return java.util.Arrays.copyOfRange(d, frame[0] + frame[2], frame[0] + frame[1]);
  }

  /** The index of the source frame equal to {@code frame} of {@code file} nearest {@code near}. */
  private static int nearestOccurrence(Path file, int[] frame, double near) throws IOException {
    byte[] want = payload(Files.readAllBytes(file), frame);
    byte[] src = Files.readAllBytes(audio);
    List<int[]> frames = adtsFrames(src);
    int best = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (java.util.Arrays.equals(payload(src, frames.get(i)), want)
          && (best < 0 || Math.abs(i - near) < Math.abs(best - near))) {
        best = i;
      }
    }
    assertThat(best).as("audio frame found in the source").isGreaterThanOrEqualTo(0);
    return best;
  }

  /** Offset of the first SPS whose bytes differ from the stream's first SPS. */
  private static int secondSps(byte[] b) {
    byte[] first = null;
    for (int i = 0; i + 4 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 0 && b[i + 3] == 1 && (b[i + 4] & 0x1f) == 7) {
        byte[] sps = java.util.Arrays.copyOfRange(b, i + 4, Math.min(b.length, i + 24));
        if (first == null) {
          first = sps;
        } else if (!java.util.Arrays.equals(first, sps)) {
          return i;
        }
      }
    }
    throw new AssertionError("no second SPS");
  }

  /** Byte offset where copy {@code n} (0-based) of the clip starts in the repeated stream. */
  private static int indexOfCopy(int n) throws IOException {
    return n * Clips.bytes("bwc-1080p30-high.h264").length;
  }
}
