package io.custody.cli;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.json.Json;
import io.custody.ledger.EntryType;
import io.custody.ledger.LedgerEntry;
import io.custody.seal.DecryptionException;
import io.custody.seal.ExcerptBound;
import io.custody.seal.ExcerptWriter;
import io.custody.seal.PackageReport;
import io.custody.seal.PackageVerificationException;
import io.custody.seal.PackageVerifier;
import io.custody.seal.SegmentDecryptor;
import io.custody.storage.BlobStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code custody export --from --to}: an excerpt of a recording as an MP4, or as a disclosure
 * package ({@code --package}); and {@code custody export PACKAGE.cpkg}: a package decrypted to an
 * MP4. An excerpt MP4 is made through a package with open keys in a temporary file, so the MP4 and
 * a recipient's are made and proven by the same code.
 */
final class Excerpts {
  private final CommandSpec spec;
  private final TokenOptions tokens;
  private final Path key;
  private final Path devicePub;
  private final Path toRecipient;
  private final LedgerOptions.Open ledger;
  private final String actor;
  private final String purpose;
  private final String requester;
  private final C2paOptions.Signing c2pa;
  /** The register's judge (null without --register). */
  private final RegisterVerdicts verdicts;
  /** Its verdict on the excerpt exported (null without --register). */
  private io.custody.register.Finding finding;

  Excerpts(CommandSpec spec, TokenOptions tokens, Path key, Path devicePub, Path toRecipient,
      LedgerOptions.Open ledger, String actor, String purpose, String requester, C2paOptions.Signing c2pa,
      RegisterVerdicts verdicts) {
    this.spec = spec;
    this.tokens = tokens;
    this.key = key;
    this.devicePub = devicePub;
    this.toRecipient = toRecipient;
    this.ledger = ledger;
    this.actor = actor;
    this.purpose = purpose;
    this.requester = requester;
    this.c2pa = c2pa;
    this.verdicts = verdicts;
  }

  /** Whether {@code uri} names a disclosure package: a file that starts with its magic. */
  static boolean isPackage(String uri) {
    Path p = Path.of(uri.startsWith("file:") ? uri.substring(5) : uri);
    if (uri.contains("#") || !Files.isRegularFile(p)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(p)) {
      return new String(in.readNBytes(8), StandardCharsets.US_ASCII).equals("CSTDYPKG");
    } catch (IOException e) {
      return false;
    }
  }

