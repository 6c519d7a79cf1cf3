package io.custody.upload;

import java.util.Map;

/**
 * How an upload run ended. Immutable.
 *
 * @param uploaded objects newly written to the destination and verified
 * @param alreadyThere objects found already in the destination with the same SHA-256 (a re-run
 *     after a restart), verified
 * @param sourceDeleted local copies released after verification (policy)
 * @param failed objects that could not be uploaded, with why (a conflict: different bytes under
 *     the key at the destination; or the last error after all retries)
 * @param bytes bytes uploaded in this run
 */
public record UploadReport(int uploaded, int alreadyThere, int sourceDeleted, Map<String, String> failed, long bytes) {
  public UploadReport {
    failed = Map.copyOf(failed);
  }

  /** Every object found is in the destination and verified. */
  public boolean complete() {
    return failed.isEmpty();
  }
}
