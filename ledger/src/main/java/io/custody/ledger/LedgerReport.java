package io.custody.ledger;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link LedgerVerifier} found: the log's name and size, its newest checkpoint, and every
 * problem, located. The log verifies when there are no problems. Immutable.
 *
 * @param origin the log's name
 * @param size the number of entries proven (up to the first problem that stops verification)
 * @param checkpoint the newest checkpoint that verified with everything before it
 * @param problems what is wrong, in the order found
 * @param timestamps the checkpoints with a time-stamp token that verified (when the authority's
 *     certificate was given), oldest first
 */
public record LedgerReport(String origin, long size, Optional<Checkpoint> checkpoint, List<Problem> problems,
    List<Ledger.TimestampedCheckpoint> timestamps) {
  public LedgerReport {
    problems = List.copyOf(problems);
    timestamps = List.copyOf(timestamps);
  }

  /** Whether the whole log verifies. */
  public boolean valid() {
    return problems.isEmpty();
  }

  /** What kind of damage. */
  public enum Kind {
    /** An update's signed checkpoint is missing, malformed or not signed by the ledger key. */
    CHECKPOINT_INVALID,
    /** An update's entries do not give its signed checkpoint (changed, added, removed or reordered). */
    UPDATE_MISMATCH,
    /** An update record is missing from the sequence, or cannot be read. */
    UPDATE_MISSING,
    /** An entry is not a canonical entry. */
    ENTRY_MALFORMED,
    /** An entry in an entry bundle differs from the signed log. */
    ENTRY_CHANGED,
    /** A hash tile differs from the signed log. */
    TILE_CHANGED,
    /** A hash tile or entry bundle the log needs is missing. */
    TILE_MISSING,
    /** The log does not extend a checkpoint seen before (a fork, or entries removed). */
    FORK,
    /** A checkpoint's RFC 3161 time-stamp token does not verify. */
    TIMESTAMP_INVALID
  }

  /**
   * One problem.
   *
   * @param kind what
   * @param object the store key of the damaged object
   * @param entry the entry index concerned, when one is
   * @param message a sentence for people
   */
  public record Problem(Kind kind, String object, OptionalLong entry, String message) {
    @Override
    public String toString() {
      return kind + " " + object + (entry.isPresent() ? " entry " + entry.getAsLong() : "") + ": " + message;
    }
  }
}
