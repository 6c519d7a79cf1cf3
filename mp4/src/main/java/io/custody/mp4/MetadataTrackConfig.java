package io.custody.mp4;

/**
 * The timed metadata track of a segment: a {@code meta} handler track with a {@code mett}
 * (TextMetaDataSampleEntry, ISO/IEC 14496-12 §12.3.3) sample entry, one JSON object per sample as
 * described in the {@linkplain io.custody.mp4 package documentation}. Immutable.
 */
public final class MetadataTrackConfig {
  /** MIME type of Custody's metadata samples. */
  public static final String JSON_MIME_FORMAT = "application/json";

  /** Milliseconds: the precision of GPS fixes and button presses. */
  public static final int DEFAULT_TIMESCALE = 1000;

  private final int timescale;
  private final String mimeFormat;

  private MetadataTrackConfig(Builder b) {
    this.timescale = b.timescale;
    this.mimeFormat = b.mimeFormat;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Ticks per second of sample times (default {@value #DEFAULT_TIMESCALE}). */
  public int timescale() {
    return timescale;
  }

  /** The {@code mett} mime_format (default {@value #JSON_MIME_FORMAT}). */
  public String mimeFormat() {
    return mimeFormat;
  }

  /** Builds a {@link MetadataTrackConfig}. */
  public static final class Builder {
    private int timescale = DEFAULT_TIMESCALE;
    private String mimeFormat = JSON_MIME_FORMAT;

    private Builder() {}

    public Builder timescale(int timescale) {
      if (timescale <= 0) {
        throw new IllegalArgumentException("timescale must be positive: " + timescale);
      }
      this.timescale = timescale;
      return this;
    }

    /** The mime_format string; no NUL characters. */
    public Builder mimeFormat(String mimeFormat) {
      if (mimeFormat == null || mimeFormat.isEmpty() || mimeFormat.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("bad mime format: " + mimeFormat);
      }
      this.mimeFormat = mimeFormat;
      return this;
    }

    public MetadataTrackConfig build() {
      return new MetadataTrackConfig(this);
    }
  }
}
