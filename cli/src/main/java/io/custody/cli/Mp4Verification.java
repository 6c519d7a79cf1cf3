package io.custody.cli;

import io.custody.c2pa.C2paReader;
import io.custody.crypto.DevicePublicKey;
import io.custody.json.Json;
import io.custody.ledger.InclusionProof;
import io.custody.ledger.LedgerFormatException;
import io.custody.ledger.LedgerPublicKey;
import io.custody.seal.RecordingReport;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code custody verify FILE.mp4}: an export with C2PA Content Credentials, seen both ways
 * (docs/C2PA.md). The C2PA view: the manifest's signature, hashed assertions and hard binding, its
 * signer's trust under the anchors given and its time-stamp. The Custody view: the Custody
 * assertion names the device key given; its ledger entry's inclusion proof holds under the
 * ledger's key and names this very file less its C2PA box; and in the sealed original, which must
 * verify, each segment it names has the header hash and each fragment the signed chain value it
 * states. Each check is reported as it went; the file passes only if every check made holds.
 */
final class Mp4Verification {
  private final DevicePublicKey device;
  private final List<X509Certificate> anchors;
  private final Optional<LedgerPublicKey> ledgerKey;
  private final Optional<StoreRef> original;

  /** One check: what it is about, whether it holds, and what was found. */
  record Check(String name, boolean ok, String detail) {}

  Mp4Verification(DevicePublicKey device, List<X509Certificate> anchors, Optional<LedgerPublicKey> ledgerKey,
      Optional<StoreRef> original) {
    this.device = device;
    this.anchors = List.copyOf(anchors);
    this.ledgerKey = ledgerKey;
    this.original = original;
  }

  /** Whether {@code file} is ISO BMFF (its first box is {@code ftyp}), not a sealed segment. */
  static boolean isMp4(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(8);
      return head.length == 8 && new String(head, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp");
    }
  }

  /** The checks of {@code file}, in order. */
  List<Check> verify(Path file) throws IOException {
    List<Check> checks = new ArrayList<>();
    Optional<C2paReader.Report> read = C2paReader.read(file, anchors);
    if (read.isEmpty()) {
      checks.add(new Check("c2pa", false, "no C2PA manifest: export with --c2pa, or verify the sealed original"));
      return checks;
    }
    C2paReader.Report m = read.get();
    checks.add(new Check("c2pa", m.valid(), m.valid()
        ? "manifest " + m.label() + " intact: signature, hashed assertions and hard binding hold"
        : "manifest " + m.label() + " FAILED: " + String.join(", ", m.failures())));
    String signer = m.signer().getSubjectX500Principal().getName();
    if (anchors.isEmpty()) {
      checks.add(new Check("signer", true, signer + " (trust not checked: give --c2pa-anchors)"));
    } else {
      checks.add(new Check("signer", m.trusted(), signer + (m.trusted() ? " chains to an anchor" : " is NOT trusted")));
    }
    m.timestamp().ifPresent(t -> checks.add(new Check("timestamp", anchors.isEmpty() || t.trusted(),
        "time-stamped " + t.time() + " by " + t.authority().getSubjectX500Principal().getName()
            + (anchors.isEmpty() ? "" : t.trusted() ? ", trusted" : ", NOT trusted"))));
    String text = m.assertions().get("io.custody.evidence");
    if (text == null) {
      checks.add(new Check("custody", false, "no Custody assertion (io.custody.evidence): not a Custody export"));
      return checks;
    }
    try {
      custodyChecks(file, (Map<?, ?>) Json.parse(text), checks);
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      checks.add(new Check("custody", false, "the Custody assertion is malformed: " + e.getMessage()));
    }
    return checks;
  }

  /** The Custody view: the device key, the ledger entry, the sealed original. */
  private void custodyChecks(Path file, Map<?, ?> custody, List<Check> checks) throws IOException {
    String recording = String.valueOf(custody.get("recording_id"));
    String keyId = String.valueOf(custody.get("device_key_id"));
    boolean sameKey = keyId.equals(device.keyIdHex());
    checks.add(new Check("device", sameKey, "recording " + recording + ", device key " + keyId
        + (sameKey ? " (the key given)" : " is NOT the key given, " + device.keyIdHex())));
    checks.add(ledger(file, custody));
    if (original.isPresent()) {
      checks.add(original(original.get(), recording, list(custody.get("segments"))));
    }
  }

