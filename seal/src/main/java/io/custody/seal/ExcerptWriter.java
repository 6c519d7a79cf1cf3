package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.json.Json;
import io.custody.storage.BlobStore;
import io.custody.storage.NoSuchObjectException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a disclosure package (docs/FORMAT.md §12): the run of fragments of one recording that
 * covers a time span, proven by the device's own signatures, with the content keys of only the
 * segments it touches, wrapped to one disclosure recipient (or open, for a public release). The
 * rest of each segment is left out (each left-out record is replaced by its hash), so nothing
 * outside the excerpt can be decrypted from the package.
 *
 * <p>It reads each segment's manifest (its last bytes, through the footer) to choose the
 * fragments, then only the segments the excerpt touches, each once and only up to the signature
 * that closes the excerpt. The package is written under a temporary name, verified as a recipient
 * would verify it ({@link PackageVerifier}), and only then renamed: a failed export leaves nothing
 * that looks complete. Immutable and thread-safe.
 */
public final class ExcerptWriter {
  private final RecipientPrivateKey sourceKey;
  private final DevicePublicKey device;
  private final RecipientPublicKey recipient;
  private final String exportedBy;
  private final Map<String, Object> statements;
  private final Clock clock;

  private ExcerptWriter(Builder b) {
    this.sourceKey = b.sourceKey;
    this.device = b.device;
    this.recipient = b.recipient;
    this.exportedBy = b.exportedBy;
    this.statements = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.statements));
    this.clock = b.clock;
  }

  /**
   * A writer of packages from segments that {@code sourceKey} (a back-office recipient of the
   * recording) opens, sealed by {@code device}.
   */
  public static Builder builder(RecipientPrivateKey sourceKey, DevicePublicKey device) {
    return new Builder(sourceKey, device);
  }

  /** Options of an {@link ExcerptWriter}: exactly one of {@link #toRecipient} and {@link #openKeys}. */
  public static final class Builder {
    private final RecipientPrivateKey sourceKey;
    private final DevicePublicKey device;
    private RecipientPublicKey recipient;
    private boolean open;
    private String exportedBy;
    private Clock clock = Clock.systemUTC();
    private final Map<String, Object> statements = new LinkedHashMap<>();

    private Builder(RecipientPrivateKey sourceKey, DevicePublicKey device) {
      this.sourceKey = Objects.requireNonNull(sourceKey);
      this.device = Objects.requireNonNull(device);
    }

    /** Wraps each content key to {@code recipient} (HPKE): only its private key opens the package. */
    public Builder toRecipient(RecipientPublicKey recipient) {
      this.recipient = Objects.requireNonNull(recipient);
      return this;
    }

    /** Puts the content keys in clear: anyone can open the package (a public release). */
    public Builder openKeys() {
      this.open = true;
      return this;
    }

    /** Who exports (the description's {@code exported_by}; not proven by the package). */
    public Builder exportedBy(String name) {
      this.exportedBy = name;
      return this;
    }

    /**
     * A further member of the description, the exporter's word and not proven by the package (e.g.
     * {@code register}: the device register's verdict on the key): a name the format does not
     * define, and a JSON value (String, Number, Boolean, Map, List).
     *
     * @throws IllegalArgumentException if the format defines {@code name}
     */
    public Builder statement(String name, Object value) {
      if (PackageFormat.DESCRIPTION_MEMBERS.contains(name)) {
        throw new IllegalArgumentException("\"" + name + "\" is a member the format defines");
      }
      statements.put(name, Objects.requireNonNull(value));
      return this;
    }

    /** The clock of the description's {@code exported_at} (default: the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * The writer.
     *
     * @throws IllegalStateException unless exactly one of a recipient and open keys was chosen
     */
    public ExcerptWriter build() {
      if ((recipient == null) == !open) {
        throw new IllegalStateException(open ? "a package has either a recipient or open keys, not both"
            : "a package needs a recipient (toRecipient) or open keys (openKeys)");
      }
      return new ExcerptWriter(this);
    }
  }

  /**
   * A written package.
   *
   * @param path where it is
   * @param sha256 the hex SHA-256 of the whole file (what the ledger's DISCLOSED entry names)
   * @param bytes its size
   * @param bytesRead bytes read from the store to make it (manifests and segments)
   * @param report its verification, as a recipient gets it
   */
  public record Result(Path path, String sha256, long bytes, long bytesRead, PackageReport report) {}

  /**
   * Writes the package of the fragments of the recording whose segments are {@code segmentKeys}
   * (in order, segment 0 first) that cover [{@code from}, {@code to}]: from the fragment that holds
   * {@code from} (or the nearest before it that starts with a keyframe) to the one that holds
   * {@code to}.
   *
   * @throws IllegalArgumentException if the span is empty or outside the recording
   * @throws DecryptionException if the source key does not open a segment the excerpt touches
   * @throws PackageVerificationException if the package written does not verify (a segment damaged
   *     where the excerpt needs it): nothing is left at {@code out}
   */
  public Result write(BlobStore store, List<String> segmentKeys, ExcerptBound from, ExcerptBound to, Path out)
      throws IOException, DecryptionException {
    if (segmentKeys.isEmpty()) {
      throw new IllegalArgumentException("the recording has no segment");
    }
    Selection s = new Selection(store, segmentKeys);
    Position first = s.holding(from, true);
    Position last = s.holding(to, false);
    if (last.compareTo(first) < 0) {
      throw new IllegalArgumentException("the span ends (" + to + ", in fragment " + last + ") before it starts ("
          + from + ", in fragment " + first + ")");
    }
    Path part = out.resolveSibling("." + out.getFileName() + ".part");
    MessageDigest sha = sha256();
    try {
      try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(
          new DigestOutputStream(Files.newOutputStream(part), sha), 1 << 16))) {
        byte[] description = s.description(first, last, from, to);
        o.write(PackageFormat.MAGIC);
        o.writeShort(PackageFormat.VERSION);
        o.writeInt(description.length);
        o.write(description);
        o.writeShort(last.segment - first.segment + 1);
        for (int k = first.segment; k <= last.segment; k++) {
          SegmentManifest m = s.manifest(k);
          int fa = k == first.segment ? first.fragment : 0;
          int fb = k == last.segment ? last.fragment : m.fragments().size() - 1;
          writePiece(s, k, m, fa, fb, o);
        }
        o.flush();
        o.write(((MessageDigest) sha.clone()).digest()); // the trailing SHA-256 of everything before it
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException(e);
      }
      PackageReport report = new PackageVerifier(device).verify(part);
      if (!report.ok()) {
        throw new PackageVerificationException(report);
      }
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Result(out, hex(sha.digest()), Files.size(out), s.bytesRead, report);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * One segment's piece: its header, its content key, then every record from the first to the one
   * whose signature closes the excerpt, each whole (INIT, the excerpt's fragments, and from their
   * end the closing CHECKPOINT, or everything to the MANIFEST when the excerpt reaches the
   * segment's last fragment) or as its kind and hash.
   */
  private void writePiece(Selection s, int k, SegmentManifest m, int fa, int fb, DataOutputStream o)
      throws IOException, DecryptionException {
    int lo = m.fragments().get(fa).firstSeq();
    int hi = m.fragments().get(fb).infoSeq();
    boolean toManifest = fb == m.fragments().size() - 1;
    String key = s.keys.get(k);
    try (InputStream in = new BufferedInputStream(s.counted(s.store.read(key)), 1 << 16)) {
      RecordReader r = new RecordReader(in);
      SegmentHeader h = r.readHeader();
      if (h.segmentIndex() != k || !h.recordingId().equals(m.recordingId())) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + " holds segment "
            + h.segmentIndex() + " of " + h.recordingId() + ", not segment " + k + " of " + m.recordingId(), 0);
      }
      o.write(h.bytes());
      byte[] contentKey = RecordCipher.contentKey(sourceKey, h);
      try {
        if (recipient != null) {
          byte[] wrapped = KeyWrap.wrap(recipient, contentKey, PackageFormat.wrapInfo(h.recordingIdBytes(), k));
          o.write(PackageFormat.KEY_WRAPPED);
          o.write(recipient.keyId());
          o.writeShort(wrapped.length);
          o.write(wrapped);
        } else {
          o.write(PackageFormat.KEY_OPEN);
          o.write(contentKey);
        }
      } finally {
        Arrays.fill(contentKey, (byte) 0);
      }
      for (int p = 0; ; p++) {
        if (!r.next()) {
          throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, key + " ends at record " + p
              + ", before the signature that closes the excerpt", r.offset());
        }
        if (r.seq != p) {
          throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + ": record " + p
              + " has seq " + r.seq, r.recordOffset);
        }
        boolean closing = r.kind == KIND_MANIFEST || (!toManifest && p > hi && r.kind == KIND_CHECKPOINT);
        if (p == 0 || (p >= lo && p <= hi) || closing || (toManifest && p > hi)) {
          o.write(PackageFormat.ITEM_RECORD);
          o.write(r.framing(), 0, FRAMING);
          o.write(r.body, 0, r.bodyLength);
        } else {
          o.write(PackageFormat.ITEM_OMITTED);
          o.write(r.kind);
          o.write(r.recordHash);
        }
        if (closing) {
          o.write(PackageFormat.ITEM_END);
          return;
        }
      }
    }
  }

  /** A fragment of the recording: segment and index in it. */
  private record Position(int segment, int fragment) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      return segment != o.segment ? Integer.compare(segment, o.segment) : Integer.compare(fragment, o.fragment);
    }

    @Override
    public String toString() {
      return fragment + " of segment " + segment;
    }
  }

  /** The recording's segments, their manifests read (only their last bytes) as needed. */
  private final class Selection {
    final BlobStore store;
    final List<String> keys;
    final Map<Integer, SegmentManifest> manifests = new HashMap<>();
    long bytesRead;
    String recordingId;

    Selection(BlobStore store, List<String> keys) {
      this.store = store;
      this.keys = keys;
    }

    InputStream counted(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          bytesRead += b < 0 ? 0 : 1;
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          bytesRead += Math.max(0, n);
          return n;
        }
      };
    }

    byte[] range(String key, long offset, long length) throws IOException {
      try (InputStream in = counted(store.read(key, offset, length))) {
        byte[] b = in.readNBytes((int) length);
        if (b.length != length) {
          throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, key + " is shorter than its footer says",
              offset + b.length);
        }
        return b;
      }
    }

    /** Segment {@code k}'s manifest, found through its footer (docs/FORMAT.md §3.4). */
    SegmentManifest manifest(int k) throws IOException {
      SegmentManifest cached = manifests.get(k);
      if (cached != null) {
        return cached;
      }
      String key = keys.get(k);
      long size = store.stat(key).orElseThrow(() -> new NoSuchObjectException(key)).size();
      if (size < FOOTER_LENGTH + FRAMING) {
        throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, key + " is too short to be sealed", size);
      }
      byte[] footer = range(key, size - FOOTER_LENGTH, FOOTER_LENGTH);
      long at = getLong(footer, 8);
      if (!Arrays.equals(footer, 0, 8, FOOTER_MAGIC, 0, 8)) {
        throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, key
            + " has no footer: an unfinished segment (custody recover closes it)", size);
      }
      long length = size - FOOTER_LENGTH - at;
      if (at < 0 || length < FRAMING + SIGNATURE || length > FRAMING + RecordReader.MAX_MANIFEST) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + ": the footer points at "
            + at + ", not at a manifest", size - FOOTER_LENGTH);
      }
      byte[] rec = range(key, at, length);
      if ((rec[0] & 0xff) != KIND_MANIFEST || getUnsignedInt(rec, 5) != length - FRAMING) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + ": the footer points at "
            + at + ", not at a manifest", at);
      }
      SegmentManifest m;
      try {
        m = SegmentManifest.parse(Arrays.copyOfRange(rec, FRAMING, rec.length - SIGNATURE));
      } catch (RuntimeException e) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + ": its manifest does not parse: "
            + e.getMessage(), at);
      }
      if (m.segmentIndex() != k || (recordingId != null && !recordingId.equals(m.recordingId()))) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, key + " holds segment "
            + m.segmentIndex() + " of " + m.recordingId() + ", not segment " + k
            + (recordingId != null ? " of " + recordingId : ""), at);
      }
      recordingId = m.recordingId();
      manifests.put(k, m);
      return m;
    }

    SegmentManifest.Fragment fragment(Position p) throws IOException {
      return manifest(p.segment).fragments().get(p.fragment);
    }

    /** Whether the fragment starts at or before {@code b}. */
    boolean startsBy(SegmentManifest.Fragment f, ExcerptBound b) {
      if (b.instant().isPresent()) {
        return !f.wallClock().isAfter(b.instant().get());
      }
      return PackageFormat.compareSeconds(b.secondsFromStart().orElseThrow(), f.videoDecodeTime(), f.videoTimescale()) >= 0;
    }

    boolean endsBy(SegmentManifest.Fragment f, ExcerptBound b) {
      if (b.instant().isPresent()) {
        return !PackageFormat.wallEnd(f.wallClock(), f.videoDuration(), f.videoTimescale()).isAfter(b.instant().get());
      }
      return PackageFormat.compareSeconds(b.secondsFromStart().orElseThrow(), f.videoDecodeTime() + f.videoDuration(),
          f.videoTimescale()) >= 0;
    }

    /** Whether segment {@code k} starts at or before {@code b} (a segment with no fragment never does). */
    boolean segmentStartsBy(int k, ExcerptBound b) throws IOException {
      List<SegmentManifest.Fragment> fs = manifest(k).fragments();
      return !fs.isEmpty() && startsBy(fs.get(0), b);
    }

    /**
     * The fragment that holds {@code b}: the last that starts at or before it (a binary search over
     * the segments, reading few manifests). For the start of a span, a time before the recording
     * gives its first fragment, and the fragment found is moved back to the nearest that starts
     * with a keyframe; for its end, a time after the recording gives the last fragment.
     */
    Position holding(ExcerptBound b, boolean start) throws IOException {
      int lo = 0;
      int hi = keys.size() - 1;
      if (!segmentStartsBy(0, b)) {
        if (!start) {
          throw new IllegalArgumentException("the span ends (" + b + ") before the recording starts ("
              + describe(fragment(new Position(0, 0))) + ")");
        }
        return new Position(0, 0);
      }
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (segmentStartsBy(mid, b)) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      List<SegmentManifest.Fragment> fs = manifest(lo).fragments();
      int f = 0;
      while (f + 1 < fs.size() && startsBy(fs.get(f + 1), b)) {
        f++;
      }
      Position p = new Position(lo, f);
      if (!start) {
        return p;
      }
      if (lo == keys.size() - 1 && f == fs.size() - 1 && endsBy(fs.get(f), b)) {
        throw new IllegalArgumentException("the span starts (" + b + ") after the recording ends ("
            + PackageFormat.wallEnd(fs.get(f).wallClock(), fs.get(f).videoDuration(), fs.get(f).videoTimescale())
            + ", " + PackageFormat.seconds(fs.get(f).videoDecodeTime() + fs.get(f).videoDuration(),
                fs.get(f).videoTimescale()).toPlainString() + " s from its start)");
      }
      while (!fragment(p).startsWithSync() && (p.fragment > 0 || p.segment > 0)) {
        p = p.fragment > 0 ? new Position(p.segment, p.fragment - 1)
            : new Position(p.segment - 1, manifest(p.segment - 1).fragments().size() - 1);
      }
      return p;
    }

    private String describe(SegmentManifest.Fragment f) {
      return f.wallClock() + ", " + PackageFormat.seconds(f.videoDecodeTime(), f.videoTimescale()).toPlainString()
          + " s from its start";
    }

    byte[] description(Position first, Position last, ExcerptBound from, ExcerptBound to) throws IOException {
      SegmentManifest m0 = manifest(first.segment);
      SegmentManifest.Fragment a = fragment(first);
      SegmentManifest.Fragment z = fragment(last);
      Map<String, Object> requested = new LinkedHashMap<>();
      requested.put("from", from.toString());
      requested.put("to", to.toString());
      Map<String, Object> covered = new LinkedHashMap<>();
      covered.put("from", PackageReport.time(a.wallClock()));
      covered.put("to", PackageReport.time(PackageFormat.wallEnd(z.wallClock(), z.videoDuration(), z.videoTimescale())));
      covered.put("from_seconds", PackageFormat.seconds(a.videoDecodeTime(), a.videoTimescale()).toPlainString());
      covered.put("to_seconds", PackageFormat.seconds(z.videoDecodeTime() + z.videoDuration(), z.videoTimescale())
          .toPlainString());
      List<Object> pieces = new ArrayList<>();
      for (int k = first.segment; k <= last.segment; k++) {
        Map<String, Object> piece = new LinkedHashMap<>();
        piece.put("segment_index", (long) k);
        piece.put("first_fragment", (long) (k == first.segment ? first.fragment : 0));
        piece.put("last_fragment", (long) (k == last.segment ? last.fragment : manifest(k).fragments().size() - 1));
        pieces.add(piece);
      }
      Map<String, Object> keysMember = new LinkedHashMap<>();
      if (recipient != null) {
        keysMember.put("recipient_key_id", recipient.keyIdHex());
      } else {
        keysMember.put("open", true);
      }
      Json.ObjectWriter d = Json.object()
          .put("format", PackageFormat.DESCRIPTION_FORMAT)
          .put("recording_id", m0.recordingId())
          .put("device_id", m0.deviceId())
          .put("operator_id", m0.operatorId())
          .put("device_key_id", m0.deviceKeyId())
          .put("requested", requested)
          .put("covered", covered)
          .put("pieces", pieces)
          .put("keys", keysMember)
          .put("exported_at", PackageReport.time(Instant.now(clock)))
          .put("exported_by", exportedBy);
      statements.forEach(d::put);
      return d.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
