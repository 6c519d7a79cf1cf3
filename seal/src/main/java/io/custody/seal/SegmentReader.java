package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decrypts a sealed segment with a recipient's private key: the whole plaintext fMP4 as a stream,
 * or any fragment on its own (random access through the verified fragment table).
 *
 * <p>Nothing unauthenticated is ever returned: {@link #open} first verifies the segment with the
 * device key (refusing it with {@link VerificationFailedException} otherwise), then unwraps the
 * content key and checks it against the header's key commitment; every record is checked by
 * AES-GCM before its bytes are handed out. Not thread-safe; close it to release the file.
 */
public final class SegmentReader implements Closeable {
  /** Where an encrypted record is. */
  private record Entry(int kind, int seq, long offset, int bodyLength, int counter) {}

  private final FileChannel file;
  private final SegmentHeader header;
  private final SegmentManifest manifest;
  private final VerificationReport report;
  private final List<SegmentManifest.Fragment> fragments;
  private final RecordCipher records;
  private final List<Entry> encrypted;
  private byte[] scratch = new byte[FRAMING + DEFAULT_RECORD_PLAINTEXT + TAG];

  private SegmentReader(FileChannel file, SegmentHeader header, VerificationReport report,
      List<SegmentManifest.Fragment> fragments, RecordCipher records, List<Entry> encrypted) {
    this.file = file;
    this.report = report;
    this.header = header;
    this.manifest = report == null ? null : report.manifest().orElseThrow();
    this.fragments = fragments;
    this.records = records;
    this.encrypted = encrypted;
  }

  /**
   * Verifies {@code sealed} with {@code device} and opens it for decryption with {@code key}.
   *
   * @throws VerificationFailedException if the segment does not verify
   * @throws DecryptionException if the segment was not sealed for this key, or the key does not
   *     open it, or the content key fails its commitment
   */
  public static SegmentReader open(Path sealed, RecipientPrivateKey key, DevicePublicKey device)
      throws IOException, DecryptionException {
    // One pass verifies the segment and notes where its encrypted records are.
    List<Entry> entries = new ArrayList<>();
    VerificationReport report;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed), 1 << 16)) {
      report = new Verifier(device).verify(in, new Verifier.RecordListener() {
        @Override
        public void header(SegmentHeader header) {
          // the key is checked once the segment has verified
        }

        @Override
        public void encrypted(int kind, int seq, long offset, byte[] framing, byte[] body, int bodyLength) {
          entries.add(new Entry(kind, seq, offset, bodyLength, entries.size()));
        }
      });
    }
    if (report.status() != VerificationReport.Status.COMPLETE) {
      throw new VerificationFailedException(report);
    }
    return open(sealed, key, report.header().orElseThrow(), report, report.manifest().orElseThrow().fragments(),
        entries);
  }

  /**
   * Opens {@code sealed} for decryption with {@code key} <b>without verifying it</b>: for a forced
   * export of evidence that fails verification (a damaged copy, a missing device key). The fragment
   * table comes from the segment's FRAGMENT_INFO records as they stand. Every record is still
   * authenticated by AES-GCM under the segment's content key, so {@link #readFragment} fails with
   * {@link DecryptionException} for a record that was altered; but nothing proves that the device
   * sealed the segment, or that its records are all there and in order. {@link #manifest()} and
   * {@link #writePlaintext} are not available on such a reader.
   *
   * @throws SealedFormatException if the file does not start with a readable segment header
   * @throws DecryptionException as for {@link #open}
   */
  public static SegmentReader openUnverified(Path sealed, RecipientPrivateKey key) throws IOException, DecryptionException {
    SegmentLayout layout;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed), 1 << 16)) {
      layout = SegmentLayout.read(in);
    }
    return open(sealed, key, layout.header(), null, layout.fragments(), index(sealed));
  }

  private static SegmentReader open(Path sealed, RecipientPrivateKey key, SegmentHeader h, VerificationReport report,
      List<SegmentManifest.Fragment> fragments, List<Entry> entries) throws IOException, DecryptionException {
    RecordCipher records = RecordCipher.open(key, h);
    return new SegmentReader(FileChannel.open(sealed, StandardOpenOption.READ), h, report, fragments, records, entries);
  }

  private static List<Entry> index(Path sealed) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed), 1 << 16)) {
      RecordReader r = new RecordReader(in);
      r.readHeader();
      int counter = 0;
      try {
        while (r.next()) {
          if (isEncrypted(r.kind)) {
            entries.add(new Entry(r.kind, r.seq, r.recordOffset, r.bodyLength, counter++));
          }
        }
      } catch (SealedFormatException e) {
        // a broken tail (only an unverified reader gets here): the records before it stay readable
      }
    }
    return entries;
  }

  /**
   * The verified manifest.
   *
   * @throws IllegalStateException on a reader from {@link #openUnverified}
   */
  public SegmentManifest manifest() {
    if (manifest == null) {
      throw new IllegalStateException("opened unverified: there is no verified manifest");
    }
    return manifest;
  }

  /** Whether the segment was verified when opened ({@link #open}), not opened with {@link #openUnverified}. */
  public boolean verified() {
    return report != null;
  }

  /**
   * The verification report the segment passed.
   *
   * @throws IllegalStateException on a reader from {@link #openUnverified}
   */
  public VerificationReport verification() {
    if (report == null) {
      throw new IllegalStateException("opened unverified");
    }
    return report;
  }

  /** Fragments in the segment's fragment table. */
  public int fragmentCount() {
    return fragments.size();
  }

  /** The initialization part ({@code ftyp} + {@code moov}). */
  public byte[] readInit() throws IOException, DecryptionException {
    if (encrypted.isEmpty() || encrypted.get(0).kind != KIND_INIT) {
      throw new DecryptionException(DecryptionException.Reason.TRUNCATED, "the segment has no INIT record");
    }
    Entry e = encrypted.get(0);
    byte[] out = new byte[plaintextLength(e)];
    decrypt(e, out, 0);
    return out;
  }

  /**
   * Fragment {@code i} ({@code prft} + {@code moof} + {@code mdat}), decrypted.
   *
   * @throws DecryptionException if a record fails authentication, or (unverified reader only) the
   *     fragment's table entry does not match the records it spans
   */
  public byte[] readFragment(int i) throws IOException, DecryptionException {
    SegmentManifest.Fragment f = fragments.get(i);
    // Sized from the records in the file, not from the table's length field (unsigned on an
    // unverified reader): memory stays bounded by the file.
    long length = 0;
    for (Entry e : encrypted) {
      if (e.seq >= f.firstSeq() && e.seq < f.infoSeq()) {
        length += plaintextLength(e);
      }
    }
    if (length != f.plaintextLength()) {
      throw new DecryptionException(DecryptionException.Reason.FRAGMENT_TABLE_MISMATCH, "fragment " + i
          + " spans records of " + length + " plaintext bytes, but its table entry says " + f.plaintextLength());
    }
    byte[] out = new byte[Math.toIntExact(length)];
    int at = 0;
    for (Entry e : encrypted) {
      if (e.seq >= f.firstSeq() && e.seq < f.infoSeq()) {
        at += decrypt(e, out, at);
      }
    }
    return out;
  }

  private static int plaintextLength(Entry e) throws DecryptionException {
    if (e.bodyLength < TAG) {
      throw new DecryptionException(DecryptionException.Reason.RECORD_AUTHENTICATION_FAILED,
          "record " + e.seq + " is too short to hold its authentication tag");
    }
    return e.bodyLength - TAG;
  }

  /**
   * Writes the whole plaintext fMP4 to {@code out}: byte-identical to what the recorder produced.
   * Checks the stream's final record (unless the segment was recovered) and the plaintext SHA-256
   * (when the manifest has one); returns the SHA-256 of what was written.
   *
   * @throws DecryptionException if a record fails authentication, the stream is truncated or
   *     the plaintext does not match the manifest (bytes already written must then be discarded)
   */
  public byte[] writePlaintext(OutputStream out) throws IOException, DecryptionException {
    manifest();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    boolean endSeen = false;
    byte[] buf = new byte[header.maxRecordPlaintext()];
    for (Entry e : encrypted) {
      int n = decrypt(e, buf, 0);
      if (e.kind == KIND_END) {
        endSeen = true;
        continue;
      }
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
    }
    if (!endSeen && !manifest.recovered()) {
      throw new DecryptionException(DecryptionException.Reason.TRUNCATED, "the stream has no final record");
    }
    byte[] digest = sha.digest();
    if (manifest.plaintextSha256().isPresent() && !manifest.plaintextSha256().get().equals(hex(digest))) {
      throw new DecryptionException(DecryptionException.Reason.PLAINTEXT_MISMATCH,
          "the plaintext does not hash to the manifest's plaintext_sha256");
    }
    return digest;
  }

  private int decrypt(Entry e, byte[] out, int outOffset) throws IOException, DecryptionException {
    int total = FRAMING + e.bodyLength;
    if (scratch.length < total) {
      scratch = new byte[total];
    }
    ByteBuffer b = ByteBuffer.wrap(scratch, 0, total);
    long at = e.offset;
    while (b.hasRemaining()) {
      int n = file.read(b, at);
      if (n < 0) {
        throw new IOException("the sealed file shrank while being read");
      }
      at += n;
    }
    return records.decrypt(e.kind, e.seq, e.counter, scratch, 0, scratch, FRAMING, e.bodyLength, out, outOffset);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
