package io.custody.mp4;

/**
 * The samples of one track in a fragment (or, in {@link SegmentInfo}, in the whole segment):
 * {@code sampleCount} samples from decode time {@code baseDecodeTime} lasting {@code duration},
 * both in the track's {@code timescale} ticks, taking {@code sampleBytes} bytes of {@code mdat}.
 */
public record TrackSpan(
    int trackId,
    TrackKind kind,
    int timescale,
    long baseDecodeTime,
    long duration,
    int sampleCount,
    long sampleBytes) {

  /** Decode time just after the last sample: {@code baseDecodeTime + duration}. */
  public long endDecodeTime() {
    return baseDecodeTime + duration;
  }
}
