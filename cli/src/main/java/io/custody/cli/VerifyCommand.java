package io.custody.cli;

import io.custody.mp4.FrameLoss;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyFormatException;
import io.custody.json.Json;
import io.custody.seal.RecordingReport;
import io.custody.seal.SegmentManifest;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody verify}: checks recordings with only the device's public key. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verifies sealed recordings with only the device's public key: every segment's"
        + " signatures, hash chain and records, and that each recording is complete (or was closed"
        + " by recover); with --register, that the force issued the key and trusted it then. URI: a"
        + " store (every recording in it) or STORE#RECORDING_ID; a disclosure package; or an MP4"
        + " exported with --c2pa (its Content Credentials and the camera's proof).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:everything verifies and every recording is complete",
        "1:a segment fails, a recording is incomplete, or the store cannot be read", "2:usage error"})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--device-pub", required = true, paramLabel = "FILE", description = "The device's public key (PEM; Ed25519 or P-256).")
  Path devicePub;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--jobs", paramLabel = "N", description = "Segments verified at once (default: one per"
      + " core for a file: store, where verifying is bound by the CPU; " + REMOTE_JOBS + " for any other store,"
      + " where it waits on requests). The report is the same for every N.")
  Integer jobs;

  /** Requests in flight to a remote store: 16 measured 8x the default of 2 on the Ceph gateway (issue 15). */
  static final int REMOTE_JOBS = 16;

  @picocli.CommandLine.Mixin LedgerOptions ledgerOptions;

  @picocli.CommandLine.Mixin RegisterOptions registerOptions;

  @Option(names = "--c2pa-anchors", paramLabel = "FILE", description = "For an MP4 with Content Credentials:"
      + " the CA certificates (PEM) its export certificate must chain to, e.g. the force's ca.pem.")
  Path c2paAnchors;

  @Option(names = "--ledger-pub", paramLabel = "FILE", description = "For an MP4 with Content Credentials: the"
      + " ledger's public key (PEM), to check the export's ledger entry and its inclusion proof.")
  Path ledgerPub;

  @Option(names = "--original", paramLabel = "STORE[#ID]", description = "For an MP4 with Content Credentials:"
      + " the sealed original, which must verify and hold the segments and fragment chain values the MP4's"
      + " manifest names.")
  String original;

  @Parameters(paramLabel = "URI", description = "STORE (every recording in it), STORE#RECORDING_ID, e.g."
      + " file:./evidence#ID, one segment object (a file, or STORE#RECORDING_ID/NNNNN.sealed), a disclosure"
      + " package (.cpkg), or an MP4 exported with --c2pa.")
  String uri;

  @Override
  public Integer call() {
    if (jobs != null && jobs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1: " + jobs);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      DevicePublicKey key = DevicePublicKey.fromPem(Files.readString(devicePub));
      if (Excerpts.isPackage(uri)) {
        if (ledgerOptions.ledger != null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--ledger records recordings, not packages");
        }
        Optional<io.custody.register.DeviceRegister> r = registerOptions.open(spec);
        return verifyPackage(Path.of(uri), key, out,
            r.map(reg -> new RegisterVerdicts(reg, Map.of())).orElse(null));
      }
      if (Mp4Verification.isMp4(Path.of(uri))) {
        if (registerOptions.given()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--register judges recordings and packages;"
              + " an MP4's Content Credentials carry the register's verdict made at export");
        }
        if (ledgerOptions.ledger != null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--ledger records recordings, not MP4s");
        }
        return verifyMp4(Path.of(uri), key, out);
      }
      if (c2paAnchors != null || ledgerPub != null || original != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--c2pa-anchors, --ledger-pub and --original go with an MP4 exported with --c2pa");
      }
      StoreRef ref = StoreRef.parse(uri);
      int n = jobs != null ? jobs
          : ref.directory().isPresent() ? Runtime.getRuntime().availableProcessors() : REMOTE_JOBS;
      Verifier verifier = new Verifier(key);
      Optional<Path> file = ref.directory().filter(Files::isRegularFile);
      if (file.isPresent() || ref.recording.filter(r -> r.contains("/")).isPresent()) {
        if (ledgerOptions.ledger != null || registerOptions.given()) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--ledger and --register take recordings: give STORE or STORE#RECORDING_ID");
        }
        return verifyOne(ref, file, verifier, out);
      }
      LedgerOptions.Open ledger = ledgerOptions.open(spec);
      Optional<io.custody.register.DeviceRegister> deviceRegister = registerOptions.open(spec);
      RegisterVerdicts verdicts = deviceRegister.isEmpty() ? null
          : new RegisterVerdicts(deviceRegister.get(), ledger == null ? Map.of() : ledger.ingested());
      List<io.custody.ledger.LedgerEntry> verified = new ArrayList<>();
      boolean allOk = true;
      List<Object> recordings = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
        Thread t = new Thread(r, "custody-verify");
        t.setDaemon(true);
        return t;
      });
      try (BlobStore store = ref.open()) {
        SortedMap<String, List<String>> byRecording = ref.segments(store);
        if (byRecording.isEmpty()) {
          err.println("custody verify: no sealed segments at " + ref);
          return Main.BAD_INPUT;
        }
        // Every segment of every recording is queued at once (the Verifier is thread-safe); the
        // reports are then read in store order, so the output does not depend on N. Each object
        // is read once, as it is: the device's signatures prove every byte of it, so the store's
        // own SHA-256 of the object (readVerified) would only hash it all a second time.
        Map<String, List<Future<VerificationReport>>> pending = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byRecording.entrySet()) {
          List<Future<VerificationReport>> futures = new ArrayList<>();
          for (String segmentKey : e.getValue()) {
            futures.add(pool.submit(() -> {
              try (InputStream in = store.read(segmentKey)) {
                return verifier.verify(in);
              }
            }));
          }
          pending.put(e.getKey(), futures);
        }
        for (Map.Entry<String, List<Future<VerificationReport>>> e : pending.entrySet()) {
          List<VerificationReport> reports = new ArrayList<>();
          for (Future<VerificationReport> f : e.getValue()) {
            reports.add(result(f));
          }
          RecordingReport r = Verifier.checkRecording(reports);
          List<io.custody.register.Finding> findings = verdicts == null ? List.of()
              : verdicts.check(reports, byRecording.get(e.getKey()), store);
          Optional<io.custody.register.Finding> distrusted = findings.stream()
              .filter(f -> f != null && !f.trusted()).findFirst();
          allOk &= r.ok() && distrusted.isEmpty();
          if (ledger != null) {
            io.custody.ledger.LedgerEntry.Builder v = ledger.entry(io.custody.ledger.EntryType.VERIFIED, e.getKey())
                .detail("result", !r.ok() ? "failed: " + r.problem().orElseThrow()
                    : distrusted.map(f -> "failed: register: " + f.verdict()).orElse("complete"))
                .detail("segments", (long) r.segments().size()).detail("store_uri", ref.store.toString())
                .detail("device_key_id", key.keyIdHex());
            verified.add(v.build());
          }
          Map<String, Object> described = describe(e.getKey(), r);
          if (verdicts != null) {
            described.put("ok", r.ok() && distrusted.isEmpty());
            described.put("register_problem", distrusted.map(f -> "segment signed by a key the register does not"
                + " trust: " + f.verdict() + ": " + f.explanation()).orElse(null));
            List<?> segs = (List<?>) described.get("segment_reports");
            for (int i = 0; i < segs.size(); i++) {
              if (findings.get(i) != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> seg = (Map<String, Object>) segs.get(i);
                seg.put("register", RegisterVerdicts.json(findings.get(i)));
              }
            }
          }
          recordings.add(described);
          if (!json) {
            print(out, e.getKey(), r);
            for (int i = 0; i < findings.size(); i++) {
              if (findings.get(i) != null) {
                out.printf(Locale.ROOT, "  segment %d: register: %s: %s%n", i, findings.get(i).verdict(),
                    findings.get(i).explanation());
              }
            }
            distrusted.ifPresent(f -> out.printf(Locale.ROOT, "recording %s: NOT verified evidence: a segment is"
                + " signed by a key the register does not trust (%s)%n", e.getKey(), f.verdict()));
          }
        }
      } finally {
        pool.shutdownNow();
      }
      if (ledger != null) {
        try (ledger) {
          long first = ledger.append(verified);
          err.printf(Locale.ROOT, "ledger: VERIFIED recorded as entries %d to %d%n", first, first + verified.size() - 1);
        }
      }
      if (json) {
        out.println(Json.object().put("ok", allOk).put("recordings", recordings).toString());
      }
      out.flush();
      return allOk ? Main.OK : Main.BAD_INPUT;
    } catch (KeyFormatException e) {
      err.println("custody verify: bad device key: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      err.println("custody verify: " + e.getMessage());
    }
    return Main.BAD_INPUT;
  }

  /** A segment's report; what failed reading it (the store, the stream) as the IOException it was. */
  private static VerificationReport result(Future<VerificationReport> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while verifying");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      } else if (cause instanceof RuntimeException re) {
        throw re;
      } else if (cause instanceof Error er) {
        throw er;
      }
      throw new IOException(cause);
    }
  }

  /** One segment object (a file, or STORE#RECORDING_ID/NNNNN.sealed): the segment alone, not its recording. */
  private int verifyOne(StoreRef ref, Optional<Path> file, Verifier verifier, PrintWriter out)
      throws IOException {
    VerificationReport r;
    if (file.isPresent()) {
      r = verifier.verify(file.get());
    } else {
      try (BlobStore store = ref.open(); InputStream in = store.read(ref.recording.orElseThrow())) {
        r = verifier.verify(in);
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", complete(r));
      m.put("segment", segment(r));
      out.println(Json.write(m));
    } else {
      out.printf(Locale.ROOT, "segment %s: %s%n", ref, r.summary());
      out.println("(this segment alone; verify STORE#RECORDING_ID to check that its recording is complete)");
    }
    out.flush();
    return complete(r) ? Main.OK : Main.BAD_INPUT;
  }

  private static Map<String, Object> describe(String id, RecordingReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recording", id);
    m.put("ok", r.ok());
    m.put("problem", r.problem().orElse(null));
    m.put("segments", r.segments().size());
    m.put("fragments", r.segments().stream().mapToLong(VerificationReport::fragments).sum());
    m.put("recovered", r.segments().stream().anyMatch(s -> s.manifest().map(SegmentManifest::recovered).orElse(false)));
    List<Object> segs = new ArrayList<>();
    for (VerificationReport s : r.segments()) {
      segs.add(segment(s));
    }
    m.put("segment_reports", segs);
    return m;
  }

  private static Map<String, Object> segment(VerificationReport s) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("segment", s.header().map(h -> (Object) h.segmentIndex()).orElse(null));
    x.put("recording", s.header().map(h -> (Object) h.recordingId()).orElse(null));
    x.put("ok", complete(s));
    x.put("complete", complete(s));
    x.put("status", s.status().name().toLowerCase(Locale.ROOT));
    x.put("fragments", s.fragments());
    x.put("signed_fragments", s.signedFragments());
    x.put("problem", s.problem().map(Object::toString).orElse(null));
    List<Object> lost = new ArrayList<>();
    for (FrameLoss l : framesLost(s)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("recording", l.recordingId());
      e.put("segment", (long) l.segmentIndex());
      e.put("reason", l.reason().jsonName());
      e.put("frames", l.frames());
      e.put("stream_time_ms", l.streamTime().toMillis());
      lost.add(e);
    }
    x.put("frames_lost", lost);
    return x;
  }

  /** The losses a verified segment's manifest records (none for a segment that did not verify). */
  private static List<FrameLoss> framesLost(VerificationReport s) {
    return s.manifest().map(SegmentManifest::framesLost).orElse(List.of());
  }

  /** Whether the segment verified whole, manifest and all ("ok" and "complete" in the JSON). */
  private static boolean complete(VerificationReport r) {
    return r.status() == VerificationReport.Status.COMPLETE;
  }

  private static void print(PrintWriter out, String id, RecordingReport r) {
    out.printf(Locale.ROOT, "recording %s: %s%n", id, r.ok() ? "OK" : "FAILED: " + r.problem().orElseThrow());
    for (VerificationReport s : r.segments()) {
      out.printf(Locale.ROOT, "  segment %s: %s%n", s.header().map(h -> String.valueOf(h.segmentIndex())).orElse("?"), s.summary());
      for (FrameLoss l : framesLost(s)) {
        out.printf(Locale.ROOT, "    records footage lost before it: %d frame(s) (%s) in recording %s, segment %d,"
            + " at %.3f s of stream time%n", l.frames(), l.reason().jsonName(), l.recordingId(), l.segmentIndex(),
            l.streamTime().toNanos() / 1e9);
      }
    }
  }

  /** An MP4 with Content Credentials: the C2PA view and the Custody view (docs/C2PA.md). */
  private int verifyMp4(Path mp4, DevicePublicKey key, PrintWriter out) throws IOException {
    Optional<io.custody.ledger.LedgerPublicKey> ledgerKey = Optional.empty();
    if (ledgerPub != null) {
      try {
        ledgerKey = Optional.of(io.custody.ledger.LedgerPublicKey.fromPem(Files.readString(ledgerPub)));
      } catch (KeyFormatException e) {
        throw new IllegalArgumentException("bad ledger public key " + ledgerPub + ": " + e.getMessage(), e);
      }
    }
    List<Mp4Verification.Check> checks = new Mp4Verification(key, C2paOptions.anchors(c2paAnchors), ledgerKey,
        Optional.ofNullable(original).map(StoreRef::parse)).verify(mp4);
    boolean ok = checks.stream().allMatch(Mp4Verification.Check::ok);
    if (json) {
      out.println(Mp4Verification.toJson(mp4, checks));
    } else {
      out.println(mp4 + ":");
      for (Mp4Verification.Check c : checks) {
        out.printf(Locale.ROOT, "  %-9s %s: %s%n", c.name(), c.ok() ? "ok" : "FAILED", c.detail());
      }
      out.println(ok ? "result: OK" : "result: FAILED");
    }
    out.flush();
    return ok ? Main.OK : Main.BAD_INPUT;
  }

  /** A disclosure package: what it proves, or where it fails. */
  private int verifyPackage(Path pkg, DevicePublicKey key, PrintWriter out, RegisterVerdicts verdicts)
      throws IOException {
    io.custody.seal.PackageReport r = new io.custody.seal.PackageVerifier(key).verify(pkg);
    io.custody.register.Finding finding = verdicts != null && r.ok() ? verdicts.check(r, List.of(), null) : null;
    boolean ok = r.ok() && (finding == null || finding.trusted());
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("package", pkg.toString());
      m.put("ok", r.ok());
      m.put("problem", r.problem().map(Object::toString).orElse(null));
      m.put("recording_id", r.recordingId());
      m.put("device_id", r.deviceId());
      m.put("operator_id", r.operatorId());
      m.put("device_key_id", r.deviceKeyId());
      List<Object> pieces = new ArrayList<>();
      for (io.custody.seal.PackageReport.Piece p : r.pieces()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("segment_index", (long) p.segmentIndex());
        pm.put("first_fragment", (long) p.firstFragment());
        pm.put("last_fragment", (long) p.lastFragment());
        pm.put("starts_segment", p.startsSegment());
        pm.put("ends_segment", p.endsSegment());
        pieces.add(pm);
      }
      m.put("pieces", pieces);
      m.put("from", r.from().map(io.custody.seal.PackageReport::time).orElse(null));
      m.put("to", r.to().map(io.custody.seal.PackageReport::time).orElse(null));
      m.put("from_seconds", r.fromSeconds().map(java.math.BigDecimal::toPlainString).orElse(null));
      m.put("to_seconds", r.toSeconds().map(java.math.BigDecimal::toPlainString).orElse(null));
      m.put("starts_recording", r.startsRecording());
      m.put("ends_recording", r.endsRecording());
      m.put("recipient_key_id", r.recipientKeyId().orElse(null));
      m.put("description", r.description());
      if (finding != null) {
        m.put("register", RegisterVerdicts.json(finding));
        m.put("ok", ok);
      }
      out.println(Json.write(m));
    } else {
      out.println(pkg + ":");
      r.summary().forEach(line -> out.println("  " + line));
      if (r.ok()) {
        Object by = r.description().get("exported_by");
        Object asked = r.description().get("requested");
        out.println("  stated by the exporter (not proven): exported at " + r.description().get("exported_at")
            + (by != null ? " by " + by : "") + (asked instanceof Map<?, ?> a ? "; asked for " + a.get("from") + " to "
                + a.get("to") : ""));
      }
      if (finding != null) {
        out.println("  register: " + finding.verdict() + ": " + finding.explanation()
            + (finding.trusted() ? "" : " (NOT verified evidence)"));
      }
    }
    out.flush();
    return ok ? Main.OK : Main.BAD_INPUT;
  }
}
