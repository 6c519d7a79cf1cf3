package io.custody.aac;

/**
 * The AAC input is not a well-formed ADTS stream, or uses something {@link AdtsReader} refuses.
 *
 * <p>Unchecked, like {@code H264FormatException}, so it can cross the reader's callbacks. {@link
 * #reason()} says what kind of problem it is and {@link #streamOffset()} where in the input the
 * offending ADTS header starts (-1 when unknown).
 */
public final class AacFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** Bytes where an ADTS header should start do not begin with the 12-bit syncword. */
    BAD_SYNC,
    /** A header field holds a reserved or impossible value (layer, sampling index, length). */
    INVALID_HEADER,
    /** The stream ended inside a frame. */
    TRUNCATED,
    /** number_of_raw_data_blocks_in_frame is not 0: several AAC frames in one ADTS frame. */
    MULTIPLE_RAW_DATA_BLOCKS,
    /** channel_configuration 0: the layout is in a program config element, not supported. */
    UNSUPPORTED_CHANNEL_CONFIGURATION,
  }

  private final Reason reason;
  private final long streamOffset;

  public AacFormatException(Reason reason, String message, long streamOffset) {
    super(streamOffset >= 0 ? message + " (at byte " + streamOffset + ")" : message);
    this.reason = reason;
    this.streamOffset = streamOffset;
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }

  /** Byte offset in the input of the ADTS header concerned, or -1 when unknown. */
  public long streamOffset() {
    return streamOffset;
  }
}
