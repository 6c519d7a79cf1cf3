package io.custody.mp4;

import io.custody.aac.AacConfig;

/**
 * The AAC audio track of a segment: the {@link AacConfig} written as the {@code esds}
 * DecoderSpecificInfo, and the bit rates announced in its DecoderConfigDescriptor. The track
 * timescale is the sampling rate, so one AAC frame lasts {@value AacConfig#SAMPLES_PER_FRAME}
 * ticks. Immutable.
 */
public final class AudioTrackConfig {
  private final AacConfig aac;
  private final long averageBitrate;
  private final long maxBitrate;

  private AudioTrackConfig(Builder b) {
    this.aac = b.aac;
    this.averageBitrate = b.averageBitrate;
    this.maxBitrate = b.maxBitrate;
  }

  /** A builder for a track of AAC frames configured as {@code aac}. */
  public static Builder builder(AacConfig aac) {
    if (aac == null) {
      throw new NullPointerException("aac");
    }
    return new Builder(aac);
  }

  public AacConfig aacConfig() {
    return aac;
  }

  /** Ticks per second: the sampling rate. */
  public int timescale() {
    return aac.sampleRate();
  }

  /** Average bit rate in bit/s for the {@code esds}, 0 when unknown (variable). */
  public long averageBitrate() {
    return averageBitrate;
  }

  /** Peak bit rate in bit/s for the {@code esds}, 0 when unknown. */
  public long maxBitrate() {
    return maxBitrate;
  }

  /** Builds an {@link AudioTrackConfig}. */
  public static final class Builder {
    private final AacConfig aac;
    private long averageBitrate;
    private long maxBitrate;

    private Builder(AacConfig aac) {
      this.aac = aac;
    }

    /** Average bit rate in bit/s (default 0: unknown). */
    public Builder averageBitrate(long bitsPerSecond) {
      this.averageBitrate = checkBitrate(bitsPerSecond);
      return this;
    }

    /** Peak bit rate in bit/s (default 0: unknown). */
    public Builder maxBitrate(long bitsPerSecond) {
      this.maxBitrate = checkBitrate(bitsPerSecond);
      return this;
    }

    public AudioTrackConfig build() {
      return new AudioTrackConfig(this);
    }

    private static long checkBitrate(long v) {
      if (v < 0 || v > 0xffffffffL) {
        throw new IllegalArgumentException("bit rate out of range: " + v);
      }
      return v;
    }
  }
}
