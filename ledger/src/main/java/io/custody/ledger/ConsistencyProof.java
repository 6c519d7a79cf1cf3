package io.custody.ledger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Proof that a later checkpoint's tree extends an earlier one's (RFC 9162 §2.1.4): nothing in the
 * earlier tree was changed, removed or reordered. Instances exist only verified. Immutable.
 */
public final class ConsistencyProof {
  private final Checkpoint older;
  private final Checkpoint newer;
  private final List<byte[]> hashes;

  private ConsistencyProof(Checkpoint older, Checkpoint newer, List<byte[]> hashes) {
    this.older = older;
    this.newer = newer;
    this.hashes = hashes;
  }

  /**
   * Checks {@code hashes} as the consistency proof from {@code older} to {@code newer}.
   *
   * @throws LedgerFormatException if the checkpoints are of different logs, or the proof does not
   *     hold (a fork: the newer tree does not extend the older)
   */
  public static ConsistencyProof of(Checkpoint older, Checkpoint newer, List<byte[]> hashes) {
    if (!older.origin().equals(newer.origin())) {
      throw new LedgerFormatException("checkpoints of two logs: " + older.origin() + " and " + newer.origin());
    }
    if (!Merkle.verifyConsistency(older.size(), older.rootHash(), newer.size(), newer.rootHash(), hashes)) {
      throw new LedgerFormatException("fork: " + newer + " does not extend " + older);
    }
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    return new ConsistencyProof(older, newer, List.copyOf(copy));
  }

  public Checkpoint older() {
    return older;
  }

  public Checkpoint newer() {
    return newer;
  }

  /** The proof hashes as base64 lines, as C2SP tools (and Go's tlog.CheckTree) take them. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (byte[] h : hashes) {
      sb.append(Base64.getEncoder().encodeToString(h)).append('\n');
    }
    return sb.toString();
  }

  /** The proof hashes (copies). */
  public List<byte[]> hashes() {
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    return copy;
  }
}
