package io.custody.h264;

/**
 * The H.264 input is not a well-formed Annex-B stream, or uses something this parser refuses.
 *
 * <p>Unchecked so it can cross the parser's callbacks; every parser entry point documents that it
 * throws it. {@link #reason()} says what kind of problem it is so callers can branch without
 * parsing messages, and {@link #streamOffset()} says where in the input it was found (or -1 when
 * the position is not known, e.g. when parsing a detached parameter set).
 */
public final class H264FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** A NAL unit or syntax structure ends before all its fields were read. */
    TRUNCATED,
    /** The NAL header's forbidden_zero_bit is set: the unit is corrupt. */
    FORBIDDEN_ZERO_BIT,
    /** The whole input held no Annex-B start code. */
    NO_START_CODE,
    /** A NAL unit grew past the scanner's configured maximum (guards memory on garbage input). */
    NAL_UNIT_TOO_LARGE,
    /** An access unit grew past the assembler's maximum (e.g. a flood of units with no slice). */
    ACCESS_UNIT_TOO_LARGE,
    /** A slice or PPS refers to a parameter set that has not been seen. */
    MISSING_PARAMETER_SET,
    /** A syntax element holds a value outside the range the standard allows. */
    INVALID_VALUE,
  }

  private final Reason reason;
  private final long streamOffset;

  public H264FormatException(Reason reason, String message) {
    this(reason, message, -1);
  }

  public H264FormatException(Reason reason, String message, long streamOffset) {
    super(streamOffset >= 0 ? message + " (at byte " + streamOffset + ")" : message);
    this.reason = reason;
    this.streamOffset = streamOffset;
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }

  /** Byte offset in the input stream where the problem was found, or -1 when unknown. */
  public long streamOffset() {
    return streamOffset;
  }

  /** A copy of this exception that names the stream offset, for errors found in a detached unit. */
  H264FormatException at(long offset) {
    if (streamOffset >= 0 || offset < 0) {
      return this;
    }
    H264FormatException e = new H264FormatException(reason, getMessage(), offset);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
