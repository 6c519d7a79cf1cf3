package io.custody.crypto;

/**
 * A PEM text, DER encoding or raw key handed to this package is not a well-formed key of the
 * expected kind.
 *
 * <p>Unchecked, like the JDK's {@link IllegalArgumentException} it extends, because a bad key is
 * a configuration error the caller cannot retry around. {@link #reason()} says what kind of
 * problem it is so callers (a provisioning tool, a CLI) can branch without parsing messages. The
 * message never contains key material.
 */
public final class KeyFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The text holds no {@code -----BEGIN ...-----} / {@code -----END ...-----} block, or more. */
    NOT_PEM,
    /**
     * The PEM block has another label than the one expected (e.g. {@code ENCRYPTED PRIVATE KEY},
     * {@code EC PRIVATE KEY}, or a public key where a private key was expected).
     */
    WRONG_LABEL,
    /** The PEM body is not valid Base64. */
    BAD_BASE64,
    /** The bytes are not the DER encoding of a PKCS#8 PrivateKeyInfo / X.509 SPKI. */
    BAD_DER,
    /** The structure is well formed but names another algorithm (another OID). */
    WRONG_ALGORITHM,
    /** A raw key, seed or embedded key has the wrong number of bytes. */
    WRONG_LENGTH,
    /**
     * The key has the right shape but is unusable: an Ed25519 public key that is not a canonical
     * point of prime order, an X25519 public key of small order, or a PKCS#8 file whose embedded
     * public key does not belong to its private key.
     */
    INVALID_KEY,
  }

  private final Reason reason;

  public KeyFormatException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public KeyFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }
}
