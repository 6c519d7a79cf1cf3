package io.custody.json;

/**
 * Text that is not strict JSON, or JSON outside the bounds Custody reads (see the package
 * documentation). An {@link IllegalArgumentException}, so callers that catch that keep working.
 */
public final class JsonFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /** A problem {@code what} found at character {@code offset} of the text. */
  public JsonFormatException(String what, int offset) {
    super("invalid JSON at " + offset + ": " + what);
    this.offset = offset;
  }

  /** The character offset in the text where the problem was found. */
  public int offset() {
    return offset;
  }
}
