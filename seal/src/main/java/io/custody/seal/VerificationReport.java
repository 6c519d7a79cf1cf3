package io.custody.seal;

import java.util.Optional;

/**
 * What {@link Verifier} found in one sealed segment. Immutable.
 *
 * @param status whether the segment is complete, unfinished (cut short, every check up to the cut
 *     passed) or failed
 * @param problem the first failed check, unless complete (an unfinished segment's says where it
 *     ends)
 * @param header the header, when it could be parsed
 * @param manifest the verified manifest, when complete
 * @param records records read (up to the problem, or all)
 * @param fragments complete fragments (FRAGMENT_INFO records) read
 * @param signedFragments fragments covered by the last valid signature (a checkpoint or the
 *     manifest): what a truncated segment can still prove
 * @param bytes bytes read
 */
public record VerificationReport(
    Status status,
    Optional<Problem> problem,
    Optional<SegmentHeader> header,
    Optional<SegmentManifest> manifest,
    int records,
    int fragments,
    int signedFragments,
    long bytes) {

  /** The outcome of verifying one segment. */
  public enum Status {
    /** Every check of docs/FORMAT.md §7 passed and the signed manifest closes the segment. */
    COMPLETE,
    /**
     * Every check passed as far as the segment goes, but it ends early, without its manifest (at a
     * record boundary or inside the last record): a segment cut by a power cut or crash and not yet
     * recovered ({@link Recovery} closes it on the device). Not evidence of a whole segment:
     * {@link VerificationReport#signedFragments()} says how much of it a signature proves.
     */
    UNFINISHED,
    /** A check failed: the segment was altered, replaced or is not a sealed segment. */
    FAILED
  }

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

  /** Checks that the status, problem and manifest agree. */
  public VerificationReport {
    if ((status == Status.COMPLETE) != manifest.isPresent() || (status == Status.COMPLETE) == problem.isPresent()) {
      throw new IllegalArgumentException(status + " with" + (manifest.isPresent() ? "" : "out")
          + " a manifest and with" + (problem.isPresent() ? "" : "out") + " a problem");
    }
  }

  /** One line for people. */
  public String summary() {
    switch (status) {
      case COMPLETE: {
        SegmentManifest m = manifest.orElseThrow();
        return "OK: recording " + m.recordingId() + " segment " + m.segmentIndex() + ", " + fragments
            + " fragments, " + records + " records"
            + (m.recovered() ? ", recovered (lost " + m.lostBytes() + " bytes)" : "");
      }
      case UNFINISHED:
        return "UNFINISHED: " + problem.orElseThrow() + "; " + signedFragments
            + " fragment(s) proven by signature";
      default:
        return "FAILED: " + problem.map(Problem::toString).orElse("unknown") + "; " + signedFragments
            + " fragment(s) still proven by signature";
    }
  }
}
