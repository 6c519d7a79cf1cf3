package io.custody.seal;

import java.io.IOException;

/**
 * A sealed segment could not be read: it is not one, it is of a version or suite this library
 * does not know, or its structure is broken. {@link #reason()} says which; {@link #offset()} where
 * (-1 when not tied to a position).
 */
public final class SealedFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  public enum Reason {
    /** The object does not start with {@code CSTDYSEG}: not a sealed segment. */
    NOT_A_SEALED_SEGMENT,
    /** A format version this library does not read. */
    UNSUPPORTED_VERSION,
    /** An algorithm suite this library does not know. */
    UNSUPPORTED_SUITE,
    /** The object ends inside the header or a record. */
    TRUNCATED,
    /** A field holds an impossible value. */
    MALFORMED
  }

  private final Reason reason;
  private final long offset;

  public SealedFormatException(Reason reason, String message, long offset) {
    super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
    this.reason = reason;
    this.offset = offset;
  }

  public Reason reason() {
    return reason;
  }

  public long offset() {
    return offset;
  }
}
