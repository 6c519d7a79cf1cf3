package io.custody.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A retention period on an object: until {@link #until()} it can be neither deleted nor changed.
 * In {@link Mode#COMPLIANCE} nobody can shorten or remove it (the evidence default); in {@link
 * Mode#GOVERNANCE} privileged users of the store can. Immutable.
 */
public record Retention(Mode mode, Instant until) {
  /** How strict the retention is (the S3 Object Lock modes). */
  public enum Mode { GOVERNANCE, COMPLIANCE }

  public Retention {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(until, "until");
  }

  /** Compliance-mode retention until {@code until}. */
  public static Retention compliance(Instant until) {
    return new Retention(Mode.COMPLIANCE, until);
  }

  /** Whether the period still runs at {@code now}. */
  public boolean activeAt(Instant now) {
    return now.isBefore(until);
  }
}
