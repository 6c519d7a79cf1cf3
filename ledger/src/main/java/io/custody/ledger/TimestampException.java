package io.custody.ledger;

/**
 * A time-stamping authority answered, but not with an acceptable RFC 3161 time-stamp, or a stored
 * time-stamp token does not prove what it should.
 *
 * <p>Checked: the ledger decides what a refused or bad time-stamp means for a checkpoint (retry
 * later, another authority, or a checkpoint without trusted time). Failing to reach the
 * authority at all (connection refused, timeout, an HTTP status other than 200) is an {@link
 * java.io.IOException} instead, since that is worth retrying as it is. {@link #reason()} says
 * what kind of problem it is; the message says exactly what failed.
 */
public final class TimestampException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of problem. */
  public enum Reason {
    /** The authority answered with a status other than granted (rejection, waiting, ...). */
    REFUSED,
    /**
     * The bytes are not a well-formed time-stamp response or token: garbage, truncated, trailing
     * bytes, too large, the wrong content type, a granted response without a token, a token not
     * in canonical DER, whose unsigned parts disagree with its signed ones, or that does not
     * carry its TSA's certificate.
     */
    MALFORMED,
    /**
     * A genuine token that does not answer this question: it time-stamps other data, uses another
     * hash algorithm than SHA-256, or answers another request (nonce, imprint).
     */
    MISMATCH,
    /** The token's CMS signature does not verify with the authority's certificate. */
    SIGNATURE,
    /**
     * The token was not issued under the given certificate (another signer, a signing-certificate
     * attribute naming another certificate), or that certificate is not a time-stamping
     * certificate (RFC 3161 section 2.3) or was not valid at the token's time.
     */
    UNTRUSTED,
  }

  private final Reason reason;

  /** A problem of the given kind, described by {@code message}. */
  public TimestampException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A problem of the given kind, described by {@code message}, found through {@code cause}. */
  public TimestampException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }
}
