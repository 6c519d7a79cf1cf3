package io.custody.recorder;

import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.testing.Clips;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recorder's state machine and window edges, fed access units with timestamps (Baseline
 * 720p30: no B-frames, keyframes at 0, 30, 60 and 90).
 */
class RecorderStateTest {
  static List<AccessUnit> units = new ArrayList<>();

  @BeforeAll
  static void parse() throws IOException {
    units.addAll(AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-baseline.h264")));
    assertThat(units).hasSize(120);
  }

  /** Segments kept in memory, with what the listener heard. */
  static final class Memory implements SegmentOutput, RecorderListener {
    final List<SegmentSummary> segments = new ArrayList<>();
    final List<RecordingInfo> started = new ArrayList<>();
    long bytes;

    @Override
    public FragmentSink open(SegmentDescriptor segment) {
      return new FragmentSink() {
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
      };
    }

    @Override
    public void segmentClosed(SegmentSummary segment) {
      segments.add(segment);
    }

    @Override
    public void recordingStarted(RecordingInfo recording) {
      started.add(recording);
    }

    long frames() {
      return segments.stream().mapToLong(SegmentSummary::videoFrames).sum();
    }
  }

  static void feed(Recorder r, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      r.feedAccessUnit(units.get(i), i * 3000L, i * 3000L);
    }
  }

  static Recorder recorder(Memory m, Duration window) throws IOException {
    return Recorder.builder(m).preEvent(window).listener(m).build();
  }

