package io.custody.seal;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Verifier#verifyRecording} found for the segments of one recording. Immutable.
 *
 * @param recordingId the recording (of the first segment that could be read)
 * @param segments each segment's own report, in segment order
 * @param problem the first failure across the recording (a bad segment, a gap, a broken chain,
 *     a missing last segment), when not ok
 */
public record RecordingReport(String recordingId, List<VerificationReport> segments, Optional<String> problem) {
  public RecordingReport {
    segments = List.copyOf(segments);
  }

  /** Every segment verifies, the chain is whole and the recording's last segment is present. */
  public boolean ok() {
    return problem.isEmpty();
  }
}
