package io.custody.mp4;

import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.h264.PictureParameterSet;
import io.custody.h264.SequenceParameterSet;
import java.util.List;

/**
 * The H.264 video track of a segment: the {@code avcC} record its samples decode with, the
 * picture size and aspect ratio (from the record's first SPS, or {@link Builder#pictureSize}), the
 * track timescale, and where parameter sets may be. Immutable.
 *
 * <p>With parameter sets only in the sample entry ({@code avc1}, the default), samples written to
 * this track must use exactly these parameter sets: {@link
 * FragmentedMp4Writer#addVideo(io.custody.h264.AccessUnit, long, int)} checks it, and a stream
 * whose SPS or PPS changes needs a new segment. With {@link Builder#inBandParameterSets} the sample
 * entry is {@code avc3} (ISO/IEC 14496-15): the record is the decoder's starting state and samples
 * may carry parameter sets that define, redefine or add to it.
 */
public final class VideoTrackConfig {
  /** 90 kHz: the MPEG-2 TS / RTP clock, exact for 24, 25, 30, 50, 60 and 29.97 fps. */
  public static final int DEFAULT_TIMESCALE = 90_000;

  private final AvcDecoderConfigurationRecord record;
  private final byte[] avcC;
  private final int timescale;
  private final SequenceParameterSet sizeSps;
  private final boolean inBand;

  private VideoTrackConfig(Builder b) {
    this.record = b.record;
    this.avcC = b.record.toByteArray();
    this.timescale = b.timescale;
    this.sizeSps = b.sizeSps != null ? b.sizeSps : b.record.sequenceParameterSets().get(0);
    this.inBand = b.inBand;
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
    return sizeSps;
  }

  /** Whether samples may carry parameter sets: the sample entry is then {@code avc3}, else {@code avc1}. */
  public boolean inBandParameterSets() {
    return inBand;
  }

  /** The sample entry's four-character code: {@code avc1} or {@code avc3}. */
  public String sampleEntryType() {
    return inBand ? "avc3" : "avc1";
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

  /** The RFC 6381 codecs string, e.g. {@code avc1.640028} or {@code avc3.640028}. */
  public String codecString() {
    return sampleEntryType() + record.codecString().substring(4);
  }

  /** Builds a {@link VideoTrackConfig}. */
  public static final class Builder {
    private final AvcDecoderConfigurationRecord record;
    private int timescale = DEFAULT_TIMESCALE;
    private SequenceParameterSet sizeSps;
    private boolean inBand;

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

    /**
     * The SPS of the track's first picture, which gives the picture size and aspect ratio written
     * in the sample entry (default: the record's first SPS).
     *
     * @throws IllegalArgumentException if the record does not hold it
     */
    public Builder pictureSize(SequenceParameterSet sps) {
      if (record.sequenceParameterSets().stream().noneMatch(s -> s.sameBytes(sps))) {
        throw new IllegalArgumentException("SPS " + sps.id() + " is not in the decoder configuration");
      }
      this.sizeSps = sps;
      return this;
    }

    /**
     * Whether samples may carry parameter sets of their own ({@code avc3}; default false, {@code
     * avc1}).
     */
    public Builder inBandParameterSets(boolean inBand) {
      this.inBand = inBand;
      return this;
    }

    public VideoTrackConfig build() {
      return new VideoTrackConfig(this);
    }
  }
}
