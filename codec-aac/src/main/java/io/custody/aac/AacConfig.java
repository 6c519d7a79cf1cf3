package io.custody.aac;

import java.util.Arrays;

/**
 * What an AAC decoder needs before the first frame: audio object type, sampling frequency and
 * channel configuration, i.e. the 2-byte AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) with a
 * plain GASpecificConfig (1024-sample frames, no core coder, no extension). Immutable.
 *
 * <p>Only the 13 standard sampling frequencies (indexes 0 to 12) and channel configurations 1 to
 * 7 are representable: that is everything an ADTS header can say without a program config
 * element.
 */
public final class AacConfig {
  /** Sampling frequencies by sampling_frequency_index (ISO/IEC 14496-3 Table 1.18). */
  private static final int[] SAMPLE_RATES = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };

  /** Samples per channel in one AAC frame with frameLengthFlag 0, the only length ADTS carries. */
  public static final int SAMPLES_PER_FRAME = 1024;

  private final int objectType;
  private final int samplingFrequencyIndex;
  private final int channelConfiguration;

  private AacConfig(int objectType, int samplingFrequencyIndex, int channelConfiguration) {
    this.objectType = objectType;
    this.samplingFrequencyIndex = samplingFrequencyIndex;
    this.channelConfiguration = channelConfiguration;
  }

  /**
   * A configuration from its three fields.
   *
   * @param objectType audio object type, 1 to 31 (2 is AAC LC)
   * @param samplingFrequencyIndex 0 to 12
   * @param channelConfiguration 1 to 7
   * @throws IllegalArgumentException if a field is out of range
   */
  public static AacConfig of(int objectType, int samplingFrequencyIndex, int channelConfiguration) {
    if (objectType < 1 || objectType > 30) {
      throw new IllegalArgumentException("objectType must be 1..30: " + objectType);
    }
    if (samplingFrequencyIndex < 0 || samplingFrequencyIndex >= SAMPLE_RATES.length) {
      throw new IllegalArgumentException(
          "samplingFrequencyIndex must be 0..12: " + samplingFrequencyIndex);
    }
    if (channelConfiguration < 1 || channelConfiguration > 7) {
      throw new IllegalArgumentException(
          "channelConfiguration must be 1..7: " + channelConfiguration);
    }
    return new AacConfig(objectType, samplingFrequencyIndex, channelConfiguration);
  }

  /** AAC LC at a standard sampling rate, e.g. {@code lc(48000, 2)}. */
  public static AacConfig lc(int sampleRate, int channelConfiguration) {
    for (int i = 0; i < SAMPLE_RATES.length; i++) {
      if (SAMPLE_RATES[i] == sampleRate) {
        return of(2, i, channelConfiguration);
      }
    }
    throw new IllegalArgumentException("not a standard AAC sampling rate: " + sampleRate);
  }

  /** Audio object type (2 = AAC LC). */
  public int objectType() {
    return objectType;
  }

  public int samplingFrequencyIndex() {
    return samplingFrequencyIndex;
  }

  /** Sampling frequency in Hz; also the MP4 track timescale. */
  public int sampleRate() {
    return SAMPLE_RATES[samplingFrequencyIndex];
  }

  /** channel_configuration: 1 mono, 2 stereo, ... 7 (7.1). */
  public int channelConfiguration() {
    return channelConfiguration;
  }

  /** Number of output channels of {@link #channelConfiguration()}. */
  public int channelCount() {
    return channelConfiguration == 7 ? 8 : channelConfiguration;
  }

  /** The 2-byte AudioSpecificConfig; a fresh array each call. */
  public byte[] audioSpecificConfig() {
    int v = (objectType << 11) | (samplingFrequencyIndex << 7) | (channelConfiguration << 3);
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  /** The RFC 6381 codecs string, e.g. {@code mp4a.40.2}. */
  public String codecString() {
    return "mp4a.40." + objectType;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AacConfig c
        && c.objectType == objectType
        && c.samplingFrequencyIndex == samplingFrequencyIndex
        && c.channelConfiguration == channelConfiguration;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {objectType, samplingFrequencyIndex, channelConfiguration});
  }

  @Override
  public String toString() {
    return "AacConfig{objectType=" + objectType + ", " + sampleRate() + " Hz, channels="
        + channelConfiguration + "}";
  }
}
