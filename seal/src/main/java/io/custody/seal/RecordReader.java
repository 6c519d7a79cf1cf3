package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Reads a sealed segment sequentially: the header, then record after record, computing the hash
 * chain as it goes. Structure only (framing, sizes, seq); the meaning of records is checked by
 * {@link Verifier}. Bounded memory: one record body at a time.
 */
final class RecordReader {
  /** Largest MANIFEST body accepted: room for the fragment table of a very long segment. */
  static final int MAX_MANIFEST = 16 << 20;

  private final InputStream in;
  private final MessageDigest digest;
  private long offset;
  private SegmentHeader header;
  private final byte[] framing = new byte[FRAMING];

  final byte[] chainBefore = new byte[HASH];
  final byte[] chain = new byte[HASH];
  /** SHA-256 of the last record read (framing and body). */
  final byte[] recordHash = new byte[HASH];
  int kind;
  int seq;
  int bodyLength;
  byte[] body = new byte[FRAMING + DEFAULT_RECORD_PLAINTEXT + TAG];
  long recordOffset;
  int expectedSeq;
  boolean footerSeen;
  long footerManifestOffset = -1;

  RecordReader(InputStream in) {
    this.in = in;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  long offset() {
    return offset;
  }

  SegmentHeader header() {
    return header;
  }

  /** Reads and parses the header (not its signature) and starts the chain. */
  SegmentHeader readHeader() throws IOException {
    byte[] prefix = new byte[16];
    int n = readUpTo(prefix, 0, 16);
    if (n < 8 || !Arrays.equals(prefix, 0, 8, MAGIC, 0, 8)) {
      throw new SealedFormatException(SealedFormatException.Reason.NOT_A_SEALED_SEGMENT,
          "not a Custody sealed segment (no CSTDYSEG magic)", 0);
    }
    if (n < 16) {
      throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, "the header is cut short", n);
    }
    int length = SegmentHeader.declaredLength(prefix);
    // The buffer grows as the bytes arrive, so a declared length the input does not hold costs
    // no more memory than the input.
    byte[] h = Arrays.copyOf(prefix, Math.min(length, 4096));
    for (int have = 16; have < length; ) {
      if (have == h.length) {
        h = Arrays.copyOf(h, (int) Math.min(length, 2L * h.length));
      }
      int got = readUpTo(h, have, h.length - have);
      have += got;
      if (have < h.length) {
        throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, "the header is cut short", offset);
      }
    }
    header = SegmentHeader.parse(h);
    digest.update(CHAIN_PREFIX);
    digest.update(h);
    finishDigest(chain);
    return header;
  }

  /**
   * Reads the next record. Returns false at the end of the input when it falls between records,
   * or after the footer (which it reads).
   *
   * @throws SealedFormatException TRUNCATED if the input ends inside a record or the footer,
   *     MALFORMED if a length is impossible for its kind
   */
  boolean next() throws IOException {
    if (footerSeen) {
      return false;
    }
    recordOffset = offset;
    kind = -1; // until this record's framing is read (a TRUNCATED framing leaves it so)
    int n = readUpTo(framing, 0, FRAMING);
    if (n == 0) {
      return false;
    }
    if (framing[0] == FOOTER_MAGIC[0]) {
      byte[] footer = Arrays.copyOf(framing, FOOTER_LENGTH);
      if (n < FRAMING || readUpTo(footer, FRAMING, FOOTER_LENGTH - FRAMING) < FOOTER_LENGTH - FRAMING) {
        throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, "the footer is cut short", recordOffset);
      }
      if (!Arrays.equals(footer, 0, 8, FOOTER_MAGIC, 0, 8)) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, "bad footer magic", recordOffset);
      }
      footerSeen = true;
      footerManifestOffset = getLong(footer, 8);
      return false;
    }
    if (n < FRAMING) {
      throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED,
          "the input ends inside the framing of record " + expectedSeq, recordOffset);
    }
    kind = framing[0] & 0xff;
    seq = getInt(framing, 1);
    long length = getUnsignedInt(framing, 5);
    long max;
    if (isEncrypted(kind)) {
      max = (long) header.maxRecordPlaintext() + TAG;
    } else if (kind == KIND_MANIFEST) {
      max = MAX_MANIFEST;
    } else if (kind == KIND_FRAGMENT_INFO) {
      max = FRAGMENT_INFO_LENGTH;
    } else if (kind == KIND_CHECKPOINT) {
      max = CHECKPOINT_FIXED + (long) HASH * MAX_CHECKPOINT_HASHES;
    } else {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          "record " + expectedSeq + " has " + kindName(kind), recordOffset);
    }
    if (length > max) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          kindName(kind) + " record " + expectedSeq + " claims " + length + " bytes", recordOffset);
    }
    bodyLength = (int) length;
    if (readBody(bodyLength) < bodyLength) {
      throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED,
          "the input ends inside " + kindName(kind) + " record " + expectedSeq, recordOffset);
    }
    System.arraycopy(chain, 0, chainBefore, 0, HASH);
    digest.update(framing);
    digest.update(body, 0, bodyLength);
    finishDigest(recordHash);
    digest.update(chain);
    digest.update(recordHash);
    finishDigest(chain);
    expectedSeq++;
    return true;
  }

  /** The record's framing bytes (valid after {@link #next()}). */
  byte[] framing() {
    return framing;
  }

  /** Bytes after the footer (should be none); reads them to count. */
  long trailingBytes() throws IOException {
    long n = 0;
    byte[] skip = new byte[8192];
    for (int r; (r = in.read(skip)) > 0; ) {
      n += r;
    }
    offset += n;
    return n;
  }

  private void finishDigest(byte[] into) {
    try {
      digest.digest(into, 0, HASH);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads {@code length} body bytes into {@link #body}, growing it (doubling) only as the bytes
   * arrive: a length field is a claim, so it may not size an allocation before the input has
   * shown that it holds that much. Returns the bytes read (fewer at the end of the input).
   */
  private int readBody(int length) throws IOException {
    int filled = 0;
    while (filled < length) {
      if (filled == body.length) {
        body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
      }
      int want = Math.min(length, body.length) - filled;
      int r = readUpTo(body, filled, want);
      filled += r;
      if (r < want) {
        break;
      }
    }
    return filled;
  }

  private int readUpTo(byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        break;
      }
      done += r;
    }
    offset += done;
    return done;
  }
}
