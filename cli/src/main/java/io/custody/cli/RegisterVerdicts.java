package io.custody.cli;

import io.custody.register.DeviceRegister;
import io.custody.register.Finding;
import io.custody.seal.SegmentHeader;
import io.custody.seal.VerificationReport;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code custody verify --register}: the register's verdict on each segment's signing key
 * (docs/REGISTER.md §4), from the time the device claims (the segment header's, signed) and the
 * time the segment reached the force, which the device cannot set: its INGESTED entry in the
 * custody ledger when verify is given one, else the store's own time for the object.
 */
final class RegisterVerdicts {
  private final DeviceRegister register;
  private final Map<String, Instant> ingested;

  /** {@code ingested}: the ledger's INGESTED times by "RECORDING/SEGMENT" (empty without a ledger). */
  RegisterVerdicts(DeviceRegister register, Map<String, Instant> ingested) {
    this.register = register;
    this.ingested = Map.copyOf(ingested);
  }

  /** The verdict on each segment of a recording ({@code keys} in the order of {@code reports}). */
  List<Finding> check(List<VerificationReport> reports, List<String> keys, BlobStore store) throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      Optional<SegmentHeader> h = reports.get(i).header();
      if (h.isEmpty()) {
        findings.add(null); // no signed header: the segment does not verify, nothing to judge
        continue;
      }
      Instant sealed = Instant.ofEpochMilli(h.get().createdMillis());
      Optional<Instant> arrived = Optional.ofNullable(ingested.get(h.get().recordingId() + "/" + h.get().segmentIndex()));
      if (arrived.isEmpty()) {
        arrived = store.stat(keys.get(i)).map(BlobInfo::lastModified);
      }
      findings.add(register.check(h.get().deviceKeyIdHex(), sealed, arrived));
    }
    return findings;
  }

  /**
   * The verdict on an excerpt: the device's key at the excerpt's first fragment's time (the device
   * clock), and the latest arrival of the segments it touches ({@code keys}: the recording's, in
   * segment order; null store: none known, as for a package read on its own).
   */
  Finding check(io.custody.seal.PackageReport r, List<String> keys, BlobStore store) throws IOException {
    Optional<Instant> arrived = Optional.empty();
    if (store != null) {
      for (io.custody.seal.PackageReport.Piece p : r.pieces()) {
        Optional<Instant> t = Optional.ofNullable(ingested.get(r.recordingId() + "/" + p.segmentIndex()));
        if (t.isEmpty() && p.segmentIndex() < keys.size()) {
          t = store.stat(keys.get(p.segmentIndex())).map(BlobInfo::lastModified);
        }
        if (t.isPresent() && (arrived.isEmpty() || t.get().isAfter(arrived.get()))) {
          arrived = t;
        }
      }
    }
    return register.check(r.deviceKeyId(), r.from().orElseThrow(), arrived);
  }

  /**
   * The {@code register} member of an export's JSON and its C2PA Custody assertion: the register
   * it was judged by, and the verdict on each segment.
   */
  Map<String, Object> statement(List<Integer> segments, List<Finding> findings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("register_key_id", register.registerKeyId());
    m.put("register_version", register.version());
    m.put("register_head_sha256", register.headSha256());
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      Map<String, Object> seg = new LinkedHashMap<>();
      seg.put("index", (long) segments.get(i));
      seg.putAll(json(findings.get(i)));
      list.add(seg);
    }
    m.put("segments", list);
    return m;
  }

  /** The {@code register} member of a segment in {@code verify --json}. */
  static Map<String, Object> json(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", f.verdict().name());
    m.put("serial", f.device().map(d -> (Object) d.serial()).orElse(null));
    m.put("officer", f.officer().orElse(null));
    m.put("explanation", f.explanation());
    return m;
  }
}
