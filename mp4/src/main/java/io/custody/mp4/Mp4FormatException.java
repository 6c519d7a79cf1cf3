package io.custody.mp4;

import java.io.IOException;

/**
 * An MP4 file given to {@link Mp4Demuxer} is not one it can read: not ISO BMFF, cut short, or
 * without an H.264 video track. {@link #reason()} says which; {@link #offset()} where in the file
 * the problem was found (-1 when it is not about one place).
 */
public final class Mp4FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The file is not ISO BMFF (no sensible box structure from its first byte). */
    NOT_MP4,
    /** A box or a sample runs past the end of the file: the file was cut short. */
    TRUNCATED,
    /** A box holds an impossible value. */
    MALFORMED,
    /** Valid MP4, but without what recording needs (an H.264 video track), or with a codec feature not supported. */
    UNSUPPORTED,
  }

  private final Reason reason;
  private final long offset;

  /** An exception with its reason, a sentence for people, and the file offset (or -1). */
  public Mp4FormatException(Reason reason, String message, long offset) {
    super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
    this.reason = reason;
    this.offset = offset;
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }

  /** Where in the file it was found, or -1. */
  public long offset() {
    return offset;
  }
}
