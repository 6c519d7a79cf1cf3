package io.custody.core.mp4;

import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.h264.PictureParameterSet;
import io.custody.h264.SequenceParameterSet;
import java.util.List;

/**
 * The H.264 video track of a segment: the {@code avcC} record its samples decode with, the
 * picture size and aspect ratio (from the record's first SPS), and the track timescale. Immutable.
 *
 * <p>Samples written to this track must use exactly these parameter sets: {@link
 * FragmentedMp4Writer#addVideo(io.custody.h264.AccessUnit, long, int)} checks it; a stream whose
 * SPS or PPS changes needs a new segment.
 */
public final class VideoTrackConfig {
  /** 90 kHz: the MPEG-2 TS / RTP clock, exact for 24, 25, 30, 50, 60 and 29.97 fps. */
  public static final int DEFAULT_TIMESCALE = 90_000;

  private final AvcDecoderConfigurationRecord record;
  private final byte[] avcC;
  private final int timescale;

  private VideoTrackConfig(Builder b) {
    this.record = b.record;
    this.avcC = b.record.toByteArray();
    this.timescale = b.timescale;
  }

  /** A builder for a track that decodes with {@code record}. */
  public static Builder builder(AvcDecoderConfigurationRecord record) {
    if (record == null) {
      throw new NullPointerException("record");
    }
    return new Builder(record);
  }

  /** The decoder configuration written as {@code avcC}. */
  public AvcDecoderConfigurationRecord decoderConfiguration() {
    return record;
  }

  /** The {@code avcC} body; a fresh copy. */
  public byte[] avcC() {
    return avcC.clone();
  }

  byte[] avcCView() {
    return avcC;
  }

  /** Ticks per second of the track's decode and composition times. */
  public int timescale() {
    return timescale;
  }

  SequenceParameterSet sps() {
    return record.sequenceParameterSets().get(0);
  }

  List<PictureParameterSet> ppsList() {
    return record.pictureParameterSets();
  }

  /** Picture width in luma samples after SPS cropping. */
  public int width() {
    return sps().width();
  }

  /** Picture height in luma samples after SPS cropping (frame height for interlaced video). */
  public int height() {
    return sps().height();
  }

  /** Sample aspect ratio width (1 when the SPS gives none). */
  public int sarWidth() {
    return Math.max(1, sps().sarWidth());
  }

  /** Sample aspect ratio height (1 when the SPS gives none). */
  public int sarHeight() {
    return Math.max(1, sps().sarHeight());
  }

  /** The RFC 6381 codecs string, e.g. {@code avc1.640028}. */
  public String codecString() {
    return record.codecString();
  }

  /** Builds a {@link VideoTrackConfig}. */
  public static final class Builder {
    private final AvcDecoderConfigurationRecord record;
    private int timescale = DEFAULT_TIMESCALE;

    private Builder(AvcDecoderConfigurationRecord record) {
      this.record = record;
    }

    /** Ticks per second (default {@value #DEFAULT_TIMESCALE}). */
    public Builder timescale(int timescale) {
      if (timescale <= 0) {
        throw new IllegalArgumentException("timescale must be positive: " + timescale);
      }
      this.timescale = timescale;
      return this;
    }

    public VideoTrackConfig build() {
      return new VideoTrackConfig(this);
    }
  }
}
