package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a sealed segment holds, read from its clear parts only: the header, the record framing,
 * the FRAGMENT_INFO table, checkpoints and the manifest (docs/FORMAT.md §3). No key is needed and
 * <b>nothing is verified</b>: signatures are not checked, so every fact here is what the file
 * claims. {@link Verifier} proves them; {@code custody inspect} shows both. Immutable.
 *
 * <p>A segment cut short (by a crash, or a partial copy) still yields everything before the cut;
 * {@link #problem()} says where it ends.
 */
public final class SegmentLayout {
  private final SegmentHeader header;
  private final int records;
  private final int encryptedRecords;
  private final int checkpoints;
  private final long ciphertextBytes;
  private final List<SegmentManifest.Fragment> fragments;
  private final Optional<SegmentManifest> manifest;
  private final boolean footer;
  private final long bytes;
  private final Optional<String> problem;

  private SegmentLayout(SegmentHeader header, int records, int encryptedRecords, int checkpoints, long ciphertextBytes,
      List<SegmentManifest.Fragment> fragments, Optional<SegmentManifest> manifest, boolean footer, long bytes,
      Optional<String> problem) {
    this.header = header;
    this.records = records;
    this.encryptedRecords = encryptedRecords;
    this.checkpoints = checkpoints;
    this.ciphertextBytes = ciphertextBytes;
    this.fragments = Collections.unmodifiableList(fragments);
    this.manifest = manifest;
    this.footer = footer;
    this.bytes = bytes;
    this.problem = problem;
  }

  /**
   * Reads a segment from its first byte to its end (or to where its structure breaks).
   *
   * @throws SealedFormatException if it does not start with a readable segment header (not a
   *     sealed segment, another version or suite, or a header cut short)
   * @throws IOException if the stream cannot be read
   */
  public static SegmentLayout read(InputStream in) throws IOException {
    RecordReader r = new RecordReader(in);
    SegmentHeader header = r.readHeader();
    int records = 0;
    int encrypted = 0;
    int checkpoints = 0;
    long ciphertext = 0;
    List<SegmentManifest.Fragment> fragments = new ArrayList<>();
    Optional<SegmentManifest> manifest = Optional.empty();
    Optional<String> problem = Optional.empty();
    try {
      while (r.next()) {
        if (r.seq != records) {
          problem = Optional.of("record " + records + " carries seq " + r.seq + " (byte " + r.recordOffset + ")");
          break;
        }
        records++;
        if (isEncrypted(r.kind)) {
          encrypted++;
          ciphertext += r.bodyLength;
        } else if (r.kind == KIND_FRAGMENT_INFO) {
          if (r.bodyLength == FRAGMENT_INFO_LENGTH) {
            fragments.add(FragmentInfoRecord.decode(r.body, 0).toFragment(r.seq, hex(r.chain)));
          }
        } else if (r.kind == KIND_CHECKPOINT) {
          checkpoints++;
        } else if (r.kind == KIND_MANIFEST && r.bodyLength >= SIGNATURE) {
          try {
            manifest = Optional.of(SegmentManifest.parse(java.util.Arrays.copyOf(r.body, r.bodyLength - SIGNATURE)));
          } catch (RuntimeException e) { // unverified bytes: any member may be missing or of the wrong type
            problem = Optional.of("the manifest does not parse: " + e);
          }
        }
      }
      if (problem.isEmpty() && !r.footerSeen) {
        problem = Optional.of("no footer: the segment ends after record " + (records - 1)
            + " (byte " + r.offset() + "), unfinished or cut short");
      } else if (problem.isEmpty() && r.trailingBytes() > 0) {
        problem = Optional.of("bytes after the footer");
      }
    } catch (SealedFormatException e) {
      problem = Optional.of(e.getMessage() + " (byte " + e.offset() + ")");
    }
    return new SegmentLayout(header, records, encrypted, checkpoints, ciphertext, fragments, manifest,
        r.footerSeen, r.offset(), problem);
  }

  /** The header (parsed; its signature not checked). */
  public SegmentHeader header() {
    return header;
  }

  /** Records read before the end or the first structural problem. */
  public int records() {
    return records;
  }

  /** Of those, the encrypted ones (INIT, DATA, DATA_END, END). */
  public int encryptedRecords() {
    return encryptedRecords;
  }

  /** CHECKPOINT records read. */
  public int checkpoints() {
    return checkpoints;
  }

  /** Bytes of encrypted record bodies (ciphertext and tags). */
  public long ciphertextBytes() {
    return ciphertextBytes;
  }

  /** The fragment table, from the FRAGMENT_INFO records. */
  public List<SegmentManifest.Fragment> fragments() {
    return fragments;
  }

  /** The manifest, parsed but not verified; empty for an unfinished segment. */
  public Optional<SegmentManifest> manifest() {
    return manifest;
  }

  /** Whether the footer was read: the segment was finished (by its writer or by recovery). */
  public boolean finished() {
    return footer && problem.isEmpty();
  }

  /** Bytes read. */
  public long bytes() {
    return bytes;
  }

  /** Where the structure ends early or breaks, for people; empty for a whole segment. */
  public Optional<String> problem() {
    return problem;
  }
}
