package io.custody.seal;

import java.io.IOException;

/** A segment was refused because it did not verify; {@link #report()} says what failed. */
public final class VerificationFailedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient VerificationReport report;

  public VerificationFailedException(VerificationReport report) {
    super("the segment does not verify: " + report.summary());
    this.report = report;
  }

  public VerificationReport report() {
    return report;
  }
}
