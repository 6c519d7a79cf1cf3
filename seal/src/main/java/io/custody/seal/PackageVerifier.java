package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyUnwrapException;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signatures;
import io.custody.json.Json;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a disclosure package (docs/FORMAT.md §12) with the device's public key only, and, given
 * the key that opens it, decrypts the excerpt as one fragmented MP4. What it proves: the recording,
 * device and operator; which fragments of which segments, contiguous, and the exact span they
 * cover; whether the excerpt starts or ends the recording; and that the description's claims match
 * all of that. Any altered, added, removed or reordered record fails, located where the device's
 * signed hashes allow. Streaming, one pass; memory holds one record and 33 bytes per record of a
 * segment. Thread-safe (no state).
 */
public final class PackageVerifier {
  private final DevicePublicKey device;
  private final SignatureVerifier signatures;

  public PackageVerifier(DevicePublicKey device) {
    this.device = device;
    this.signatures = Signatures.verifier(device);
  }

  /** Verifies the package in {@code file}. */
  public PackageReport verify(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return verify(in);
    }
  }

  /** Verifies the package read from {@code in} (to its end; not closed). */
  public PackageReport verify(InputStream in) throws IOException {
    try {
      return new Run(in, null, null).run();
    } catch (DecryptionException e) {
      throw new IllegalStateException("nothing is decrypted without a key", e);
    }
  }

  /**
   * Verifies the package and gives its plaintext to {@code sink}: the first segment's init part,
   * then the media of every fragment in order. The plaintext is proven only if the report returned
   * is {@link PackageReport#ok()}: a caller keeps it provisional (a temporary file) until then.
   *
   * @param key the recipient's private key when the content keys are wrapped; empty for a package
   *     with open keys
   * @throws DecryptionException if the package is not for this key (or needs one), a content key
   *     fails its header's commitment, a record fails authentication, or segments with different
   *     init parts cannot be joined into one MP4
   */
  public PackageReport decrypt(InputStream in, Optional<RecipientPrivateKey> key, SegmentDecryptor.Sink sink)
      throws IOException, DecryptionException {
    return new Run(in, key.orElse(null), java.util.Objects.requireNonNull(sink)).run();
  }

  /** A problem found: verification stops there. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient PackageReport.Problem problem;

    Refused(PackageReport.Problem problem) {
      super(problem.message(), null, false, false);
      this.problem = problem;
    }
  }

  /** What one piece proved. */
  private record Proven(SegmentHeader header, List<String> chains, Map<String, Object> descriptor, String keyId,
      int firstFragment,
      int lastFragment, FragmentInfoRecord first, FragmentInfoRecord last, boolean endsSegment,
      boolean lastOfRecording) {}

  private final class Run {
    private final DataInputStream in;
    private final RecipientPrivateKey key;
    private final SegmentDecryptor.Sink sink;
    private final MessageDigest digest = sha256();
    private int piece = -1;
    private int segment = -1;
    private Map<String, Object> description = Map.of();
    private final List<Proven> proven = new ArrayList<>();
    /** The first segment's sample descriptions: the later ones' must equal them. */
    private byte[] firstInit;

    /** Every byte read so far, for the trailing SHA-256. */
    private final java.security.DigestInputStream whole;

    Run(InputStream in, RecipientPrivateKey key, SegmentDecryptor.Sink sink) {
      this.whole = new java.security.DigestInputStream(new BufferedInputStream(in, 1 << 16), sha256());
      this.in = new DataInputStream(whole);
      this.key = key;
      this.sink = sink;
    }

    private Refused refuse(int record, String check, String message) {
      return new Refused(new PackageReport.Problem(piece, segment, record, check, message));
    }

    PackageReport run() throws IOException, DecryptionException {
      try {
        readPackage();
        return report(Optional.empty());
      } catch (Refused r) {
        return report(Optional.of(r.problem));
      } catch (EOFException e) {
        return report(Optional.of(new PackageReport.Problem(piece, segment, -1, "truncated",
            "the package ends early")));
      }
    }

    private PackageReport report(Optional<PackageReport.Problem> problem) {
      List<PackageReport.Piece> pieces = new ArrayList<>();
      for (Proven p : proven) {
        pieces.add(new PackageReport.Piece(p.header().segmentIndex(), p.firstFragment(), p.lastFragment(),
            p.firstFragment() == 0, p.endsSegment(), p.header().sha256Hex(), p.chains()));
      }
      Proven a = proven.isEmpty() ? null : proven.get(0);
      Proven z = proven.isEmpty() ? null : proven.get(proven.size() - 1);
      boolean complete = problem.isEmpty() && a != null;
      return new PackageReport(problem,
          a == null ? "" : a.header().recordingId(),
          a == null ? "" : String.valueOf(a.descriptor().get("device_id")),
          a == null ? "" : String.valueOf(a.descriptor().get("operator_id")),
          a == null ? "" : a.header().deviceKeyIdHex(),
          pieces,
          complete ? Optional.of(Instant.ofEpochMilli(a.first().wallClockMillis())) : Optional.empty(),
          complete ? Optional.of(wallEnd(z.last())) : Optional.empty(),
          complete ? Optional.of(PackageFormat.seconds(a.first().videoDecodeTime(), a.first().videoTimescale()))
              : Optional.empty(),
          complete ? Optional.of(PackageFormat.seconds(z.last().videoDecodeTime() + z.last().videoDuration(),
              z.last().videoTimescale())) : Optional.empty(),
          complete && a.header().segmentIndex() == 0 && a.firstFragment() == 0,
          complete && z.lastOfRecording(),
          a == null || a.keyId() == null ? Optional.empty() : Optional.of(a.keyId()),
          description);
    }

    private void readPackage() throws IOException, Refused, DecryptionException {
      byte[] magic = new byte[8];
      int got = in.readNBytes(magic, 0, 8);
      if (got < 8 || !Arrays.equals(magic, PackageFormat.MAGIC)) {
        throw refuse(-1, "magic", "not a Custody disclosure package (no CSTDYPKG magic)");
      }
      int version = in.readUnsignedShort();
      if (version != PackageFormat.VERSION) {
        throw refuse(-1, "version", "package format version " + version + " (this verifier reads 1)");
      }
      long length = in.readInt() & 0xffffffffL;
      if (length > PackageFormat.MAX_DESCRIPTION) {
        throw refuse(-1, "description", "the description claims " + length + " bytes");
      }
      byte[] json = readExactly((int) length);
      Object parsed;
      try {
        parsed = Json.parse(json);
      } catch (RuntimeException e) {
        throw refuse(-1, "description", "the description is not JSON: " + e.getMessage());
      }
      if (!(parsed instanceof Map<?, ?> map)) {
        throw refuse(-1, "description", "the description is not a JSON object");
      }
      Map<String, Object> d = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        if (v != null) {
          d.put((String) k, v);
        }
      });
      description = d;
      int count = in.readUnsignedShort();
      if (count == 0) {
        throw refuse(-1, "pieces", "the package holds no piece");
      }
      for (piece = 0; piece < count; piece++) {
        segment = -1;
        readPiece();
      }
      piece = -1;
      segment = -1;
      checkDescription(map);
      byte[] computed = whole.getMessageDigest().digest();
      byte[] trailer = new byte[HASH];
      int n = in.readNBytes(trailer, 0, HASH);
      if (n < HASH) {
        throw new EOFException();
      }
      if (in.read() >= 0) {
        throw refuse(-1, "trailing", "bytes follow the package's trailing SHA-256");
      }
      if (!MessageDigest.isEqual(computed, trailer)) {
        throw refuse(-1, "checksum", "the package's bytes do not match its trailing SHA-256: damaged (every record"
            + " and claim checked out, so the change is in a left-out record's kind, a wrapped key or an unproven"
            + " field of the description)");
      }
    }

    /**
     * Reads {@code length} bytes into {@code buf}, growing it (doubling) only as the bytes arrive:
     * a length field is a claim, and may not size an allocation before the input has shown it.
     */
    private byte[] readBody(byte[] buf, int length) throws IOException {
      int filled = 0;
      while (filled < length) {
        if (filled == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length + 4096));
        }
        int r = in.read(buf, filled, Math.min(length, buf.length) - filled);
        if (r < 0) {
          throw new EOFException();
        }
        filled += r;
      }
      return buf;
    }

    private byte[] readExactly(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new EOFException();
      }
      return b;
    }

    private void readPiece() throws IOException, Refused, DecryptionException {
      // The header, its signature, and the chain's start (docs/FORMAT.md §3.1, §5).
      byte[] prefix = readExactly(16);
      if (!Arrays.equals(prefix, 0, 8, MAGIC, 0, 8)) {
        throw refuse(-1, "header", "the piece does not start with a segment header");
      }
      SegmentHeader h;
      try {
        int length = SegmentHeader.declaredLength(prefix);
        byte[] rest = readExactly(length - 16);
        byte[] all = Arrays.copyOf(prefix, length);
        System.arraycopy(rest, 0, all, 16, rest.length);
        h = SegmentHeader.parse(all);
      } catch (SealedFormatException e) {
        throw refuse(-1, "header", "the segment header is malformed: " + e.getMessage());
      }
      segment = h.segmentIndex();
      if (!Arrays.equals(h.deviceKeyId(), device.keyId())) {
        throw refuse(-1, "device-key", "sealed by device key " + h.deviceKeyIdHex() + ", not by the key given ("
            + device.keyIdHex() + ")");
      }
      if (h.suite() != device.suite()) {
        throw refuse(-1, "suite", "the header names suite " + h.suite().code() + " (" + h.suite().id()
            + "), but device key " + device.keyIdHex() + " signs " + device.suite().id());
      }
      byte[] signed = SegmentHeader.signedPart(h.bytes(), h.signatureOffset());
      if (!signatures.verify(signed, 0, signed.length, h.bytes(), h.signatureOffset())) {
        throw refuse(-1, "header-signature", "the header signature is not valid");
      }
      Map<String, Object> descriptor = descriptor(h);
      if (!proven.isEmpty()) {
        Proven before = proven.get(proven.size() - 1);
        if (!h.recordingId().equals(before.header().recordingId())) {
          throw refuse(-1, "recording", "segment of recording " + h.recordingId() + " after one of "
              + before.header().recordingId());
        }
        if (h.segmentIndex() != before.header().segmentIndex() + 1
            || !before.header().sha256Hex().equals(descriptor.get("previous_header_sha256"))) {
          throw refuse(-1, "contiguity", "does not follow segment " + before.header().segmentIndex()
              + " (its header names another predecessor, or the index is not the next)");
        }
        if (!before.endsSegment() || before.lastOfRecording()) {
          throw refuse(-1, "contiguity", "the piece before does not reach the end of segment "
              + before.header().segmentIndex() + ": the fragments are not contiguous");
        }
      }
      // The content key.
      int mode = in.readUnsignedByte();
      String keyId;
      byte[] contentKey = null;
      if (mode == PackageFormat.KEY_WRAPPED) {
        byte[] id = readExactly(32);
        int n = in.readUnsignedShort();
        if (n > PackageFormat.MAX_WRAPPED) {
          throw refuse(-1, "key", "a wrapped key of " + n + " bytes");
        }
        byte[] wrapped = readExactly(n);
        keyId = hex(id);
        if (sink != null) {
          if (key == null) {
            throw new DecryptionException(DecryptionException.Reason.NOT_A_RECIPIENT,
                "the package's keys are wrapped to recipient " + keyId + ": its private key is needed");
          }
          if (!Arrays.equals(key.publicKey().keyId(), id)) {
            throw new DecryptionException(DecryptionException.Reason.NOT_A_RECIPIENT,
                "the package is for recipient " + keyId + ", not for key " + key.publicKey().keyIdHex());
          }
          try {
            contentKey = KeyWrap.unwrap(key, wrapped, PackageFormat.wrapInfo(h.recordingIdBytes(), h.segmentIndex()));
          } catch (KeyUnwrapException e) {
            throw new DecryptionException(DecryptionException.Reason.KEY_UNWRAP_FAILED,
                "segment " + h.segmentIndex() + "'s content key does not unwrap with key " + key.publicKey().keyIdHex(), e);
          }
        }
      } else if (mode == PackageFormat.KEY_OPEN) {
        keyId = null;
        contentKey = readExactly(32);
      } else {
        throw refuse(-1, "key", "unknown key block " + mode);
      }
      RecordCipher cipher = null;
      if (contentKey != null) {
        try {
          cipher = RecordCipher.open(contentKey, h);
        } catch (DecryptionException e) {
          if (sink != null) {
            throw e;
          }
          throw refuse(-1, "key-commitment", "the open content key is not the one the signed header commits to");
        } finally {
          Arrays.fill(contentKey, (byte) 0);
        }
      }
      if (!proven.isEmpty() && !java.util.Objects.equals(keyId, proven.get(0).keyId())) {
        throw refuse(-1, "key", "its key is not for the same recipient as the first piece's");
      }
      readRecords(h, descriptor, keyId, sink == null ? null : cipher);
    }

    private Map<String, Object> descriptor(SegmentHeader h) throws Refused {
      try {
        Object o = Json.parse(h.descriptorJson());
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<?, ?>) o).forEach((k, v) -> m.put((String) k, v));
        return m;
      } catch (RuntimeException e) {
        throw refuse(-1, "header", "the signed descriptor is not a JSON object");
      }
    }

    /**
     * The records of one piece: the chain from the header through every record, included or left
     * out, to the closing CHECKPOINT or MANIFEST, whose signature proves them all.
     */
    private void readRecords(SegmentHeader h, Map<String, Object> descriptor, String keyId, RecordCipher cipher)
        throws IOException, Refused, DecryptionException {
      byte[] chain = new byte[HASH];
      digest.update(CHAIN_PREFIX);
      digest.update(h.bytes());
      finish(chain);
      // per position: its kind, its hash, and the chain value before it
      byte[] kinds = new byte[256];
      int[] lengths = new int[256]; // body lengths of whole records
      byte[] hashes = new byte[256 * HASH];
      List<int[]> checkpoints = new ArrayList<>(); // whole CHECKPOINTs: {position}
      List<byte[]> checkpointBodies = new ArrayList<>();
      byte[] framing = new byte[FRAMING];
      byte[] body = new byte[FRAMING];
      byte[] plaintext = cipher == null ? null : new byte[h.maxRecordPlaintext()];
      int counter = 0;
      int firstFragment = -1;
      int lastFragment = -1;
      FragmentInfoRecord first = null;
      FragmentInfoRecord last = null;
      List<String> chains = new ArrayList<>(); // the chain after each whole FRAGMENT_INFO
      int dataFrom = -1; // the first whole DATA/DATA_END not yet claimed by a FRAGMENT_INFO
      boolean allWholeSince = false; // every position from dataFrom on is whole
      int nextTag = -1; // a tag read after a CHECKPOINT to see whether it closes the piece
      for (int p = 0; ; p++) {
        int tag = nextTag >= 0 ? nextTag : in.readUnsignedByte();
        nextTag = -1;
        if (tag == PackageFormat.ITEM_END) {
          throw refuse(p - 1, "closing", "the piece does not end with the CHECKPOINT or MANIFEST that signs it");
        }
        if (p >= PackageFormat.MAX_POSITIONS) {
          throw refuse(p, "records", "more than " + PackageFormat.MAX_POSITIONS + " records");
        }
        if (p == kinds.length) {
          kinds = Arrays.copyOf(kinds, 2 * p);
          lengths = Arrays.copyOf(lengths, 2 * p);
          hashes = Arrays.copyOf(hashes, 2 * p * HASH);
        }
        byte[] chainBefore = chain.clone();
        if (tag == PackageFormat.ITEM_OMITTED) {
          int kind = in.readUnsignedByte();
          if (p == 0) {
            throw refuse(0, "init", "the INIT record is left out");
          }
          if (!isEncrypted(kind) && kind != KIND_FRAGMENT_INFO && kind != KIND_CHECKPOINT) {
            throw refuse(p, "kind", "a left-out record of " + kindName(kind));
          }
          kinds[p] = (byte) kind;
          in.readFully(hashes, p * HASH, HASH);
          if (dataFrom >= 0) {
            allWholeSince = false;
          }
          if (isEncrypted(kind)) {
            counter++;
          }
          digest.update(chain);
          digest.update(hashes, p * HASH, HASH);
          finish(chain);
          continue;
        }
        if (tag != PackageFormat.ITEM_RECORD) {
          throw refuse(p, "item", "unknown item " + tag);
        }
        in.readFully(framing);
        int kind = framing[0] & 0xff;
        int seq = getInt(framing, 1);
        long length = getUnsignedInt(framing, 5);
        if (seq != p) {
          throw refuse(p, "seq", "record " + p + " has seq " + Integer.toUnsignedString(seq)
              + ": records were removed, added or reordered");
        }
        long max = isEncrypted(kind) ? (long) h.maxRecordPlaintext() + TAG
            : kind == KIND_MANIFEST ? RecordReader.MAX_MANIFEST
            : kind == KIND_FRAGMENT_INFO ? FRAGMENT_INFO_LENGTH
            : kind == KIND_CHECKPOINT ? CHECKPOINT_FIXED + (long) HASH * MAX_CHECKPOINT_HASHES : -1;
        if (max < 0 || length > max || (isEncrypted(kind) && length < TAG)
            || (kind == KIND_FRAGMENT_INFO && length != FRAGMENT_INFO_LENGTH)) {
          throw refuse(p, "record", kindName(kind) + " record of " + length + " bytes");
        }
        if ((p == 0) != (kind == KIND_INIT)) {
          throw refuse(p, "order", p == 0 ? "the first record is not INIT" : "a second INIT record");
        }
        body = readBody(body, (int) length);
        int n = (int) length;
        kinds[p] = (byte) kind;
        lengths[p] = n;
        digest.update(framing);
        digest.update(body, 0, n);
        finish(hashes, p * HASH);
        digest.update(chain);
        digest.update(hashes, p * HASH, HASH);
        finish(chain);
        if (isEncrypted(kind)) {
          if (cipher != null) {
            int len = cipher.decrypt(kind, p, counter, framing, 0, body, 0, n, plaintext, 0);
            if (kind == KIND_INIT) {
              byte[] descriptions = Exporter.sampleDescriptions(Arrays.copyOf(plaintext, len));
              if (firstInit == null) {
                firstInit = descriptions;
                sink.init(plaintext, 0, len);
              } else if (!Arrays.equals(firstInit, descriptions)) {
                throw new DecryptionException(DecryptionException.Reason.PLAINTEXT_MISMATCH,
                    "segment " + h.segmentIndex() + " has other sample descriptions (stsd) than the first: its"
                        + " fragments cannot be joined into one MP4");
              }
            } else if (kind == KIND_DATA || kind == KIND_DATA_END) {
              sink.media(plaintext, 0, len);
            }
          }
          counter++;
          if (kind == KIND_DATA || kind == KIND_DATA_END) {
            if (dataFrom < 0) {
              dataFrom = p;
              allWholeSince = true;
            }
          } else if (kind == KIND_END && dataFrom >= 0) {
            throw refuse(p, "order", "END inside a fragment");
          }
          continue;
        }
        if (kind == KIND_FRAGMENT_INFO) {
          FragmentInfoRecord f = FragmentInfoRecord.decode(body, 0);
          if (lastFragment >= 0 && f.index() != lastFragment + 1) {
            throw refuse(p, "fragments", "fragment " + f.index() + " follows fragment " + lastFragment
                + ": the run is not contiguous");
          }
          // Its records, first_seq to here, must all be in the package, DATA then one DATA_END.
          if (dataFrom < 0 || !allWholeSince || f.firstSeq() != dataFrom || (kinds[p - 1] & 0xff) != KIND_DATA_END) {
            throw refuse(p, "fragments", "fragment " + f.index() + "'s records (from " + f.firstSeq()
                + ") are not all in the package");
          }
          long size = 0;
          for (int q = dataFrom; q < p; q++) {
            if ((kinds[q] & 0xff) != (q == p - 1 ? KIND_DATA_END : KIND_DATA)) {
              throw refuse(q, "order", "record " + q + " of fragment " + f.index() + " is " + kindName(kinds[q] & 0xff));
            }
            size += lengths[q] - TAG;
          }
          if (f.plaintextLength() != size) {
            throw refuse(p, "fragments", "fragment " + f.index() + " claims " + f.plaintextLength()
                + " bytes, its records hold " + size);
          }
          if (firstFragment < 0) {
            firstFragment = f.index();
            first = f;
          }
          lastFragment = f.index();
          last = f;
          chains.add(hex(chain));
          dataFrom = -1;
          allWholeSince = false;
          continue;
        }
        if (dataFrom >= 0) {
          throw refuse(p, "order", kindName(kind) + " inside a fragment");
        }
        if (kind == KIND_CHECKPOINT) {
          checkpoints.add(new int[] {p});
          checkpointBodies.add(Arrays.copyOf(body, n));
          int count = getInt(body, 4);
          if (n != CHECKPOINT_FIXED + (long) HASH * Integer.toUnsignedLong(count)) {
            throw refuse(p, "checkpoint", "a CHECKPOINT body of " + n + " bytes for " + Integer.toUnsignedString(count)
                + " hashes");
          }
          if (!Arrays.equals(body, 8 + HASH * count, 8 + HASH * count + HASH, chainBefore, 0, HASH)) {
            throw locate(p, kinds, hashes, checkpoints, checkpointBodies, null, "the chain does not reach the value"
                + " CHECKPOINT " + p + " holds");
          }
        }
        if (kind == KIND_CHECKPOINT || kind == KIND_MANIFEST) {
          int t = in.readUnsignedByte();
          if (t != PackageFormat.ITEM_END) {
            if (kind == KIND_MANIFEST) {
              throw refuse(p, "closing", "records follow the MANIFEST");
            }
            nextTag = t;
            continue;
          }
          // the closing record: its signature proves every record before it
          if (firstFragment < 0) {
            throw refuse(p, "fragments", "the piece holds no fragment");
          }
          boolean ends = false;
          boolean lastOfRecording = false;
          if (kind == KIND_CHECKPOINT) {
            int fragments = getInt(body, 0);
            int count = getInt(body, 4);
            byte[] message = Manifests.checkpointMessageBuffer();
            int m = Manifests.checkpointMessage(message, h.recordingIdBytes(), h.segmentIndex(), p, fragments, chainBefore);
            if (!signatures.verify(message, 0, m, body, 8 + HASH * count + HASH)) {
              throw refuse(p, "checkpoint-signature", "the signature of CHECKPOINT " + p + " is not valid");
            }
            if (Integer.toUnsignedLong(fragments) <= lastFragment) {
              throw refuse(p, "checkpoint", "CHECKPOINT " + p + " counts " + fragments + " fragments, the package holds"
                  + " fragment " + lastFragment);
            }
          } else if (kind == KIND_MANIFEST) {
            if (n < SIGNATURE) {
              throw refuse(p, "manifest", "a MANIFEST of " + n + " bytes");
            }
            byte[] json = Arrays.copyOf(body, n - SIGNATURE);
            byte[] message = Manifests.manifestMessage(chainBefore, json);
            if (!signatures.verify(message, 0, message.length, body, n - SIGNATURE)) {
              throw locate(p, kinds, hashes, checkpoints, checkpointBodies, json,
                  "the MANIFEST's signature does not hold over the chain the records give");
            }
            SegmentManifest manifest;
            try {
              manifest = SegmentManifest.parse(json);
            } catch (RuntimeException e) {
              throw refuse(p, "manifest", "the signed manifest does not parse: " + e.getMessage());
            }
            if (manifest.records() != p || !manifest.chainSha256().equals(hex(chainBefore))
                || !manifest.recordingId().equals(h.recordingId()) || manifest.segmentIndex() != h.segmentIndex()) {
              throw refuse(p, "manifest", "the signed manifest does not describe this segment at this place");
            }
            ends = manifest.fragments().size() == lastFragment + 1;
            lastOfRecording = ends && (manifest.lastInRecording() || manifest.recovered());
            if (ends && !manifest.recovered() && (kinds[p - 1] & 0xff) != KIND_END) {
              throw refuse(p, "order", "no END record before the MANIFEST");
            }
          } else {
            throw refuse(p, "closing", "the piece ends with " + kindName(kind) + ", not with a signed record");
          }
          proven.add(new Proven(h, chains, descriptor, keyId, firstFragment, lastFragment, first, last, ends,
              lastOfRecording));
          return;
        }
      }
    }


    /**
     * A chain that does not reach a signed value: names the first record whose hash differs from the
     * one a whole CHECKPOINT (or the MANIFEST's tail) lists for it.
     */
    private Refused locate(int p, byte[] kinds, byte[] hashes, List<int[]> checkpoints, List<byte[]> bodies,
        byte[] manifestJson, String message) {
      List<int[]> ranges = new ArrayList<>();
      List<byte[]> lists = new ArrayList<>();
      for (int i = 0; i < checkpoints.size(); i++) {
        byte[] b = bodies.get(i);
        int count = getInt(b, 4);
        ranges.add(new int[] {checkpoints.get(i)[0] - count, checkpoints.get(i)[0]});
        lists.add(Arrays.copyOfRange(b, 8, 8 + HASH * count));
      }
      if (manifestJson != null) {
        try {
          byte[] tail = SegmentManifest.parse(manifestJson).tailRecordHashes();
          ranges.add(new int[] {p - tail.length / HASH, p});
          lists.add(tail);
        } catch (RuntimeException e) {
          // no list to compare with
        }
      }
      for (int i = 0; i < ranges.size(); i++) {
        int from = ranges.get(i)[0];
        for (int q = Math.max(0, from); q < ranges.get(i)[1]; q++) {
          if (!Arrays.equals(lists.get(i), (q - from) * HASH, (q - from + 1) * HASH, hashes, q * HASH, (q + 1) * HASH)) {
            return refuse(q, "chain", kindName(kinds[q] & 0xff) + " record " + q + " is not the one the device signed"
                + " (altered, replaced or moved)");
          }
        }
      }
      return refuse(p, "chain", message);
    }

    private void checkDescription(Map<?, ?> d) throws Refused {
      Proven a = proven.get(0);
      Proven z = proven.get(proven.size() - 1);
      if (!PackageFormat.DESCRIPTION_FORMAT.equals(d.get("format"))) {
        throw refuse(-1, "description", "the description's format is not " + PackageFormat.DESCRIPTION_FORMAT);
      }
      claim(d, "recording_id", a.header().recordingId());
      claim(d, "device_key_id", a.header().deviceKeyIdHex());
      claim(d, "device_id", a.descriptor().get("device_id"));
      claim(d, "operator_id", a.descriptor().get("operator_id"));
      List<Object> pieces = new ArrayList<>();
      for (Proven p : proven) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segment_index", (long) p.header().segmentIndex());
        m.put("first_fragment", (long) p.firstFragment());
        m.put("last_fragment", (long) p.lastFragment());
        pieces.add(m);
      }
      claim(d, "pieces", pieces);
      Map<String, Object> keys = new LinkedHashMap<>();
      if (a.keyId() != null) {
        keys.put("recipient_key_id", a.keyId());
      } else {
        keys.put("open", true);
      }
      claim(d, "keys", keys);
      Instant from = Instant.ofEpochMilli(a.first().wallClockMillis());
      Instant to = wallEnd(z.last());
      BigDecimal fromSeconds = PackageFormat.seconds(a.first().videoDecodeTime(), a.first().videoTimescale());
      BigDecimal toSeconds = PackageFormat.seconds(z.last().videoDecodeTime() + z.last().videoDuration(),
          z.last().videoTimescale());
      Map<String, Object> covered = new LinkedHashMap<>();
      covered.put("from", PackageReport.time(from));
      covered.put("to", PackageReport.time(to));
      covered.put("from_seconds", fromSeconds.toPlainString());
      covered.put("to_seconds", toSeconds.toPlainString());
      claim(d, "covered", covered);
      if (!(d.get("requested") instanceof Map<?, ?> requested)) {
        throw refuse(-1, "description", "the description does not say what span was asked for");
      }
      ExcerptBound f;
      ExcerptBound t;
      try {
        f = ExcerptBound.parse(String.valueOf(requested.get("from")));
        t = ExcerptBound.parse(String.valueOf(requested.get("to")));
      } catch (IllegalArgumentException e) {
        throw refuse(-1, "description", "the span asked for does not parse: " + e.getMessage());
      }
      // The excerpt runs from the fragment that holds the start asked for (or the keyframe before
      // it) to the one that holds its end: what was asked for lies within what is proven.
      if (!within(f, a.first(), z.last(), true) || !within(t, a.first(), z.last(), false)) {
        throw refuse(-1, "description", "the description says the span asked for was " + f + " to " + t
            + ", but the records hold " + PackageReport.time(from) + " to " + PackageReport.time(to) + " ("
            + fromSeconds.toPlainString() + " s to " + toSeconds.toPlainString() + " s)");
      }
    }

    private boolean within(ExcerptBound b, FragmentInfoRecord first, FragmentInfoRecord last, boolean start) {
      if (b.instant().isPresent()) {
        Instant i = b.instant().get();
        boolean afterStart = !i.isBefore(Instant.ofEpochMilli(first.wallClockMillis()));
        boolean beforeEnd = start ? i.isBefore(wallEnd(last)) : !i.isBefore(Instant.ofEpochMilli(last.wallClockMillis()));
        return (afterStart || (start && first.index() == 0)) && beforeEnd;
      }
      BigDecimal s = b.secondsFromStart().orElseThrow();
      boolean afterStart = PackageFormat.compareSeconds(s, first.videoDecodeTime(), first.videoTimescale()) >= 0;
      boolean beforeEnd = start
          ? PackageFormat.compareSeconds(s, last.videoDecodeTime() + last.videoDuration(), last.videoTimescale()) < 0
          : PackageFormat.compareSeconds(s, last.videoDecodeTime(), last.videoTimescale()) >= 0;
      return afterStart && beforeEnd;
    }

    private void claim(Map<?, ?> d, String name, Object proven) throws Refused {
      Object said = d.get(name);
      if (!java.util.Objects.equals(proven, said)) {
        throw refuse(-1, "description", "the description says " + name + " is " + Json.write(said)
            + ", the records prove " + Json.write(proven));
      }
    }

    private void finish(byte[] into) {
      finish(into, 0);
    }

    private void finish(byte[] into, int at) {
      try {
        digest.digest(into, at, HASH);
      } catch (java.security.DigestException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Instant wallEnd(FragmentInfoRecord f) {
    return PackageFormat.wallEnd(Instant.ofEpochMilli(f.wallClockMillis()), f.videoDuration(), f.videoTimescale());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
