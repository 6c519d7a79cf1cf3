package io.custody.seal;

import java.util.Optional;

/**
 * What {@link Verifier} found in one sealed segment. Immutable.
 *
 * @param ok every check of docs/FORMAT.md §7 passed
 * @param problem the first failed check, when not ok
 * @param header the header, when it could be parsed
 * @param manifest the verified manifest, when one was found and its signature is valid
 * @param records records read (up to the problem, or all)
 * @param fragments complete fragments (FRAGMENT_INFO records) read
 * @param signedFragments fragments covered by the last valid signature (a checkpoint or the
 *     manifest): what a truncated segment can still prove
 * @param bytes bytes read
 */
public record VerificationReport(
    boolean ok,
    Optional<Problem> problem,
    Optional<SegmentHeader> header,
    Optional<SegmentManifest> manifest,
    int records,
    int fragments,
    int signedFragments,
    long bytes) {

  /**
   * One failed check.
   *
   * @param check a stable name for the check (e.g. {@code "header-signature"}, {@code "chain"})
   * @param record the seq of the first bad record, or -1 for the header or the footer
   * @param offset the byte offset where it was found
   * @param message a sentence for people
   */
  public record Problem(String check, int record, long offset, String message) {
    @Override
    public String toString() {
      return check + (record >= 0 ? " at record " + record : "") + " (byte " + offset + "): " + message;
    }
  }

  /** Whether the segment is complete: verified, with a manifest (possibly from recovery). */
  public boolean complete() {
    return ok && manifest.isPresent();
  }

  /** One line for people. */
  public String summary() {
    if (ok) {
      SegmentManifest m = manifest.orElseThrow();
      return "OK: recording " + m.recordingId() + " segment " + m.segmentIndex() + ", " + fragments
          + " fragments, " + records + " records" + (m.recovered() ? ", recovered (lost " + m.lostBytes() + " bytes)" : "");
    }
    return "FAILED: " + problem.map(Problem::toString).orElse("unknown") + "; " + signedFragments
        + " fragment(s) still proven by signature";
  }
}
