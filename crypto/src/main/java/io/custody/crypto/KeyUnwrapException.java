package io.custody.crypto;

import java.security.GeneralSecurityException;

/**
 * A wrapped content key could not be opened by {@link KeyWrap#unwrap}.
 *
 * <p>HPKE's AEAD cannot tell a wrong recipient key, a corrupted byte and a different {@code
 * info} apart: all three fail the same authentication tag, by design (telling them apart would
 * leak information to an attacker). {@link Reason#NOT_AUTHENTIC} therefore covers all three, and
 * the message lists them. {@link Reason#MALFORMED} is reserved for input that cannot be a wrapped
 * key at all (too short), found before any cryptography runs.
 *
 * <p>Checked, because a back office opening evidence must handle it: a segment wrapped for
 * another recipient is an ordinary event, not a bug.
 */
public final class KeyUnwrapException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The input is shorter than an encapsulated key plus an AEAD tag: it cannot be a wrap. */
    MALFORMED,
    /**
     * The AEAD tag did not verify: wrong recipient key, altered bytes, or another {@code info}
     * than at wrapping time. These cannot be told apart.
     */
    NOT_AUTHENTIC,
    /**
     * The recipient key could not be used: a hardware token holding it refused or failed the key
     * agreement ({@link RecipientKeyAgreement}). Says nothing about the wrap itself.
     */
    KEY_UNAVAILABLE,
  }

  private final Reason reason;

  /** For {@link KeyWrap} and {@link RecipientKeyAgreement} implementations. */
  public KeyUnwrapException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The kind of failure. */
  public Reason reason() {
    return reason;
  }
}
