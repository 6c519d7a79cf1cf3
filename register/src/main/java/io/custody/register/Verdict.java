package io.custody.register;

/** What the register says of a signature (docs/REGISTER.md §4). */
public enum Verdict {
  /** The key was issued, valid and not revoked, at the time claimed and at the time of arrival. */
  TRUSTED,
  /** The key is not in the register: the force never issued it. */
  UNKNOWN_KEY,
  /** The key was revoked before the time the device claims, or before the footage arrived. */
  SIGNED_AFTER_REVOCATION,
  /** The device claims a time before the key became valid. */
  OUTSIDE_VALIDITY
}