  @Test
  void triggerBeforeTheFirstKeyframeStartsAtTheNextKeyframe() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(30));
    feed(r, 5, 20); // joined mid-GOP: nothing to start from
    r.startRecording(Trigger.button());
    feed(r, 20, 120);
    r.stopRecording();
    assertThat(m.frames()).isEqualTo(90); // from keyframe 30 on
    // 15 fed before any keyframe, 10 after the trigger before keyframe 30; nothing else is lost
    assertThat(r.stats().videoFramesEvicted()).containsEntry(FrameEviction.BEFORE_KEYFRAME, 25L)
        .containsEntry(FrameEviction.PRE_EVENT_WINDOW, 0L);
    assertThat(r.stats().videoFramesDroppedTotal()).isZero();
    assertThat(r.stats().accountedFor()).isTrue();
    assertThat(r.state()).isEqualTo(RecorderState.BUFFERING);
  }

  @Test
  void triggerExactlyOnAKeyframeWithZeroWindowStartsAtIt() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ZERO);
    feed(r, 0, 31);
    r.startRecording(Trigger.button());
    feed(r, 31, 40);
    r.stopRecording();
    assertThat(m.frames()).isEqualTo(10);
    assertThat(m.started.get(0).preEventMillis()).isZero();
  }

  @Test
  void zeroWindowStartsAtTheCurrentGop() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ZERO);
    feed(r, 0, 75);
    r.startRecording(Trigger.button());
    r.stopRecording();
    assertThat(m.frames()).isEqualTo(15); // 60..74
  }

  @Test
  void windowLongerThanTheFootageStartsAtTheOldestKeyframe() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(30));
    feed(r, 0, 100);
    r.startRecording(Trigger.button());
    r.stopRecording();
    assertThat(m.frames()).isEqualTo(100);
    assertThat(m.started.get(0).preEventMillis()).isEqualTo(99 * 1000 / 30);
  }

  @Test
  void triggerDuringATriggerKeepsTheRecording() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(1));
    feed(r, 0, 40);
    RecordingInfo first = r.startRecording(Trigger.button());
    feed(r, 40, 50);
    RecordingInfo again = r.startRecording(Trigger.of(Trigger.Source.TASER));
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(m.started).hasSize(1);
    r.stopRecording();
    assertThat(m.segments).hasSize(1);
  }

  @Test
  void stopWithoutStartFeedAfterCloseAndMixedInputAreErrors() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(1));
    assertThatThrownBy(r::stopRecording).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no recording");
    feed(r, 0, 2);
    assertThatThrownBy(() -> r.feedAnnexB(new byte[] {0, 0, 1, 9}, 0, 4))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("do not mix");
    assertThatThrownBy(() -> r.feedAccessUnit(units.get(2), 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after");
    r.close();
    r.close(); // idempotent
    assertThat(r.state()).isEqualTo(RecorderState.CLOSED);
    assertThatThrownBy(() -> feed(r, 2, 3)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> r.startRecording(Trigger.button())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeWhileRecordingWritesEverything() throws IOException {
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(30));
    feed(r, 0, 50);
    r.startRecording(Trigger.button());
    feed(r, 50, 120);
    r.close();
    assertThat(m.frames()).isEqualTo(120);
    assertThat(m.segments.get(m.segments.size() - 1).lastInRecording()).isTrue();
  }

  @Test
  void aFailingOutputFailsTheFeedAndTheRecorderGoesBackToBuffering() throws IOException {
    SegmentOutput broken = segment -> new FragmentSink() {
      @Override
      public void init(ByteBuffer ftypMoov) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) {}

      @Override
      public void end(SegmentInfo info, boolean lastInRecording) {}
    };
    Recorder r = Recorder.builder(broken).build();
    feed(r, 0, 10);
    assertThatThrownBy(() -> r.startRecording(Trigger.button()))
        .isInstanceOf(IOException.class).hasMessageContaining("disk full");
    assertThat(r.state()).isEqualTo(RecorderState.BUFFERING);
    feed(r, 10, 40); // still usable
    assertThat(r.stats().videoFramesFed()).isEqualTo(40);
  }

  /** Back-pressure: a sink that blocks blocks the feeder; the recorder's memory does not grow. */
  @Test
  void aBlockedSinkBlocksTheFeederInsteadOfBuffering() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    Memory m = new Memory();
    SegmentOutput slow = InterceptedOutput.of(m, () -> {
      blocked.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    });
    Recorder r = Recorder.builder(slow).preEvent(Duration.ZERO).listener(m).build();
    feed(r, 0, 1);
    r.startRecording(Trigger.button());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread feeder = new Thread(() -> {
      try {
        feed(r, 1, 120);
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    feeder.start();
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100);
    assertThat(feeder.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
    // The feeder is stuck at the first fragment cut (frame 30); nothing piled up behind it.
    assertThat(feeder.isAlive()).isTrue();
    release.countDown();
    feeder.join(10_000);
    assertThat(failure.get()).isNull();
    r.close();
    assertThat(m.frames()).isEqualTo(120);
  }

  @Test
  void spilledPreEventBufferRecordsTheSameBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    // one stream start for both: the trigger's marker holds its wall-clock time as text, whose
    // length depends on the clock's fraction digits
    java.time.Instant start = java.time.Instant.parse("2026-12-05T10:00:00.123456Z");
    Memory heap = new Memory();
    Recorder a = Recorder.builder(heap).preEvent(Duration.ofSeconds(30)).streamStart(start).listener(heap).build();
    feed(a, 0, 100);
    a.startRecording(Trigger.button());
    a.close();
    Memory spill = new Memory();
    Recorder b = Recorder.builder(spill).preEventStorage(PreEventStorage.encryptedSpill(dir)).streamStart(start)
        .listener(spill).build();
    feed(b, 0, 100);
    b.startRecording(Trigger.button());
    b.close();
    assertThat(spill.frames()).isEqualTo(heap.frames()).isEqualTo(100);
    assertThat(spill.bytes).isEqualTo(heap.bytes);
  }

  @Test
  void timedAudioFramesAreMuxedAndMutedOnesCounted() throws IOException {
    List<io.custody.aac.AdtsFrame> frames = new ArrayList<>();
    io.custody.aac.AdtsReader reader = new io.custody.aac.AdtsReader(f -> frames.add(f.copy()));
    reader.feed(Clips.bytes("bwc-1080p30-audio.aac"));
    reader.finish();
    Memory m = new Memory();
    Recorder r = recorder(m, Duration.ofSeconds(30));
    int audio = 0;
    for (int i = 0; i < 90; i++) {
      r.feedAccessUnit(units.get(i), i * 3000L, i * 3000L);
      while (audio < frames.size() && audio * 1920L <= i * 3000L) {
        io.custody.aac.AdtsFrame f = frames.get(audio);
        r.feedAudioFrame(f.array(), f.offset(), f.length(), f.config(), audio * 1920L);
        audio++;
      }
      if (i == 45) {
        r.startRecording(Trigger.button());
      }
      if (i == 60) {
        r.mute(true);
      }
    }
    r.close();
    long audioSamples = m.segments.stream()
        .flatMap(s -> s.info().tracks().stream())
        .filter(t -> t.kind() == io.custody.mp4.TrackKind.AUDIO)
        .mapToLong(io.custody.mp4.TrackSpan::sampleCount).sum();
    // The window covers everything from 0 s; muted at 2 s: AAC frames 0..93 (93 x 1920 <= 180000).
    assertThat(audioSamples).isEqualTo(94);
    assertThat(r.stats().audioFramesDiscarded()).isEqualTo(r.stats().audioFramesFed() - audioSamples);
  }
}
