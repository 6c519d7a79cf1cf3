package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signatures;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a sealed segment with the device's public key only (docs/FORMAT.md §7): structure,
 * header signature, hash chain, signed checkpoints, fragment table and the signed manifest. No
 * key that decrypts is needed, so custodians and auditors can run it on stored evidence.
 *
 * <p>The report names the first failed check and the record where it was found, and how many
 * fragments are still proven by a valid signature before it. Reading is streaming with bounded
 * memory. Thread-safe (no state).
 */
public final class Verifier {
  /** The descriptor members the manifest repeats (FORMAT.md §3.1), which must be equal in both. */
  private static final List<String> DESCRIPTOR_MEMBERS = List.of("device_id", "operator_id", "trigger",
      "previous_recording_id", "previous_header_sha256", "frames_lost");

  /** Checkpoint signatures held back at most (an hour of 1 s fragments is 3,600). */
  private static final int MAX_UNCHECKED = 4096;

  private final DevicePublicKey deviceKey;
  private final SignatureVerifier signatures;

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Verifier(DevicePublicKey deviceKey) {
    this.deviceKey = deviceKey;
    this.signatures = Signatures.verifier(deviceKey);
  }

  /** Verifies the segment in {@code file}. */
  public VerificationReport verify(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return verify(in);
    }
  }

  /**
   * Verifies the segments of one recording, given in any order: each must verify, all must name
   * the same recording, be numbered 0 to n−1 without gaps or repeats, name their predecessor's
   * header hash, and the last must be marked last in its recording (or recovered).
   */
  public RecordingReport verifyRecording(List<Path> segmentFiles) throws IOException {
    List<VerificationReport> reports = new ArrayList<>();
    for (Path p : segmentFiles) {
      reports.add(verify(p));
    }
    return checkRecording(reports);
  }

  /**
   * The recording-level checks of {@link #verifyRecording} over segments already verified one by
   * one (e.g. read from a store as streams), in any order.
   */
  public static RecordingReport checkRecording(List<VerificationReport> segmentReports) {
    List<VerificationReport> reports = new ArrayList<>(segmentReports);
    reports.sort(java.util.Comparator.comparingInt(
        r -> r.header().map(SegmentHeader::segmentIndex).orElse(Integer.MAX_VALUE)));
    String id = reports.stream().flatMap(r -> r.header().stream()).map(SegmentHeader::recordingId)
        .findFirst().orElse("");
    String problem = null;
    SegmentManifest previous = null;
    String previousHeader = null;
    for (int i = 0; i < reports.size() && problem == null; i++) {
      VerificationReport r = reports.get(i);
      if (r.status() != VerificationReport.Status.COMPLETE) {
        problem = "segment " + r.header().map(h -> String.valueOf(h.segmentIndex())).orElse("?")
            + " does not verify: " + r.problem().orElseThrow();
        break;
      }
      SegmentManifest m = r.manifest().orElseThrow();
      if (!m.recordingId().equals(id)) {
        problem = "segment " + m.segmentIndex() + " belongs to recording " + m.recordingId() + ", not " + id;
      } else if (m.segmentIndex() != i) {
        problem = m.segmentIndex() < i ? "segment " + m.segmentIndex() + " appears twice"
            : "segment " + i + " is missing";
      } else if (!m.previousHeaderSha256().equals(Optional.ofNullable(previousHeader))) {
        problem = "segment " + i + " does not follow the segment " + (i - 1) + " given: the chain of"
            + " manifests is broken (a segment was replaced or removed)";
      } else if (previous != null && previous.lastInRecording()) {
        problem = "segment " + i + " follows a segment that ended the recording";
      }
      previous = m;
      previousHeader = r.header().orElseThrow().sha256Hex();
    }
    if (problem == null && previous != null && !previous.lastInRecording() && !previous.recovered()) {
      problem = "the recording's last segment is missing: segment " + previous.segmentIndex()
          + " is not marked last";
    }
    if (problem == null && reports.isEmpty()) {
      problem = "no segments";
    }
    return new RecordingReport(id, reports, Optional.ofNullable(problem));
  }

  /** Verifies the segment read from {@code in} to its end (the stream is not closed). */
  public VerificationReport verify(InputStream in) throws IOException {
    return verify(in, null);
  }

  /** As {@link #verify(InputStream)}, telling {@code listener} (if any) what it reads as it goes. */
  VerificationReport verify(InputStream in, RecordListener listener) throws IOException {
    return new Run(new RecordReader(in), listener).run();
  }

  /** What a one-pass reader ({@link SegmentDecryptor}) is shown of a segment while it is verified. */
  interface RecordListener {
    /** The header, once its signature has been verified. */
    void header(SegmentHeader header) throws IOException;

    /**
     * An encrypted record (INIT, DATA, DATA_END or END) at byte {@code offset}, in order, once its
     * place and size have been checked; {@code framing} and {@code body} are reused after the call.
     */
    void encrypted(int kind, int seq, long offset, byte[] framing, byte[] body, int bodyLength) throws IOException;
  }

  /** A checkpoint's signed message and signature, kept until {@link Run#checkedSignatures} needs them. */
  private static final class CheckpointSignature {
    final byte[] message;
    final byte[] signature;
    final int seq;
    final long offset;
    /** Fragments it proves once its signature is checked; -1 while (or if) its other checks fail. */
    int fragments = -1;

    CheckpointSignature(byte[] message, byte[] signature, int seq, long offset) {
      this.message = message;
      this.signature = signature;
      this.seq = seq;
      this.offset = offset;
    }
  }

  /** One verification pass. */
  private final class Run {
    private final RecordReader r;
    private final RecordListener listener;
    private SegmentHeader header;
    private Map<String, Object> descriptor;
    private SegmentManifest manifest;
    private int records;
    private int fragments;
    private int signedFragments;
    private final List<SegmentManifest.Fragment> table = new ArrayList<>();
    private final byte[] message = Manifests.checkpointMessageBuffer();
    // Hashes (and offsets) of the records since the last checkpoint, and the chain value there.
    private byte[] pending = new byte[HASH * 64];
    private long[] pendingOffsets = new long[64];
    private int pendingCount;
    private int pendingFirstSeq;
    private final byte[] anchor = new byte[HASH];
    // Seq of the last checkpoint (0 before the first): where the next list of hashes starts.
    private int anchorSeq;
    private final MessageDigest sha = sha256();
    // A structural mismatch held until the next signature can name an earlier altered record.
    private VerificationReport.Problem deferred;
    private boolean headerVerified;
    // Checkpoint signatures not checked yet (see checkedSignatures).
    private final List<CheckpointSignature> unchecked = new ArrayList<>();

    Run(RecordReader r, RecordListener listener) {
      this.r = r;
      this.listener = listener;
    }

    VerificationReport run() throws IOException {
      VerificationReport.Problem p;
      try {
        p = check();
      } catch (SealedFormatException e) {
        // After the manifest only the footer is left: a problem there belongs to no record.
        p = new VerificationReport.Problem(
            e.reason() == SealedFormatException.Reason.TRUNCATED ? "truncated" : "format",
            header == null || manifest != null ? -1 : r.expectedSeq, Math.max(0, e.offset()), e.getMessage());
      }
      if (p != null) {
        p = checkedSignatures(p);
      }
      return new VerificationReport(status(p), Optional.ofNullable(p), Optional.ofNullable(header),
          Optional.ofNullable(p == null ? manifest : null), records, fragments, signedFragments, r.offset());
    }

    /**
     * Complete without a problem; unfinished when the only problem is that the segment stops (at a
     * record boundary or inside a record) after a verified header, before its manifest, with no
     * mismatch held back; else failed.
     */
    private VerificationReport.Status status(VerificationReport.Problem p) {
      if (p == null) {
        return VerificationReport.Status.COMPLETE;
      }
      boolean cut = p.check().equals("incomplete") || p.check().equals("truncated");
      return cut && headerVerified && manifest == null && deferred == null
          ? VerificationReport.Status.UNFINISHED : VerificationReport.Status.FAILED;
    }

    private VerificationReport.Problem problem(String check, int record, long offset, String message) {
      return new VerificationReport.Problem(check, record, offset, message);
    }

    private VerificationReport.Problem check() throws IOException {
      header = r.readHeader();
      System.arraycopy(r.chain, 0, anchor, 0, HASH);
      if (!Arrays.equals(header.deviceKeyId(), deviceKey.keyId())) {
        return problem("device-key", -1, 87, "sealed by device key " + header.deviceKeyIdHex()
            + ", not by the key given (" + deviceKey.keyIdHex() + ")");
      }
      if (header.suite() != deviceKey.suite()) {
        return problem("suite", -1, 10, "the header names suite " + header.suite().code() + " ("
            + header.suite().id() + "), but device key " + deviceKey.keyIdHex() + " signs " + deviceKey.suite().id());
      }
      byte[] signed = SegmentHeader.signedPart(header.bytes(), header.signatureOffset());
      if (!signatures.verify(signed, 0, signed.length, header.bytes(), header.signatureOffset())) {
        return problem("header-signature", -1, header.signatureOffset(), "the header signature is not valid");
      }
      try {
        descriptor = header.descriptorMembers();
      } catch (IllegalArgumentException e) {
        return problem("descriptor", -1, header.descriptorOffset(), e.getMessage());
      }
      headerVerified = true;
      if (listener != null) {
        listener.header(header);
      }
      long plaintext = 0;
      long initLength = -1;
      boolean fragmentOpen = false;
      boolean expectInfo = false;
      boolean ended = false;
      int firstSeq = -1;
      long fragmentOffset = 0;
      long fragmentLength = 0;
      int previousKind = -1;
      long manifestOffset = -1;
      while (r.next()) {
        int seq = r.expectedSeq - 1;
        long at = r.recordOffset;
        records = seq + 1;
        if (manifest != null) {
          return problem("after-manifest", seq, at, "a record follows the manifest");
        }
        if (r.seq != seq) {
          return problem("seq", seq, at, "record " + seq + " says it is record " + (r.seq & 0xffffffffL)
              + ": records were dropped, duplicated or reordered");
        }
        int kind = r.kind;
        if (isEncrypted(kind) && r.bodyLength < TAG) {
          return problem("record-size", seq, at, "encrypted record shorter than its tag");
        }
        if (expectInfo && kind != KIND_FRAGMENT_INFO) {
          return problem("order", seq, at, kindName(kind) + " where FRAGMENT_INFO must follow a DATA_END");
        }
        switch (kind) {
          case KIND_INIT:
            if (seq != 0) {
              return problem("order", seq, at, "INIT is not the first record");
            }
            initLength = (long) r.bodyLength - TAG;
            plaintext += initLength;
            encrypted(seq);
            break;
          case KIND_DATA:
          case KIND_DATA_END:
            if (seq == 0 || ended) {
              return problem("order", seq, at, kindName(kind) + (ended ? " after END" : " before INIT"));
            }
            if (kind == KIND_DATA && r.bodyLength - TAG != header.maxRecordPlaintext()) {
              return problem("record-size", seq, at, "a DATA record must carry exactly "
                  + header.maxRecordPlaintext() + " bytes");
            }
            if (!fragmentOpen) {
              fragmentOpen = true;
              firstSeq = seq;
              fragmentOffset = plaintext;
              fragmentLength = 0;
            }
            plaintext += r.bodyLength - TAG;
            fragmentLength += r.bodyLength - TAG;
            if (kind == KIND_DATA_END) {
              fragmentOpen = false;
              expectInfo = true;
            }
            encrypted(seq);
            break;
          case KIND_FRAGMENT_INFO: {
            if (!expectInfo) {
              return problem("order", seq, at, "FRAGMENT_INFO without a fragment before it");
            }
            expectInfo = false;
            FragmentInfoRecord info = FragmentInfoRecord.decode(r.body, 0);
            if ((!FragmentInfoRecord.wellFormed(r.body, 0, r.bodyLength)
                || !info.describes(fragments, firstSeq, fragmentOffset, fragmentLength))
                && deferred == null) {
              // Reported after the next signature: if a record before this one was altered or
              // removed, the signed record hashes name it, which says more than this mismatch.
              deferred = problem("fragment-info", seq, at, "fragment info disagrees with the records before it");
            }
            table.add(info.toFragment(seq, hex(r.chain)));
            fragments++;
            break;
          }
          case KIND_CHECKPOINT: {
            if (previousKind != KIND_FRAGMENT_INFO) {
              return problem("order", seq, at, "CHECKPOINT not right after a FRAGMENT_INFO");
            }
            byte[] b = r.body;
            int count = r.bodyLength >= CHECKPOINT_FIXED ? getInt(b, 4) : -1;
            if (count < 0 || count > MAX_CHECKPOINT_HASHES
                || r.bodyLength != CHECKPOINT_FIXED + count * HASH) {
              return problem("checkpoint-content", seq, at, "the checkpoint's length does not fit its hash count");
            }
            int chainAt = 8 + count * HASH;
            byte[] claimed = Arrays.copyOfRange(b, chainAt, chainAt + HASH);
            if (!Arrays.equals(chainThrough(b, 8, count), claimed)) {
              return problem("checkpoint-content", seq, at, "the checkpoint's record hashes do not lead to its chain");
            }
            // The device signed the position it wrote the checkpoint at: the previous checkpoint's
            // plus the records it lists. Checking the signature against that (not this position)
            // lets a dropped or inserted record be located below. The signature itself is checked
            // only if it is needed (checkedSignatures).
            int n = Manifests.checkpointMessage(message, header.recordingIdBytes(), header.segmentIndex(),
                anchorSeq + count, getInt(b, 0), claimed);
            CheckpointSignature cs = new CheckpointSignature(Arrays.copyOf(message, n),
                Arrays.copyOfRange(b, chainAt + HASH, chainAt + HASH + SIGNATURE), seq, at);
            unchecked.add(cs);
            VerificationReport.Problem altered = locate(b, 8, count, at);
            if (altered != null || deferred != null) {
              return altered != null ? altered : deferred;
            }
            if (getInt(b, 0) != fragments) {
              return problem("checkpoint-content", seq, at, "the checkpoint counts " + getInt(b, 0)
                  + " fragments, the records hold " + fragments);
            }
            cs.fragments = fragments;
            if (unchecked.size() == MAX_UNCHECKED) { // memory stays bounded in a segment of any length
              VerificationReport.Problem bad = checkedSignatures(null);
              if (bad != null) {
                return bad;
              }
              unchecked.clear();
            }
            anchorSeq = seq;
            System.arraycopy(claimed, 0, anchor, 0, HASH);
            pendingCount = 0;
            break;
          }
          case KIND_END:
            if (seq == 0 || fragmentOpen || ended) {
              return problem("order", seq, at, "END in the wrong place");
            }
            if (r.bodyLength != TAG) {
              return problem("record-size", seq, at, "END must carry no plaintext");
            }
            ended = true;
            encrypted(seq);
            break;
          case KIND_MANIFEST: {
            if (fragmentOpen) {
              return problem("order", seq, at, "MANIFEST inside a fragment");
            }
            int jsonLength = r.bodyLength - SIGNATURE;
            if (jsonLength <= 0) {
              return problem("record-size", seq, at, "MANIFEST too short");
            }
            byte[] json = Arrays.copyOf(r.body, jsonLength);
            SegmentManifest m;
            byte[] tail;
            try {
              m = SegmentManifest.parse(json);
              tail = m.tailRecordHashes();
            } catch (IllegalArgumentException e) {
              return problem("manifest-content", seq, at, e.getMessage());
            }
            byte[] claimed = chainThrough(tail, 0, tail.length / HASH);
            byte[] signedManifest = Manifests.manifestMessage(claimed, json);
            if (!hex(claimed).equals(m.chainSha256())
                || !signatures.verify(signedManifest, 0, signedManifest.length, r.body, jsonLength)) {
              return problem("manifest-signature", seq, at, "the manifest signature is not valid: it was"
                  + " altered or replaced");
            }
            VerificationReport.Problem altered = locate(tail, 0, tail.length / HASH, at);
            if (altered != null || deferred != null) {
              return altered != null ? altered : deferred;
            }
            String mismatch = compare(m, seq, plaintext, initLength);
            if (mismatch != null) {
              return problem("manifest-content", seq, at, mismatch);
            }
            if (!m.recovered() && (!ended || previousKind != KIND_END)) {
              return problem("end-missing", seq, at, "no END record before the manifest, and not marked recovered");
            }
            manifest = m;
            manifestOffset = at;
            signedFragments = fragments;
            // The manifest's signed chain covers every checkpoint record byte for byte: their
            // signatures are the device's own, and prove nothing the manifest does not.
            unchecked.clear();
            break;
          }
          default:
            return problem("format", seq, at, kindName(kind));
        }
        addPending(r.recordHash, at);
        previousKind = kind;
      }
      if (deferred != null) {
        return deferred;
      }
      if (manifest == null) {
        return problem("incomplete", r.expectedSeq, r.offset(), "the segment ends after record "
            + (r.expectedSeq - 1) + " without a manifest: cut short (run recover on the device)");
      }
      if (!r.footerSeen || r.footerManifestOffset != manifestOffset) {
        return problem("footer", -1, r.offset(), r.footerSeen
            ? "the footer does not point at the manifest" : "no footer after the manifest");
      }
      long trailing = r.trailingBytes();
      if (trailing > 0) {
        return problem("trailing-bytes", -1, r.offset() - trailing, trailing + " bytes follow the footer");
      }
      return null;
    }

    /**
     * Checks the checkpoint signatures held back, in order, once verification has stopped at
     * {@code p}: the first that is not valid is the first failure (it comes before {@code p}, or is
     * the checkpoint where {@code p} was found, whose signature FORMAT.md §7 checks before its
     * record hashes); else {@code p} stands. Either way the valid ones before the failure set how
     * many fragments are still proven. A segment whose manifest verifies skips them all: this is
     * what makes a whole segment cost two signature checks (header and manifest), not one per
     * fragment, and gives the same report as checking each checkpoint as it is read.
     */
    private VerificationReport.Problem checkedSignatures(VerificationReport.Problem p) {
      for (CheckpointSignature cs : unchecked) {
        if (!signatures.verify(cs.message, 0, cs.message.length, cs.signature, 0)) {
          return problem("checkpoint-signature", cs.seq, cs.offset, "the checkpoint signature is not valid");
        }
        if (cs.fragments >= 0) {
          signedFragments = cs.fragments;
        }
      }
      return p;
    }

    private void encrypted(int seq) throws IOException {
      if (listener != null) {
        listener.encrypted(r.kind, seq, r.recordOffset, r.framing(), r.body, r.bodyLength);
      }
    }

    private void addPending(byte[] hash, long offset) {
      if (pendingCount == 0) {
        pendingFirstSeq = r.expectedSeq - 1;
      }
      if ((pendingCount + 1) * HASH > pending.length) {
        pending = Arrays.copyOf(pending, pending.length * 2);
        pendingOffsets = Arrays.copyOf(pendingOffsets, pendingOffsets.length * 2);
      }
      System.arraycopy(hash, 0, pending, pendingCount * HASH, HASH);
      pendingOffsets[pendingCount++] = offset;
    }

    /** The chain from the last checkpoint's value through {@code count} listed record hashes. */
    private byte[] chainThrough(byte[] list, int offset, int count) {
      byte[] c = anchor.clone();
      for (int i = 0; i < count; i++) {
        sha.update(c);
        sha.update(list, offset + i * HASH, HASH);
        c = sha.digest();
      }
      return c;
    }

    /**
     * Compares signed record hashes with the computed ones: the first that differs names the
     * first altered record; a different count, a record inserted or removed.
     */
    private VerificationReport.Problem locate(byte[] list, int offset, int count, long at) {
      int common = Math.min(count, pendingCount);
      for (int i = 0; i < common; i++) {
        if (!Arrays.equals(list, offset + i * HASH, offset + (i + 1) * HASH, pending, i * HASH, (i + 1) * HASH)) {
          return problem("record-hash", pendingFirstSeq + i, pendingOffsets[i], "record "
              + (pendingFirstSeq + i) + " differs from what the device signed: it was altered");
        }
      }
      if (count != pendingCount) {
        int where = pendingFirstSeq + common;
        return problem("record-hash", where, common < pendingCount ? pendingOffsets[common] : at,
            "the device signed " + count + " records here, the segment holds " + pendingCount
                + ": a record was inserted or removed at record " + where);
      }
      return null;
    }

    private String compare(SegmentManifest m, int seq, long plaintext, long initLength) {
      if (!m.recordingId().equals(header.recordingId()) || m.segmentIndex() != header.segmentIndex()) {
        return "the manifest names recording " + m.recordingId() + " segment " + m.segmentIndex()
            + ", the header " + header.recordingId() + " segment " + header.segmentIndex();
      }
      if (!m.deviceKeyId().equals(header.deviceKeyIdHex())) {
        return "the manifest names another device key";
      }
      List<String> ids = new ArrayList<>();
      header.recipients().forEach(x -> ids.add(x.keyIdHex()));
      if (!m.recipients().equals(ids)) {
        return "the manifest's recipients differ from the header's";
      }
      if (m.records() != seq || !m.chainSha256().equals(hex(r.chainBefore))) {
        return "the manifest's record count or chain does not match the records";
      }
      if (!m.fragments().equals(table)) {
        return "the manifest's fragment table does not match the fragment info records";
      }
      if (m.plaintextLength() != plaintext || m.initPlaintextLength() != initLength) {
        return "the manifest's plaintext lengths do not match the records";
      }
      for (String name : DESCRIPTOR_MEMBERS) {
        if (m.has(name) != descriptor.containsKey(name) || !Objects.equals(m.member(name), descriptor.get(name))) {
          return "the manifest's " + name + " differs from the header's descriptor";
        }
      }
      if (m.recovered() && m.plaintextSha256().isPresent()) {
        return "a recovered manifest states a plaintext_sha256 (the device could not have computed it)";
      }
      if (m.lostBytes() < 0 || (!m.recovered() && m.lostBytes() != 0)) {
        return "lost_bytes is " + m.lostBytes() + (m.recovered() ? "" : " in a manifest not recovered");
      }
      return null;
    }
  }
}
