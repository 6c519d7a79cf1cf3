package io.custody.recorder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Window edges, byte bounds and memory overhead, on synthetic 30 fps, 1 s GOP video. */
class PreEventBufferTest {
  private static final long FRAME = 3000; // 90 kHz ticks at 30 fps
  private static final long SECOND = 90_000;

  /** 8 Mbit/s at 1080p30: a 120 kB keyframe and 29 P-frames of about 30.3 kB per second. */
  private static int frameBytes(long n) {
    return n % 30 == 0 ? 120_000 : 30_345;
  }

  private static PreEventBuffer buffer(long windowSeconds, long maxBytes, boolean direct) {
    return new PreEventBuffer(
        new SlabPayloadStore(SlabPayloadStore.slabSizeFor(maxBytes), direct), windowSeconds * SECOND, maxBytes);
  }

  private static final byte[] DATA = new byte[200_000];

  private static void feed(PreEventBuffer b, long from, long to) throws IOException {
    for (long n = from; n < to; n++) {
      long seq = b.appendVideo(DATA, 0, frameBytes(n), n * FRAME, n % 30 == 0, 0);
      b.setCompositionOffset(seq, 0);
    }
  }

  @Test
  void holdsTheWindowPlusAtMostOneGopStartingAtAKeyframe() throws IOException {
    PreEventBuffer b = buffer(30, 256L << 20, false);
    feed(b, 0, 60 * 30 + 17); // 60.57 s
    long newest = b.newestVideoTime90k();
    assertThat(b.isKeyframe(0)).isTrue();
    assertThat(b.oldestKeyframeTime90k()).isLessThanOrEqualTo(newest - 30 * SECOND);
    assertThat(b.oldestKeyframeTime90k()).isGreaterThan(newest - 31 * SECOND);
    assertThat(b.beginRecording()).isEqualTo(30 * SECOND); // newest keyframe <= 30.57 s
  }

  @Test
  void triggerExactlyOnAKeyframeWithZeroWindowStartsThere() throws IOException {
    PreEventBuffer b = buffer(0, 64L << 20, false);
    feed(b, 0, 31); // frame 30 (1.0 s) is a keyframe and the newest frame
    assertThat(b.beginRecording()).isEqualTo(SECOND);
    assertThat(b.size()).isEqualTo(1);
  }

  @Test
  void zeroWindowStartsAtTheCurrentGop() throws IOException {
    PreEventBuffer b = buffer(0, 64L << 20, false);
    feed(b, 0, 45);
    assertThat(b.beginRecording()).isEqualTo(SECOND);
    assertThat(b.size()).isEqualTo(15);
  }

  @Test
  void windowLongerThanTheFootageStartsAtTheOldestKeyframe() throws IOException {
    PreEventBuffer b = buffer(30, 64L << 20, false);
    feed(b, 0, 75);
    assertThat(b.beginRecording()).isZero();
    assertThat(b.size()).isEqualTo(75);
  }

  @Test
  void triggerBeforeAnyKeyframeStartsAtTheNextOne() throws IOException {
    PreEventBuffer b = buffer(30, 64L << 20, false);
    for (long n = 1; n < 30; n++) {
      assertThat(b.appendVideo(DATA, 0, 1000, n * FRAME, false, 0)).isEqualTo(-1);
    }
    assertThat(b.appendOther(PreEventBuffer.AUDIO, DATA, 0, 300, 0, 0)).isEqualTo(-1);
    assertThat(b.videoFramesGone(PreEventBuffer.BEFORE_KEYFRAME)).isEqualTo(29);
    assertThat(b.discardedOtherFrames()).isEqualTo(1);
    assertThat(b.beginRecording()).isEqualTo(Long.MIN_VALUE);
    assertThat(b.appendVideo(DATA, 0, 1000, 29 * FRAME, false, 0)).isEqualTo(-1);
    assertThat(b.appendVideo(DATA, 0, 1000, 30 * FRAME, true, 0)).isEqualTo(0);
  }

  @Test
  void byteBoundEvictsWholeGopsAndNeverExceeds() throws IOException {
    long max = 5_000_000; // about 5 GOPs of 1.0 MB
    PreEventBuffer b = buffer(30, max, false);
    for (long n = 0; n < 600; n++) {
      b.appendVideo(DATA, 0, frameBytes(n), n * FRAME, n % 30 == 0, 0);
      assertThat(b.payloadBytes()).isLessThanOrEqualTo(max);
      assertThat(b.isKeyframe(0)).isTrue();
    }
    assertThat(b.oldestKeyframeTime90k()).isEqualTo(16 * SECOND);
  }

  @Test
  void aGopLargerThanTheBoundIsDroppedWholeAndCounted() throws IOException {
    PreEventBuffer b = buffer(30, 500_000, false); // less than one 1 MB GOP
    for (long n = 0; n < 30; n++) {
      b.appendVideo(DATA, 0, frameBytes(n), n * FRAME, n % 30 == 0, 0);
    }
    assertThat(b.size()).isLessThan(30);
    assertThat(b.videoFramesGone(PreEventBuffer.OVER_BYTES)).isPositive();
    // the overflowing GOP is gone whole; what follows waits for the next keyframe
    assertThat(b.videoFramesGone(PreEventBuffer.OVER_BYTES) + b.videoFramesGone(PreEventBuffer.BEFORE_KEYFRAME)
        + b.videoFramesHeld()).isEqualTo(30);
    assertThat(b.size() == 0 || b.isKeyframe(0)).isTrue();
    assertThat(b.appendVideo(DATA, 0, 100, 30 * FRAME, true, 0)).isNotNegative();
  }

  /** The memory goal: at most 5 % over payload, 30 s and 120 s at 8 Mbit/s, heap and direct. */
  @Test
  void memoryOverheadAtEightMegabitsIsUnderFivePercent() throws IOException {
    for (boolean direct : new boolean[] {false, true}) {
      for (long window : new long[] {30, 120}) {
        // The recorder's default bound (64 MiB) for 30 s; 128 MiB for 120 s.
        PreEventBuffer b = buffer(window, window == 30 ? 64L << 20 : 128L << 20, direct);
        feed(b, 0, (window + 5) * 30);
        double overhead = (double) b.allocatedBytes() / b.payloadBytes() - 1;
        System.out.printf(java.util.Locale.ROOT, "pre-event %d s at 8 Mbit/s, %s: payload %,d B, allocated %,d B, overhead %.2f %%%n",
            window, direct ? "direct" : "heap", b.payloadBytes(), b.allocatedBytes(), overhead * 100);
        assertThat(overhead).isLessThan(0.05);
      }
    }
  }
}
