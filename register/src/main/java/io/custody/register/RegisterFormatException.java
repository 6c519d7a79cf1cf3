package io.custody.register;

/** A register that does not hold: malformed, altered, cut, or signed by another key. */
public final class RegisterFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A register problem, described for an evidence officer. */
  public RegisterFormatException(String message) {
    super(message);
  }

  /** A register problem caused by {@code cause}. */
  public RegisterFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
