package io.custody.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A signed tree head: C2SP {@code tlog-checkpoint} (origin line, tree size, base64 root hash) in a
 * C2SP signed note, signed with Ed25519 by the force's ledger key under the origin as key name.
 * Instances exist only verified: {@link #parse} checks the signature. Immutable.
 */
public final class Checkpoint {
  private static final String DASH = "\u2014 ";
  private static final int MAX_NOTE = 16 * 1024;

  private final String origin;
  private final long size;
  private final byte[] root;
  private final String note;

  private Checkpoint(String origin, long size, byte[] root, String note) {
    this.origin = origin;
    this.size = size;
    this.root = root;
    this.note = note;
  }

  /** The log's name: the first line, and the signing key's name. */
  public String origin() {
    return origin;
  }

  /** The number of entries in the tree. */
  public long size() {
    return size;
  }

  /** The RFC 6962 root hash (32 bytes, a copy). */
  public byte[] rootHash() {
    return root.clone();
  }

  /** The signed note, as stored and as C2SP tools read it. */
  public String toNote() {
    return note;
  }

  static void checkOrigin(String origin) {
    if (origin == null || origin.isEmpty() || origin.length() > 255) {
      throw new IllegalArgumentException("a log origin is 1 to 255 characters");
    }
    for (int i = 0; i < origin.length(); i++) {
      char c = origin.charAt(i);
      if (c <= 0x20 || c == '+' || c == 0x7F || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw new IllegalArgumentException("a log origin has no spaces, control characters or '+': " + origin);
      }
    }
  }

  static Checkpoint sign(String origin, long size, byte[] root, LedgerKey key) {
    checkOrigin(origin);
    String text = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] sig = key.sign(body);
    byte[] keyed = new byte[4 + sig.length];
    System.arraycopy(key.publicKey().noteKeyId(origin), 0, keyed, 0, 4);
    System.arraycopy(sig, 0, keyed, 4, sig.length);
    String note = text + "\n" + DASH + origin + " " + Base64.getEncoder().encodeToString(keyed) + "\n";
    return new Checkpoint(origin, size, root.clone(), note);
  }

  /**
   * Reads a signed checkpoint and checks its signature by {@code key} (under the origin as key
   * name). Signatures by other keys (witness cosignatures) are ignored; extension lines after the
   * root hash are allowed and ignored.
   *
   * @throws LedgerFormatException if the text is not a checkpoint signed by {@code key}
   */
  public static Checkpoint parse(String note, LedgerPublicKey key) {
    if (note.length() > MAX_NOTE) {
      throw new LedgerFormatException("a checkpoint of more than " + MAX_NOTE + " characters");
    }
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new LedgerFormatException("control character in the checkpoint at " + i);
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new LedgerFormatException("not a signed note (no blank line before the signatures)");
    }
    String text = note.substring(0, split + 1);
    String[] lines = text.split("\n", -1);
    if (lines.length < 4) {
      throw new LedgerFormatException("a checkpoint has an origin, a size and a root hash line");
    }
    String origin = lines[0];
    try {
      checkOrigin(origin);
    } catch (IllegalArgumentException e) {
      throw new LedgerFormatException(e.getMessage());
    }
    long size;
    if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
      throw new LedgerFormatException("checkpoint size is not a decimal number: " + lines[1]);
    }
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new LedgerFormatException("checkpoint size out of range: " + lines[1]);
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new LedgerFormatException("checkpoint root hash is not base64");
    }
    if (root.length != Merkle.HASH || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
      throw new LedgerFormatException("checkpoint root hash is not 32 bytes in canonical base64");
    }
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] id = key.noteKeyId(origin);
    boolean signed = false;
    String[] signatures = note.substring(split + 2).split("\n", -1);
    for (int i = 0; i < signatures.length - 1; i++) { // the last is the empty string after the final newline
      String line = signatures[i];
      if (!line.startsWith(DASH)) {
        throw new LedgerFormatException("not a signature line: " + line);
      }
      String[] f = line.substring(DASH.length()).split(" ", -1);
      if (f.length != 2) {
        throw new LedgerFormatException("malformed signature line: " + line);
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(f[1]);
      } catch (IllegalArgumentException e) {
        throw new LedgerFormatException("signature is not base64: " + line);
      }
      if (!f[0].equals(origin) || sig.length < 4 || !Arrays.equals(id, Arrays.copyOf(sig, 4))) {
        continue; // another key's signature (a witness): not ours to judge
      }
      if (!key.verify(body, Arrays.copyOfRange(sig, 4, sig.length))) {
        throw new LedgerFormatException("the ledger key's signature on the checkpoint of size " + size + " is invalid");
      }
      signed = true;
    }
    if (!signed) {
      throw new LedgerFormatException("the checkpoint carries no signature by the ledger key " + key.noteVerifierKey(origin));
    }
    return new Checkpoint(origin, size, root, note);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.note.equals(note);
  }

  @Override
  public int hashCode() {
    return note.hashCode();
  }

  @Override
  public String toString() {
    return "Checkpoint{" + origin + ", size " + size + ", root " + Base64.getEncoder().encodeToString(root) + "}";
  }
}