  /** The span of a recording as a package (to {@code packagePath}) or as an MP4 (to {@code output}). */
  int exportSpan(String uri, String from, String to, Path packagePath, Path output)
      throws IOException, DecryptionException, java.security.GeneralSecurityException {
    ExcerptBound f = ExcerptBound.parse(from);
    ExcerptBound t = ExcerptBound.parse(to);
    RecipientPrivateKey source = tokens.recipientKey(key.toString());
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(devicePub));
    StoreRef ref = StoreRef.parse(uri);
    ExcerptWriter.Builder b = ExcerptWriter.builder(source, device).exportedBy(actor);
    RecipientPublicKey recipient = null;
    if (packagePath != null && toRecipient != null) {
      recipient = RecipientPublicKey.fromPem(Files.readString(toRecipient));
      b.toRecipient(recipient);
    } else {
      b.openKeys();
    }
    ExcerptWriter writer = b.build();
    Path target = packagePath != null ? packagePath : output.resolveSibling("." + output.getFileName() + ".cpkg");
    try {
      ExcerptWriter.Result r;
      String recording;
      try (BlobStore store = ref.open()) {
        Map<String, List<String>> byRecording = ref.segments(store);
        if (byRecording.size() != 1) {
          throw new IllegalArgumentException(byRecording.isEmpty() ? "no recording at " + ref
              : byRecording.size() + " recordings at " + ref + "; name one as STORE#ID");
        }
        recording = byRecording.keySet().iterator().next();
        r = writer.write(store, byRecording.get(recording), f, t, target);
        if (verdicts != null) {
          finding = verdicts.check(r.report(), byRecording.get(recording), store);
          if (!finding.trusted()) {
            Files.deleteIfExists(target);
            throw new IOException("recording " + recording + ": " + finding.verdict() + ": " + finding.explanation()
                + "; not exported: the register does not trust the key that signed it");
          }
          if (packagePath != null) { // written again, the verdict in its description (the exporter's word)
            r = b.statement("register", RegisterVerdicts.json(finding)).build()
                .write(store, byRecording.get(recording), f, t, target);
          }
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (packagePath != null) {
        if (ledger != null) {
          PackageReport rep = r.report();
          LedgerEntry.Builder e = ledger.entry(EntryType.DISCLOSED, recording)
              .detail("recipient", recipient == null ? "open" : recipient.keyIdHex())
              .detail("range", span(rep))
              .detail("package_sha256", r.sha256())
              .detail("requested", f + "/" + t);
          if (finding != null) {
            e.detail("register_verdict", finding.verdict().name());
          }
          withPurpose(e);
          long index = ledger.append(List.of(e.build()));
          spec.commandLine().getErr().printf(Locale.ROOT, "ledger: DISCLOSED recorded as entry %d%n", index);
        }
        out.printf(Locale.ROOT, "wrote %s (%d bytes, SHA-256 %s; %d bytes read from the store)%n", packagePath,
            r.bytes(), r.sha256(), r.bytesRead());
        r.report().summary().forEach(out::println);
        out.flush();
        return Main.OK;
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      Map<String, Object> requested = new LinkedHashMap<>();
      requested.put("from", f.toString());
      requested.put("to", t.toString());
      extra.put("requested", requested);
      extra.put("bytes_read_from_store", r.bytesRead());
      return decryptToMp4(target, Optional.empty(), output, extra, recording);
    } finally {
      if (packagePath == null) {
        Files.deleteIfExists(target);
      }
    }
  }

  /** A package decrypted to an MP4, with the recipient's key (or none, for open keys). */
  int exportPackage(Path pkg, Path output) throws IOException, DecryptionException, java.security.GeneralSecurityException {
    Optional<RecipientPrivateKey> k = key == null ? Optional.empty()
        : Optional.of(tokens.recipientKey(key.toString()));
    return decryptToMp4(pkg, k, output, Map.of("package_sha256", C2paOptions.sha256(pkg)), null);
  }

  private int decryptToMp4(Path pkg, Optional<RecipientPrivateKey> k, Path output, Map<String, Object> extra,
      String recording) throws IOException, DecryptionException, java.security.GeneralSecurityException {
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(devicePub));
    Path part = output.resolveSibling("." + output.getFileName() + ".part");
    Path json = sibling(output);
    Path jsonPart = json.resolveSibling("." + json.getFileName() + ".part");
    MessageDigest sha = sha256();
    try {
      PackageReport report;
      try (InputStream in = Files.newInputStream(pkg);
          OutputStream o = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
        report = new PackageVerifier(device).decrypt(in, k, SegmentDecryptor.Sink.writingTo(o, sha));
      }
      if (!report.ok()) {
        throw new PackageVerificationException(report);
      }
      if (verdicts != null && finding == null) { // a package exported on its own: no store, no time of arrival
        finding = verdicts.check(report, List.of(), null);
        if (!finding.trusted()) {
          throw new IOException(finding.verdict() + ": " + finding.explanation()
              + "; not exported: the register does not trust the key that signed it");
        }
      }
      String mp4Sha = HexFormat.of().formatHex(sha.digest());
      String contentSha = null;
      if (c2pa != null) {
        List<Object> segments = new ArrayList<>();
        for (PackageReport.Piece p : report.pieces()) {
          List<Object> fragments = new ArrayList<>();
          for (int i = 0; i < p.fragmentChains().size(); i++) {
            fragments.add(Map.of("index", (long) (p.firstFragment() + i), "chain_sha256", p.fragmentChains().get(i)));
          }
          Map<String, Object> seg = new LinkedHashMap<>();
          seg.put("index", (long) p.segmentIndex());
          seg.put("header_sha256", p.headerSha256());
          seg.put("fragments", fragments);
          segments.add(seg);
        }
        Map<String, Object> assertion = custodyAssertion(report.recordingId(), report.deviceKeyId(), report.deviceId(),
            report.operatorId(), segments);
        if (finding != null) {
          assertion.put("register", RegisterVerdicts.json(finding));
        }
        if (ledger != null) {
          // recorded first, so the manifest carries the entry's proof; the entry names the MP4 without its C2PA box
          Map<String, Object> proof = ledger.appendProven(List.of(exported(recording, report, mp4Sha)
              .detail("c2pa", true).build())).get(0);
          spec.commandLine().getErr().printf(Locale.ROOT, "ledger: EXPORTED recorded as entry %s%n", proof.get("index"));
          assertion.put("ledger", proof);
        }
        contentSha = mp4Sha;
        mp4Sha = C2paOptions.sign(c2pa, part, output.getFileName().toString(),
            List.of(C2paOptions.created(PackageReport.time(report.from().orElseThrow()), report.deviceId()),
                C2paOptions.exported(PackageReport.time(Instant.now()), span(report))), assertion);
      }
      Map<String, Object> custody = new LinkedHashMap<>();
      custody.put("format", "custody-excerpt-export/1");
      custody.put("recording_id", report.recordingId());
      custody.put("exported_at", PackageReport.time(Instant.now()));
      custody.put("device_id", report.deviceId());
      custody.put("operator_id", report.operatorId());
      custody.put("device_key_id", report.deviceKeyId());
      custody.putAll(extra);
      Map<String, Object> covered = new LinkedHashMap<>();
      covered.put("from", PackageReport.time(report.from().orElseThrow()));
      covered.put("to", PackageReport.time(report.to().orElseThrow()));
      covered.put("from_seconds", report.fromSeconds().orElseThrow().toPlainString());
      covered.put("to_seconds", report.toSeconds().orElseThrow().toPlainString());
      custody.put("covered", covered);
      if (!extra.containsKey("requested") && report.description().get("requested") != null) {
        custody.put("requested", report.description().get("requested"));
      }
      List<Object> pieces = new ArrayList<>();
      for (PackageReport.Piece p : report.pieces()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segment_index", (long) p.segmentIndex());
        m.put("first_fragment", (long) p.firstFragment());
        m.put("last_fragment", (long) p.lastFragment());
        pieces.add(m);
      }
      custody.put("pieces", pieces);
      custody.put("starts_recording", report.startsRecording());
      custody.put("ends_recording", report.endsRecording());
      if (finding != null) {
        custody.put("register", RegisterVerdicts.json(finding));
      }
      custody.put("mp4_sha256", mp4Sha);
      if (contentSha != null) {
        custody.put("content_sha256", contentSha);
      }
      String text = Json.write(custody) + "\n";
      Files.writeString(jsonPart, text, StandardCharsets.UTF_8);
      if (ledger != null && c2pa == null) {
        long index = ledger.append(List.of(exported(recording, report, mp4Sha).build()));
        spec.commandLine().getErr().printf(Locale.ROOT, "ledger: EXPORTED recorded as entry %d%n", index);
      }
      Files.move(part, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(jsonPart, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "exported %s of recording %s to %s%n", String.join(", then ",
          report.pieces().stream().map(Object::toString).toList()), report.recordingId(), output);
      out.printf(Locale.ROOT, "span: %s to %s%n", covered.get("from"), covered.get("to"));
      out.flush();
      return Main.OK;
    } finally {
      Files.deleteIfExists(part);
      Files.deleteIfExists(jsonPart);
    }
  }

  /** The EXPORTED entry of an excerpt whose MP4 has the SHA-256 {@code mp4Sha}. */
  private LedgerEntry.Builder exported(String recording, PackageReport report, String mp4Sha) {
    LedgerEntry.Builder e = ledger.entry(EntryType.EXPORTED, recording != null ? recording : report.recordingId())
        .detail("export_sha256", mp4Sha).detail("range", span(report)).detail("device_key_id", report.deviceKeyId());
    withPurpose(e);
    return e;
  }

  private void withPurpose(LedgerEntry.Builder e) {
    if (purpose != null) {
      e.detail("purpose", purpose);
    }
    if (requester != null) {
      e.detail("requester", requester);
    }
  }

  /** The proven span as an ISO 8601 interval. */
  private static String span(PackageReport r) {
    return PackageReport.time(r.from().orElseThrow()) + "/" + PackageReport.time(r.to().orElseThrow());
  }

  private static Path sibling(Path mp4) {
    String name = mp4.getFileName().toString();
    String base = name.endsWith(".mp4") ? name.substring(0, name.length() - 4) : name;
    return mp4.resolveSibling(base + ".json");
  }

  /**
   * The Custody assertion (label {@code io.custody.evidence}, docs/C2PA.md): what ties an MP4 with
   * Content Credentials back to the sealed segments its fragments come from.
   */
  static Map<String, Object> custodyAssertion(String recording, String deviceKeyId, String deviceId, String operatorId,
      List<Object> segments) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("format", "custody-c2pa/1");
    a.put("recording_id", recording);
    a.put("device_key_id", deviceKeyId);
    a.put("device_id", deviceId);
    a.put("operator_id", operatorId);
    a.put("segments", segments);
    return a;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
