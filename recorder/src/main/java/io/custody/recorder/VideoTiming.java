package io.custody.recorder;

/**
 * The frame rate a {@link Recorder} times raw Annex-B video with: decode times are {@code n ×
 * denominator / numerator} seconds for the n-th access unit. Read with {@link
 * Recorder#videoTiming()}.
 *
 * @param numerator frames per {@code denominator} seconds
 * @param denominator seconds per {@code numerator} frames
 * @param source where the rate came from
 */
public record VideoTiming(long numerator, long denominator, Source source) {
  /** Where a frame rate came from. */
  public enum Source {
    /** The stream's own VUI timing (it wins over any setting). */
    STREAM,
    /** {@link Recorder.Builder#frameRate}, for a stream without VUI timing. */
    SETTING,
    /** Neither: the default of 30 frames per second was assumed. */
    DEFAULT;

    /** The name used in JSON reports, e.g. {@code stream}. */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public VideoTiming {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException("frame rate " + numerator + "/" + denominator);
    }
    java.util.Objects.requireNonNull(source, "source");
  }

  /** Frames per second. */
  public double framesPerSecond() {
    return (double) numerator / denominator;
  }
}
