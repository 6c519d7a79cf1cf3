package io.custody.seal;

import java.security.GeneralSecurityException;

/** A sealed segment could not be decrypted with the key given; {@link #reason()} says why. */
public final class DecryptionException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Why decryption failed. */
  public enum Reason {
    /** No recipient entry in the header names this key: it was not sealed for it. */
    NOT_A_RECIPIENT,
    /** The key is named but the wrapped content key does not open with it (wrong or damaged). */
    KEY_UNWRAP_FAILED,
    /** The unwrapped content key does not match the header's commitment. */
    KEY_COMMITMENT_MISMATCH,
    /** A record failed AES-GCM authentication: altered, reordered or from another segment. */
    RECORD_AUTHENTICATION_FAILED,
    /** The stream lacks its final record and is not marked recovered: truncated. */
    TRUNCATED,
    /** The decrypted bytes do not hash to the manifest's plaintext SHA-256. */
    PLAINTEXT_MISMATCH,
    /**
     * A fragment's table entry disagrees with the records it spans: altered (only a reader from
     * {@link SegmentReader#openUnverified}, whose table is unsigned, can meet this).
     */
    FRAGMENT_TABLE_MISMATCH
  }

  private final Reason reason;

  public DecryptionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DecryptionException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
