package io.custody.seal;

import java.io.IOException;

/** A disclosure package was refused because it did not verify; {@link #report()} says what failed. */
public final class PackageVerificationException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient PackageReport report;

  public PackageVerificationException(PackageReport report) {
    super("the package does not verify: " + report.problem().map(Object::toString).orElse("?"));
    this.report = report;
  }

  public PackageReport report() {
    return report;
  }
}
