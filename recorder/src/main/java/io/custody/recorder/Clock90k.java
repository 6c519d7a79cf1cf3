package io.custody.recorder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The recorder's stream clock: every time on the stream timeline is in 90 kHz ticks (the MPEG
 * clock), and stream time 0 is anchored to the wall clock when the first frame is fed (or when
 * {@link Recorder.Builder#streamStart} says). The conversions between ticks, durations, audio
 * sample counts and wall-clock instants are here, once, each rounding as the recorder always has:
 * toward zero, except {@link #samplesNearest}. Not thread-safe (the recorder's lock guards it).
 */
final class Clock90k {
  /** Ticks per second. */
  static final long HZ = 90_000;

  private final Clock clock;
  private Instant start;

  /** @param start when stream time 0 was captured, or null: the first time {@link #start()} is asked */
  Clock90k(Clock clock, Instant start) {
    this.clock = clock;
    this.start = start;
  }

  /** The wall-clock time of stream time 0, fixed from {@code clock} the first time it is asked. */
  Instant start() {
    if (start == null) {
      start = clock.instant();
    }
    return start;
  }

  /** The wall-clock time of stream time {@code ticks}. */
  Instant wallClockAt(long ticks) {
    return start().plusNanos(nanos(ticks));
  }

  /** The stream time of wall-clock time {@code time}. */
  long ticksAt(Instant time) {
    return ticks(Duration.between(start(), time));
  }

  /** The current wall-clock time, from the recorder's clock. */
  Instant now() {
    return clock.instant();
  }

  /** {@code d} in ticks. */
  static long ticks(Duration d) {
    return d.toNanos() * 9 / 100_000;
  }

  /** {@code ticks} as a duration. */
  static Duration duration(long ticks) {
    return Duration.ofNanos(nanos(ticks));
  }

  /** {@code ticks} in milliseconds. */
  static long millis(long ticks) {
    return ticks / 90;
  }

  /** The ticks {@code samples} audio samples at {@code sampleRate} last. */
  static long ticksOfSamples(long samples, int sampleRate) {
    return samples * HZ / sampleRate;
  }

  /** The audio samples at {@code sampleRate} in {@code ticks}. */
  static long samplesIn(long ticks, int sampleRate) {
    return ticks * sampleRate / HZ;
  }

  /** The audio sample at {@code sampleRate} nearest to stream time {@code ticks} (halves round up). */
  static long samplesNearest(long ticks, int sampleRate) {
    return Math.floorDiv(ticks * sampleRate + HZ / 2, HZ);
  }

  private static long nanos(long ticks) {
    return ticks * 100_000 / 9;
  }
}