  /** The export's ledger entry: its proof under the ledger's key, and that it names this file. */
  private Check ledger(Path file, Map<?, ?> custody) throws IOException {
    if (!(custody.get("ledger") instanceof Map<?, ?> l)) {
      return new Check("ledger", true, "no ledger entry in the manifest (exported without --ledger)");
    }
    if (ledgerKey.isEmpty()) {
      return new Check("ledger", true, "entry " + l.get("index") + " of " + l.get("origin")
          + " (not checked: give --ledger-pub)");
    }
    InclusionProof proof;
    try {
      proof = InclusionProof.parse(String.valueOf(l.get("proof")), ledgerKey.get());
    } catch (LedgerFormatException e) {
      return new Check("ledger", false, "the inclusion proof does not hold: " + e.getMessage());
    }
    Object named = proof.entry().details().get("export_sha256");
    String content = HexFormat.of().formatHex(C2paReader.sha256WithoutManifest(file));
    boolean ok = String.valueOf(proof.index()).equals(String.valueOf(l.get("index"))) && content.equals(named)
        && proof.entry().type() == io.custody.ledger.EntryType.EXPORTED;
    return new Check("ledger", ok, "entry " + proof.index() + " (" + proof.entry().type() + ") under checkpoint "
        + proof.checkpoint().size() + " of " + proof.checkpoint().origin() + ": the proof holds; "
        + (ok ? "it names this file (less its C2PA box, " + content + ")"
            : "it does NOT name this file: " + named + " != " + content));
  }

  /** The sealed original: it verifies, and has the header hashes and chain values the assertion states. */
  private Check original(StoreRef ref, String recording, List<?> segments) throws IOException {
    Verifier verifier = new Verifier(device);
    List<VerificationReport> reports = new ArrayList<>();
    try (BlobStore store = ref.open()) {
      List<String> keys = ref.segments(store).get(ref.recording.orElse(recording));
      if (keys == null) {
        return new Check("original", false, "no recording " + ref.recording.orElse(recording) + " at " + ref);
      }
      for (String k : keys) {
        try (InputStream in = store.read(k)) {
          reports.add(verifier.verify(in));
        }
      }
    }
    RecordingReport r = Verifier.checkRecording(reports);
    if (!r.ok()) {
      return new Check("original", false, "the sealed original does not verify: " + r.problem().orElseThrow());
    }
    long fragments = 0;
    for (Object o : segments) {
      Map<?, ?> seg = (Map<?, ?>) o;
      int index = ((Number) seg.get("index")).intValue();
      if (index < 0 || index >= reports.size()) {
        return new Check("original", false, "the original has no segment " + index);
      }
      VerificationReport s = reports.get(index);
      if (!s.header().orElseThrow().sha256Hex().equals(seg.get("header_sha256"))) {
        return new Check("original", false, "segment " + index + ": its header hash is not the one the manifest states");
      }
      if (s.manifest().isEmpty()) {
        return new Check("original", false, "segment " + index + " of the original has no manifest");
      }
      Map<String, Object> chains = new LinkedHashMap<>();
      for (Object f : list(((Map<?, ?>) Json.parse(s.manifest().get().json())).get("fragments"))) {
        chains.put(String.valueOf(((Map<?, ?>) f).get("index")), ((Map<?, ?>) f).get("chain_sha256"));
      }
      for (Object x : list(seg.get("fragments"))) {
        Map<?, ?> f = (Map<?, ?>) x;
        if (f.get("chain_sha256") == null || !f.get("chain_sha256").equals(chains.get(String.valueOf(f.get("index"))))) {
          return new Check("original", false, "segment " + index + ", fragment " + f.get("index")
              + ": its chain value is not the one the device signed");
        }
        fragments++;
      }
    }
    return new Check("original", true, "the sealed original " + ref + " verifies; its " + segments.size()
        + " segment(s) named have the header hashes, and its " + fragments + " fragment(s) the chain values, stated");
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  /** The checks as one JSON object ({@code --json}). */
  static String toJson(Path file, List<Check> checks) {
    List<Object> list = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("check", c.name());
      m.put("ok", c.ok());
      m.put("detail", c.detail());
      list.add(m);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("file", file.toString());
    o.put("ok", checks.stream().allMatch(Check::ok));
    o.put("checks", list);
    return Json.write(o);
  }
}
