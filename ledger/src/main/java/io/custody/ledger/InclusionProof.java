package io.custody.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Proof that one entry is in the log at one index, under a signed checkpoint: self-contained and
 * checkable offline with the ledger public key alone. Its text form is C2SP {@code tlog-proof}
 * ({@code c2sp.org/tlog-proof@v1}) with the entry's bytes as the {@code extra} data. Instances
 * exist only verified. Immutable.
 */
public final class InclusionProof {
  private static final String HEADER = "c2sp.org/tlog-proof@v1";

  private final long index;
  private final byte[] entry;
  private final List<byte[]> hashes;
  private final Checkpoint checkpoint;

  private InclusionProof(long index, byte[] entry, List<byte[]> hashes, Checkpoint checkpoint) {
    this.index = index;
    this.entry = entry;
    this.hashes = hashes;
    this.checkpoint = checkpoint;
  }

  /** Checks the path; package-private: {@link Ledger#proveInclusion} makes proofs. */
  static InclusionProof of(long index, byte[] entry, List<byte[]> hashes, Checkpoint checkpoint) {
    if (!Merkle.verifyInclusion(index, checkpoint.size(), Merkle.leafHash(entry), hashes, checkpoint.rootHash())) {
      throw new LedgerFormatException("the inclusion proof of entry " + index + " does not lead to the root of "
          + checkpoint);
    }
    return new InclusionProof(index, entry.clone(), List.copyOf(hashes), checkpoint);
  }

  /**
   * Reads a proof in {@code tlog-proof} form and checks it: the checkpoint's signature by {@code key},
   * the entry's canonical form, and the Merkle path from the entry to the checkpoint's root.
   *
   * @throws LedgerFormatException naming what does not hold
   */
  public static InclusionProof parse(String text, LedgerPublicKey key) {
    int blank = text.indexOf("\n\n");
    if (blank < 0) {
      throw new LedgerFormatException("not a tlog-proof: no blank line before the checkpoint");
    }
    String[] lines = text.substring(0, blank).split("\n", -1);
    if (!lines[0].equals(HEADER)) {
      throw new LedgerFormatException("not a tlog-proof: the first line is not " + HEADER);
    }
    int i = 1;
    byte[] entry = null;
    if (i < lines.length && lines[i].startsWith("extra ")) {
      entry = base64(lines[i++].substring(6), "extra data");
    }
    if (entry == null) {
      throw new LedgerFormatException("the proof carries no entry (extra data)");
    }
    if (i >= lines.length || !lines[i].matches("index (0|[1-9][0-9]{0,18})")) {
      throw new LedgerFormatException("the proof has no valid index line");
    }
    long index = Long.parseLong(lines[i++].substring(6));
    List<byte[]> hashes = new ArrayList<>();
    for (; i < lines.length; i++) {
      byte[] h = base64(lines[i], "proof hash");
      if (h.length != Merkle.HASH) {
        throw new LedgerFormatException("a proof hash of " + h.length + " bytes");
      }
      hashes.add(h);
    }
    if (hashes.size() > 64) {
      throw new LedgerFormatException("a proof of more than 64 hashes");
    }
    Checkpoint cp = Checkpoint.parse(text.substring(blank + 2), key);
    LedgerEntry.parse(entry);
    return of(index, entry, hashes, cp);
  }

  private static byte[] base64(String s, String what) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      if (!Base64.getEncoder().encodeToString(b).equals(s)) {
        throw new IllegalArgumentException("not canonical");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new LedgerFormatException(what + " is not canonical base64");
    }
  }

  /** The proof as {@code c2sp.org/tlog-proof@v1} text (a {@code .tlog-proof} file). */
  public String toText() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append("extra ").append(Base64.getEncoder().encodeToString(entry)).append('\n');
    sb.append("index ").append(index).append('\n');
    for (byte[] h : hashes) {
      sb.append(Base64.getEncoder().encodeToString(h)).append('\n');
    }
    return sb.append('\n').append(checkpoint.toNote()).toString();
  }

  public long index() {
    return index;
  }

  /** The proven entry. */
  public LedgerEntry entry() {
    return LedgerEntry.parse(entry);
  }

  /** The signed checkpoint the entry is proven under. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The Merkle path, leaf to root (copies). */
  public List<byte[]> hashes() {
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    return copy;
  }

  @Override
  public String toString() {
    return "InclusionProof{index " + index + ", " + checkpoint + ", " + new String(entry, StandardCharsets.UTF_8) + "}";
  }
}
