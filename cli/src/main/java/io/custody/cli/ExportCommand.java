package io.custody.cli;

import java.util.Locale;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import io.custody.seal.DecryptionException;
import io.custody.seal.RecordingReport;
import io.custody.seal.SegmentDecryptor;
import io.custody.seal.SegmentReader;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.custody.ledger.EntryType;
import io.custody.ledger.LedgerEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody export}: one playable MP4 for a recording, plus its chain-of-custody JSON. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Decrypts a recording into one playable MP4 (its segments in order) and writes"
        + " OUT.json beside it: the signed manifests and the chain of custody. Refuses what does not"
        + " verify.",
        "--force exports a recording that does not verify anyway (e.g. a damaged copy, to see what it"
        + " holds): every record must still pass AES-GCM authentication, fragments that do not are left"
        + " out, and OUT.json says \"forced\": true with the verification problem and what was left out."
        + " Such an export is not evidence of integrity."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:exported", "1:does not verify, wrong key, or unreadable", "2:usage error"})
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--key", paramLabel = "FILE|URI", description = "A recipient's X25519 private key: a PEM file, or"
      + " pkcs11:token=T;object=O for a key held in a token; of the recording, or of the package (not needed for a"
      + " package with open keys).")
  Path key;

  @Option(names = "--device-pub", required = true, paramLabel = "FILE", description = "The device's public key (PEM; Ed25519 or P-256).")
  Path devicePub;

  @Option(names = "-o", paramLabel = "OUT.mp4", description = "The MP4 to write.")
  Path output;

  @Option(names = "--from", paramLabel = "T", description = "Export only the fragments from the one that holds T"
      + " (or the keyframe before it): an ISO 8601 time with its offset (2026-12-04T12:00:05Z) or seconds from"
      + " the recording's start (90.5). With --to.")
  String from;

  @Option(names = "--to", paramLabel = "T", description = "... to the one that holds T. With --from.")
  String to;

  @Option(names = "--package", paramLabel = "OUT.cpkg", description = "Write a disclosure package of the span"
      + " (--from, --to) instead of an MP4: its records, proven by the device's signatures, and the keys of only"
      + " the segments it touches, for --to-recipient (or --open). custody verify checks it; custody export"
      + " PACKAGE.cpkg decrypts it.")
  Path packagePath;

  @Option(names = "--to-recipient", paramLabel = "FILE", description = "The disclosure recipient's X25519 public"
      + " key (PEM): only its private key opens the package.")
  Path toRecipient;

  @Option(names = "--open", description = "Put the package's content keys in clear (a public release).")
  boolean open;

  @Option(names = "--per-segment",
      description = "One MP4 per segment (OUT-00000.mp4, OUT-00001.mp4, ...) instead of one for the recording.")
  boolean perSegment;

  @Option(names = "--force", description = "Export even if the recording does not verify (marked so in OUT.json).")
  boolean force;

  @picocli.CommandLine.Mixin LedgerOptions ledgerOptions;

  @picocli.CommandLine.Mixin C2paOptions c2paOptions;

  @picocli.CommandLine.Mixin RegisterOptions registerOptions;

  /** The register's judge, with --register (opened before any work). */
  private RegisterVerdicts verdicts;
  /** Its verdict on each segment of the recording exported (empty without --register). */
  private List<io.custody.register.Finding> findings = List.of();

  /** --key pkcs11:...: the recipient key in a token (issue 19). */
  @picocli.CommandLine.Mixin TokenOptions tokens;

  /** The export certificate, with --c2pa (read before any work). */
  private C2paOptions.Signing c2pa;
  /** The segments' reports and, per MP4 written, its segments: what each MP4's Custody assertion names. */
  private List<VerificationReport> segmentReports = List.of();
  private final List<List<Integer>> fileSegments = new ArrayList<>();

  @Option(names = "--purpose", paramLabel = "TEXT", description = "What the export is for (recorded in the ledger).")
  String purpose;

  @Option(names = "--requester", paramLabel = "NAME", description = "Who asked for it (recorded in the ledger).")
  String requester;

  @Parameters(paramLabel = "URI", description = "STORE#RECORDING_ID (or a store holding one recording), or a"
      + " disclosure package (PACKAGE.cpkg) to decrypt.")
  String uri;

  /** The ledger to record EXPORTED in, open from the start (null without --ledger). */
  private LedgerOptions.Open ledger;

  private String deviceKeyId;
  private String recipientKeyId;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if ((from == null) != (to == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from and --to go together");
    }
    if (packagePath != null) {
      if (from == null || output != null || perSegment || force) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--package takes --from and --to, and no -o, --per-segment or --force");
      }
      if ((toRecipient == null) == !open) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--package needs exactly one of --to-recipient FILE and --open");
      }
    } else if (toRecipient != null || open) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--to-recipient and --open go with --package");
    } else if (output == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-o OUT.mp4 (or --package OUT.cpkg) is required");
    }
    if (Excerpts.isPackage(uri)) {
      if (from != null || packagePath != null || perSegment || force) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "a package is exported whole: no --from, --to, --package, --per-segment or --force");
      }
      return withLedger(err, () -> excerpts().exportPackage(Path.of(uri), output));
    }
    if (key == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--key FILE is required");
    }
    if (from != null) {
      return withLedger(err, () -> excerpts().exportSpan(uri, from, to, packagePath, output));
    }
    return withLedger(err, this::exportRecording);
  }

  /** A whole recording (or each segment) as MP4s, with the ledger open. */
  private int exportRecording() throws IOException, DecryptionException, java.security.GeneralSecurityException {
    PrintWriter err = spec.commandLine().getErr();
    Path temp = null;
    try {
      RecipientPrivateKey recipient = tokens.recipientKey(key.toString());
      DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(devicePub));
      deviceKeyId = device.keyIdHex();
      recipientKeyId = recipient.publicKey().keyIdHex();
      StoreRef ref = StoreRef.parse(uri);
      List<Path> segments = new ArrayList<>();
      String recording;
      try (BlobStore store = ref.open()) {
        Map<String, List<String>> byRecording = ref.segments(store);
        if (byRecording.size() != 1) {
          err.println("custody export: " + (byRecording.isEmpty() ? "no recording at " + ref
              : byRecording.size() + " recordings at " + ref + "; name one as STORE#ID"));
          return Main.BAD_INPUT;
        }
        recording = byRecording.keySet().iterator().next();
        if (exportVerified(store, recording, byRecording.get(recording), recipient, device)) {
          return Main.OK;
        }
        // It does not verify: refused below with the recording's problem, or exported with --force.
        temp = Files.createTempDirectory("custody-export");
        for (String k : byRecording.get(recording)) {
          Path p = temp.resolve(k.replace('/', '_'));
          try (InputStream in = store.readVerified(k)) {
            Files.copy(in, p);
          }
          segments.add(p);
        }
      }
      segments.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
      RecordingReport report = new Verifier(device).verifyRecording(segments);
      if (!report.ok()) {
        String why = "recording " + recording + " does not verify: " + report.problem().orElseThrow();
        if (!force) {
          err.println("custody export: " + why + " (--force exports it anyway, marked as not verified)");
          return Main.BAD_INPUT;
        }
        err.println("custody export: WARNING: " + why + "; exporting anyway (--force), marked in "
            + sibling(output, ".json").getFileName());
      }
      List<String> skipped = writeMp4(recording, segments, report, recipient, device);
      printExported(recording, segments.size(), report.ok() ? "" : ", NOT VERIFIED, " + skipped.size()
          + " part(s) left out");
      return Main.OK;
    } finally {
      deleteTree(temp);
    }
  }

  /** The work of an export, with the ledger open. */
  private interface Work {
    int run() throws IOException, DecryptionException, java.security.GeneralSecurityException;
  }

  /** Runs {@code work} with the ledger open (when --ledger is given); errors become one line on stderr. */
  private int withLedger(PrintWriter err, Work work) {
    try {
      c2pa = c2paOptions.open(spec);
      if (c2pa != null && force) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--c2pa signs only what verifies: not with --force");
      }
      ledger = ledgerOptions.open(spec);
      java.util.Optional<io.custody.register.DeviceRegister> r = registerOptions.open(spec);
      if (r.isPresent()) {
        if (force) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(),
              "--register judges what verifies: not with --force");
        }
        verdicts = new RegisterVerdicts(r.get(), ledger == null ? Map.of() : ledger.ingested());
      }
      return work.run();
    } catch (KeyFormatException e) {
      err.println("custody export: bad key file: " + e.getMessage());
    } catch (DecryptionException e) {
      err.println("custody export: cannot decrypt" + (key != null ? " with " + key : "") + ": " + e.getMessage());
    } catch (java.security.GeneralSecurityException e) {
      err.println("custody export: C2PA: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      err.println("custody export: " + e.getMessage());
    } finally {
      if (ledger != null) {
        try {
          ledger.close();
        } catch (IOException e) {
          err.println("custody export: closing the ledger's store: " + e.getMessage());
        }
      }
    }
    return Main.BAD_INPUT;
  }

  private Excerpts excerpts() {
    return new Excerpts(spec, tokens, key, devicePub, toRecipient, ledger, ledgerOptions.actor, purpose, requester,
        c2pa, verdicts);
  }

  /**
   * The Custody assertion of an MP4 holding the fragments of {@code segs}: the recording, the device
   * key, and per segment its header's hash and each fragment's chain value, as the sealed segments'
   * signed manifests give them (docs/C2PA.md).
   */
  private Map<String, Object> custodyAssertion(String recording, List<Integer> segs, List<Object> manifests) {
    List<Object> segments = new ArrayList<>();
    for (int s : segs) {
      Map<?, ?> m = (Map<?, ?>) manifests.get(s);
      List<Object> fragments = new ArrayList<>();
      for (Object o : (List<?>) m.get("fragments")) {
        Map<?, ?> f = (Map<?, ?>) o;
        fragments.add(Map.of("index", f.get("index"), "chain_sha256", f.get("chain_sha256")));
      }
      Map<String, Object> seg = new LinkedHashMap<>();
      seg.put("index", (long) s);
      seg.put("header_sha256", segmentReports.get(s).header().orElseThrow().sha256Hex());
      seg.put("manifest_chain_sha256", m.get("chain_sha256"));
      seg.put("fragments", fragments);
      segments.add(seg);
    }
    Map<?, ?> first = (Map<?, ?>) manifests.get(segs.get(0));
    return Excerpts.custodyAssertion(recording, deviceKeyId, String.valueOf(first.get("device_id")),
        String.valueOf(first.get("operator_id")), segments);
  }

  private void printExported(String recording, int segments, String note) {
    spec.commandLine().getOut().printf(Locale.ROOT, "exported recording %s (%d segment(s)%s) to %s%n", recording,
        segments, note, output);
    spec.commandLine().getOut().flush();
  }

  /**
   * The export of a recording that verifies, in one pass: each segment is read once from the
   * store, verified and decrypted as it streams by ({@link SegmentDecryptor}), and written under a
   * temporary name by a second thread that also hashes it. Returns false, leaving nothing behind,
   * as soon as a segment or the recording does not verify; nothing is renamed into place before
   * every segment and the recording have verified.
   */
  private boolean exportVerified(BlobStore store, String recording, List<String> keys, RecipientPrivateKey recipient,
      DevicePublicKey device) throws IOException, DecryptionException, java.security.GeneralSecurityException {
    SegmentDecryptor decryptor = new SegmentDecryptor(recipient, device);
    List<VerificationReport> reports = new ArrayList<>();
    List<Object> manifests = new ArrayList<>();
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(null);
    List<Path> started = new ArrayList<>();
    boolean done = false;
    try (HashingFileWriter files = new HashingFileWriter()) {
      Joiner joiner = new Joiner(files);
      for (int n = 0; n < sorted.size(); n++) {
        joiner.segment = n;
        VerificationReport r;
        try (InputStream in = store.read(sorted.get(n))) {
          r = decryptor.decrypt(in, joiner);
        }
        if (r.status() != VerificationReport.Status.COMPLETE) {
          started.addAll(files.files());
          return false;
        }
        reports.add(r);
        segmentReports = reports;
        manifests.add(Json.parse(r.manifest().orElseThrow().json()));
      }
      started.addAll(files.files());
      RecordingReport report = Verifier.checkRecording(reports);
      if (!report.ok()) {
        return false;
      }
      if (verdicts != null) {
        findings = verdicts.check(reports, sorted, store);
        for (int i = 0; i < findings.size(); i++) {
          if (!findings.get(i).trusted()) {
            throw new IOException("recording " + recording + ", segment " + i + ": " + findings.get(i).verdict() + ": "
                + findings.get(i).explanation() + "; not exported: the register does not trust the key that signed it");
          }
        }
      }
      if (started.isEmpty()) {
        throw new IOException("the recording holds no complete fragment");
      }
      List<String> hashes = files.finish();
      List<Path> written = new ArrayList<>();
      for (Path p : started) {
        written.add(completed(p));
      }
      writeCustody(recording, report, List.of(), written, hashes, manifests);
      done = true;
      printExported(recording, sorted.size(), "");
      return true;
    } finally {
      if (!done) {
        for (Path p : started) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Joins a recording's segments as they are decrypted: the first one whole, then only the
   * fragments of the others, as long as their sample descriptions match (a parameter-set change
   * starts an MP4 of its own, OUT-N.mp4); with --per-segment, each segment on its own. A segment
   * with no fragment (recovered before its first one) adds nothing.
   */
  private final class Joiner implements SegmentDecryptor.Sink {
    private final HashingFileWriter files;
    int segment;
    private int started;
    private byte[] init;
    private byte[] currentDescriptions;

    Joiner(HashingFileWriter files) {
      this.files = files;
    }

    @Override
    public void init(byte[] b, int offset, int length) {
      init = Arrays.copyOfRange(b, offset, offset + length);
    }

    @Override
    public void media(byte[] b, int offset, int length) throws IOException {
      if (init != null) { // this segment's first media bytes
        byte[] descriptions = io.custody.seal.Exporter.sampleDescriptions(init);
        if (started == 0 || perSegment || !Arrays.equals(descriptions, currentDescriptions)) {
          fileSegments.add(new ArrayList<>());
          Path file = perSegment ? sibling(output, String.format(Locale.ROOT, "-%05d.mp4", segment))
              : started == 0 ? output : sibling(output, "-" + (started + 1) + ".mp4");
          files.start(part(file));
          files.write(init, 0, init.length);
          currentDescriptions = descriptions;
          started++;
        }
        fileSegments.get(fileSegments.size() - 1).add(segment);
        init = null;
      }
      files.write(b, offset, length);
    }
  }

  /**
   * Joins the segments: the first one whole, then only the fragments of the others, as long as
   * their sample descriptions match (a parameter-set change starts an MP4 of its own, written as
   * OUT-N.mp4).
   */
  private List<String> writeMp4(String recording, List<Path> segments, RecordingReport report,
      RecipientPrivateKey recipient, DevicePublicKey device) throws IOException, DecryptionException,
      java.security.GeneralSecurityException {
    List<String> skipped = new ArrayList<>();
    List<Object> manifests = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    OutputStream out = null;
    Path current = null;
    byte[] currentDescriptions = null;
    MessageDigest sha = sha256();
    try {
      for (int n = 0; n < segments.size(); n++) {
        Path segment = segments.get(n);
        boolean verified = n < report.segments().size() && report.segments().get(n).status() == VerificationReport.Status.COMPLETE;
        try (SegmentReader reader = verified ? SegmentReader.open(segment, recipient, device)
            : SegmentReader.openUnverified(segment, recipient)) {
          manifests.add(verified ? Json.parse(reader.manifest().json()) : claimedManifest(segment));
          if (reader.fragmentCount() == 0) {
            continue; // a segment cut before its first fragment (recovered): nothing to play
          }
          byte[] init;
          try {
            init = reader.readInit();
          } catch (DecryptionException e) {
            if (verified) {
              throw e;
            }
            skipped.add(segment.getFileName() + ": the whole segment (" + e.getMessage() + ")");
            continue;
          }
          byte[] descriptions = io.custody.seal.Exporter.sampleDescriptions(init);
          if (out == null || perSegment || !Arrays.equals(descriptions, currentDescriptions)) {
            if (out != null) {
              out.close();
              written.add(current);
              hashes.add(HexFormat.of().formatHex(sha.digest()));
            }
            current = perSegment ? sibling(output, String.format(java.util.Locale.ROOT, "-%05d.mp4", n))
                : written.isEmpty() ? output : sibling(output, "-" + (written.size() + 1) + ".mp4");
            out = new BufferedOutputStream(Files.newOutputStream(part(current)), 1 << 16);
            out.write(init);
            sha.update(init);
            currentDescriptions = descriptions;
          }
          for (int i = 0; i < reader.fragmentCount(); i++) {
            byte[] f;
            try {
              f = reader.readFragment(i);
            } catch (DecryptionException | RuntimeException e) {
              if (verified) {
                throw e;
              }
              skipped.add(segment.getFileName() + ": fragment " + i + " (" + e.getMessage() + ")");
              continue;
            }
            out.write(f);
            sha.update(f);
          }
        }
      }
      if (out == null) {
        throw new IOException("the recording holds no complete fragment");
      }
      out.close();
      written.add(current);
      hashes.add(HexFormat.of().formatHex(sha.digest()));
    } catch (IOException | DecryptionException | RuntimeException e) {
      if (out != null) {
        out.close();
      }
      for (Path p : written) {
        Files.deleteIfExists(part(p));
      }
      if (current != null) {
        Files.deleteIfExists(part(current));
      }
      throw e;
    }
    writeCustody(recording, report, skipped, written, hashes, manifests);
    return skipped;
  }

  /**
   * Writes OUT.json, then renames the MP4s (written under their temporary names) and OUT.json into
   * place: only now does anything look complete.
   */
  private void writeCustody(String recording, RecordingReport report, List<String> skipped, List<Path> written,
      List<String> hashes, List<Object> manifests) throws IOException, java.security.GeneralSecurityException {
    List<String> contentHashes = hashes;
    if (c2pa != null) {
      // With a ledger, each MP4's EXPORTED entry is recorded first, so that its manifest can carry
      // the entry's inclusion proof: the entry names the MP4 without its C2PA box (docs/C2PA.md).
      List<Map<String, Object>> proofs = null;
      if (ledger != null) {
        List<LedgerEntry> entries = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
          entries.add(exported(recording, report, hashes.get(i)).detail("c2pa", true)
              .detail("file", written.get(i).getFileName().toString()).detail("files", (long) written.size()).build());
        }
        proofs = ledger.appendProven(entries);
        for (Map<String, Object> p : proofs) {
          spec.commandLine().getErr().printf(Locale.ROOT, "ledger: EXPORTED recorded as entry %s%n", p.get("index"));
        }
      }
      hashes = new ArrayList<>(hashes); // the signed files' hashes replace the plain ones
      String now = io.custody.seal.PackageReport.time(Instant.now());
      for (int i = 0; i < written.size(); i++) {
        List<Integer> segs = fileSegments.get(i);
        Map<?, ?> first = (Map<?, ?>) manifests.get(segs.get(0));
        Map<String, Object> assertion = custodyAssertion(recording, segs, manifests);
        if (verdicts != null) {
          assertion.put("register", verdicts.statement(segs, segs.stream().map(findings::get).toList()));
        }
        if (proofs != null) {
          assertion.put("ledger", proofs.get(i));
        }
        hashes.set(i, C2paOptions.sign(c2pa, part(written.get(i)), written.get(i).getFileName().toString(),
            List.of(C2paOptions.created(String.valueOf(first.get("start")), String.valueOf(first.get("device_id"))),
                C2paOptions.exported(now, null)), assertion));
      }
    }
    Map<String, Object> custody = new LinkedHashMap<>();
    custody.put("format", "custody-recording-export/1");
    custody.put("recording_id", recording);
    custody.put("exported_at", Instant.now().toString());
    custody.put("device_key_id", deviceKeyId);
    custody.put("decrypted_with_key_id", recipientKeyId);
    custody.put("verified", report.ok());
    custody.put("forced", !report.ok());
    if (!report.ok()) {
      custody.put("verification_problem", report.problem().orElseThrow());
      custody.put("left_out", skipped);
    }
    List<Object> files = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("file", written.get(i).getFileName().toString());
      f.put("sha256", hashes.get(i));
      if (c2pa != null) {
        f.put("content_sha256", contentHashes.get(i));
      }
      files.add(f);
    }
    custody.put("files", files);
    if (written.size() == 1) {
      custody.put("mp4_sha256", hashes.get(0));
    }
    custody.put("manifests", manifests);
    if (verdicts != null) {
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < findings.size(); i++) {
        all.add(i);
      }
      custody.put("register", verdicts.statement(all, findings));
    }
    Path json = sibling(output, ".json");
    String jsonText = Json.write(custody) + "\n";
    Files.writeString(part(json), jsonText);
    if (ledger != null && c2pa == null) {
      // recorded before anything is in place: an export the ledger does not hold is not delivered
      MessageDigest sha = sha256();
      String jsonSha = HexFormat.of().formatHex(sha.digest(jsonText.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      LedgerEntry e = exported(recording, report, written.size() == 1 ? hashes.get(0) : jsonSha)
          .detail("export_json_sha256", jsonSha).detail("files", (long) written.size()).build();
      long index = ledger.append(List.of(e));
      spec.commandLine().getErr().printf(Locale.ROOT, "ledger: EXPORTED recorded as entry %d%n", index);
    }
    for (Path p : written) {
      Files.move(part(p), p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(part(json), json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The EXPORTED entry of an MP4 (or of the whole export) whose SHA-256 is {@code exportSha}. */
  private LedgerEntry.Builder exported(String recording, RecordingReport report, String exportSha) {
    LedgerEntry.Builder e = ledger.entry(EntryType.EXPORTED, recording).detail("export_sha256", exportSha)
        .detail("verified", report.ok()).detail("device_key_id", deviceKeyId)
        .detail("decrypted_with_key_id", recipientKeyId);
    if (purpose != null) {
      e.detail("purpose", purpose);
    }
    if (requester != null) {
      e.detail("requester", requester);
    }
    return e;
  }

  /** The manifest a segment that does not verify claims to have (null when it has none). */
  private static Object claimedManifest(Path segment) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(segment), 1 << 16)) {
      return io.custody.seal.SegmentLayout.read(in).manifest().map(m -> Json.parse(m.json())).orElse(null);
    }
  }

  private static Path part(Path p) {
    return p.resolveSibling("." + p.getFileName() + ".part");
  }

  /** The name a temporary {@link #part} file takes once complete. */
  private static Path completed(Path part) {
    String name = part.getFileName().toString();
    return part.resolveSibling(name.substring(1, name.length() - ".part".length()));
  }

  private static Path sibling(Path mp4, String suffix) {
    String name = mp4.getFileName().toString();
    String base = name.endsWith(".mp4") ? name.substring(0, name.length() - 4) : name;
    return mp4.resolveSibling(base + suffix);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temporary files only
    }
  }
}
