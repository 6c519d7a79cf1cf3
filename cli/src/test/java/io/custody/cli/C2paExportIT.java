package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.custody.c2pa.ExportCa;
import io.custody.c2pa.SigningCredentials;
import io.custody.ledger.OpenSslTsa;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custody keys ca}, {@code keys export-cert} and {@code export --c2pa}, as a force would run
 * them: a whole recording, each segment, and an excerpt, each with Content Credentials that the
 * reference implementation (c2pa-rs as WebAssembly, {@code c2pa/src/test/node/validate.mjs})
 * reports {@code Trusted} under the force's CA, whose Custody assertion names the sealed segments'
 * header hashes and fragment chain values, and whose frames are the recording's.
 */
class C2paExportIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Path keys;
  static String ref;
  static List<String> frames;

  static EvidenceCommandsIT.Result run(String... args) {
    return EvidenceCommandsIT.run(args);
  }

  @BeforeAll
  static void recordingAndCa() throws Exception {
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    EvidenceCommandsIT.Result ca = run("keys", "ca", "--out", dir.resolve("ca").toString(), "--name", "Example Police");
    assertThat(ca.exit()).as(ca.err()).isZero();
    EvidenceCommandsIT.Result cert = run("keys", "export-cert", "--ca", dir.resolve("ca").toString(), "--out",
        dir.resolve("export").toString(), "--subject", "Evidence export, HQ");
    assertThat(cert.exit()).as(cert.err()).isZero();
    assertThat(run("keys", "export-cert", "--ca", dir.resolve("ca").toString(), "--out", dir.resolve("export").toString())
        .exit()).as("never overwritten").isEqualTo(Main.BAD_INPUT);
    ref = recordWithSegments(DisclosureIT.clip(dir, "clip.h264", 9), dir.resolve("evidence"));
    Path plain = dir.resolve("plain.mp4");
    assertThat(export("-o", plain.toString(), ref).exit()).isZero();
    frames = EvidenceCommandsIT.frameMd5(plain);
  }

  static String recordWithSegments(Path clip, Path store) throws Exception {
    EvidenceCommandsIT.Result rec = run("record", "--input", clip.toString(), "--pre-event", "30", "--trigger-at", "1",
        "--segment", "3", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--device-id", "cam-9", "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    return "file:" + store + "#" + JSON.readTree(rec.out()).get("recording").asText();
  }

  static EvidenceCommandsIT.Result export(String... args) {
    List<String> a = new ArrayList<>(List.of("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString()));
    a.addAll(List.of(args));
    return run(a.toArray(new String[0]));
  }

  static EvidenceCommandsIT.Result signedExport(String... args) {
    List<String> a = new ArrayList<>(List.of("--c2pa", "--c2pa-cert", dir.resolve("export/export.pem").toString(),
        "--c2pa-key", dir.resolve("export/export.key").toString()));
    a.addAll(List.of(args));
    return export(a.toArray(new String[0]));
  }

  /** What the reference validator reports of {@code file} under {@code anchors}. */
  static JsonNode reference(Path file, Path anchors, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "../c2pa/src/test/node/validate.mjs", "--anchors",
        anchors.toString()));
    command.addAll(List.of(options));
    command.add(file.toString());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return JSON.readTree(out);
  }

  static List<String> codes(JsonNode n) {
    List<String> c = new ArrayList<>();
    n.forEach(x -> c.add(x.asText()));
    return c;
  }

  static JsonNode validate(Path file) throws Exception {
    JsonNode v = reference(file, dir.resolve("ca/ca.pem"));
    assertThat(v.get("validation_state").asText()).as(v.toString()).isEqualTo("Trusted");
    assertThat(v.get("failures")).isEmpty();
    assertThat(v.at("/active_manifest/signer/common_name").asText()).isEqualTo("Evidence export, HQ");
    assertThat(v.at("/active_manifest/assertions/c2pa.actions.v2/actions/0/action").asText()).isEqualTo("c2pa.created");
    assertThat(v.at("/active_manifest/assertions/c2pa.actions.v2/actions/0/digitalSourceType").asText())
        .endsWith("/digitalCapture");
    return v.get("active_manifest");
  }

  static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void aWholeExportCarriesTrustedCredentialsThatNameTheSealedSegments() throws Exception {
    Path mp4 = dir.resolve("whole.mp4");
    EvidenceCommandsIT.Result r = signedExport("-o", mp4.toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode m = validate(mp4);
    assertThat(m.at("/assertions/c2pa.actions.v2/actions/1/action").asText()).isEqualTo("c2pa.repackaged");
    JsonNode custody = m.at("/assertions/io.custody.evidence");
    JsonNode json = JSON.readTree(Files.readString(dir.resolve("whole.json")));
    assertThat(custody.get("recording_id").asText()).isEqualTo(json.get("recording_id").asText());
    assertThat(custody.get("device_key_id").asText()).isEqualTo(json.get("device_key_id").asText());
    assertThat(custody.get("segments")).hasSize(json.get("manifests").size());
    for (int s = 0; s < json.get("manifests").size(); s++) {
      JsonNode seg = custody.get("segments").get(s);
      JsonNode manifest = json.get("manifests").get(s);
      assertThat(seg.get("manifest_chain_sha256").asText()).isEqualTo(manifest.get("chain_sha256").asText());
      for (int f = 0; f < manifest.get("fragments").size(); f++) {
        assertThat(seg.at("/fragments/" + f + "/chain_sha256").asText())
            .isEqualTo(manifest.at("/fragments/" + f + "/chain_sha256").asText());
      }
      if (s > 0) { // the header hash is the one the next segment's manifest names as its predecessor
        assertThat(custody.at("/segments/" + (s - 1) + "/header_sha256").asText())
            .isEqualTo(manifest.get("previous_header_sha256").asText());
      }
    }
    assertThat(json.get("mp4_sha256").asText()).isEqualTo(sha256(mp4));
    // Custody's own reading of the same manifest
    EvidenceCommandsIT.Result inspect = run("inspect", "--c2pa", "--c2pa-anchors", dir.resolve("ca/ca.pem").toString(),
        mp4.toString());
    assertThat(inspect.exit()).as(inspect.err()).isZero();
    assertThat(inspect.out()).contains(", trusted").contains("intact: signature, hashed assertions and hard binding hold")
        .contains(custody.get("recording_id").asText());
    JsonNode own = JSON.readTree(run("inspect", "--c2pa", "--json", mp4.toString()).out());
    assertThat(own.get("valid").asBoolean()).isTrue();
    assertThat(own.at("/assertions/io.custody.evidence/device_key_id").asText())
        .isEqualTo(custody.get("device_key_id").asText());
    assertThat(EvidenceCommandsIT.frameMd5(mp4)).isEqualTo(frames);
  }

  @Test
  void eachSegmentAndAnExcerptCarryThemToo() throws Exception {
    Path per = dir.resolve("seg.mp4");
    EvidenceCommandsIT.Result r = signedExport("--per-segment", "-o", per.toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode one = validate(dir.resolve("seg-00001.mp4"));
    assertThat(one.at("/assertions/io.custody.evidence/segments")).hasSize(1);
    assertThat(one.at("/assertions/io.custody.evidence/segments/0/index").asLong()).isEqualTo(1);
    Path excerpt = dir.resolve("excerpt.mp4");
    r = signedExport("--from", "2.5", "--to", "4.2", "-o", excerpt.toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode m = validate(excerpt);
    assertThat(m.at("/assertions/c2pa.actions.v2/actions/1/action").asText()).isEqualTo("c2pa.edited");
    assertThat(m.at("/assertions/c2pa.actions.v2/actions/1/parameters/io.custody.span").asText()).contains("/");
    assertThat(m.at("/assertions/io.custody.evidence/segments")).hasSize(2);
    assertThat(EvidenceCommandsIT.frameMd5(excerpt)).isEqualTo(frames.subList(2 * DisclosureIT.FPS, 5 * DisclosureIT.FPS));
    // what is refused: signing a forced export, a certificate without its key
    assertThat(signedExport("--force", "-o", dir.resolve("forced.mp4").toString(), ref).exit()).isEqualTo(Main.USAGE);
    assertThat(export("--c2pa", "--c2pa-cert", dir.resolve("export/export.pem").toString(), "-o",
        dir.resolve("nokey.mp4").toString(), ref).exit()).isEqualTo(Main.USAGE);
  }

  /**
   * With --c2pa-tsa, the manifest's signature carries an RFC 3161 time-stamp (an OpenSSL TSA here):
   * the reference validator checks it, and still reports the credentials Trusted once the export
   * certificate has expired, where the same export without a time-stamp turns
   * signingCredential.expired.
   */
  @Test
  void aTimeStampKeepsTheCredentialsTrustedAfterTheCertificateExpires() throws Exception {
    try (OpenSslTsa tsa = OpenSslTsa.start(Files.createDirectories(dir.resolve("tsa")))) {
      // Custody's reader takes one list of anchors; c2pa-rs a list for signers and one for authorities
      Path anchors = dir.resolve("anchors.pem");
      Files.writeString(anchors, Files.readString(dir.resolve("ca/ca.pem")) + Files.readString(tsa.file("ca.crt")));
      Path ca = dir.resolve("ca/ca.pem");
      String[] tsaAnchors = {"--tsa-anchors", tsa.file("ca.crt").toString()};
      SigningCredentials brief = ExportCa.load(dir.resolve("ca")).issue("Evidence export, HQ", Duration.ofSeconds(10),
          Clock.systemUTC());
      Path briefDir = Files.createDirectories(dir.resolve("brief"));
      Files.writeString(briefDir.resolve("export.pem"), brief.chainPem());
      Files.writeString(briefDir.resolve("export.key"), brief.keyPem());
      List<String> c2pa = List.of("--c2pa", "--c2pa-cert", briefDir.resolve("export.pem").toString(), "--c2pa-key",
          briefDir.resolve("export.key").toString());
      Path stamped = dir.resolve("stamped.mp4");
      List<String> a = new ArrayList<>(c2pa);
      a.addAll(List.of("--c2pa-tsa", tsa.url().toString(), "--c2pa-tsa-cert", tsa.file("tsa.crt").toString(), "-o",
          stamped.toString(), ref));
      EvidenceCommandsIT.Result r = export(a.toArray(new String[0]));
      assertThat(r.exit()).as(r.err()).isZero();
      Path unstamped = dir.resolve("unstamped.mp4");
      a = new ArrayList<>(c2pa);
      a.addAll(List.of("-o", unstamped.toString(), ref));
      r = export(a.toArray(new String[0]));
      assertThat(r.exit()).as(r.err()).isZero();
      JsonNode now = reference(stamped, ca, tsaAnchors);
      assertThat(now.get("validation_state").asText()).as(now.toString()).isEqualTo("Trusted");
      assertThat(codes(now.get("successes"))).as(now.get("statuses").toString()).contains("timeStamp.validated", "timeStamp.trusted");
      EvidenceCommandsIT.Result inspect = run("inspect", "--c2pa", "--c2pa-anchors", anchors.toString(),
          stamped.toString());
      assertThat(inspect.exit()).as(inspect.err()).isZero();
      assertThat(inspect.out()).contains("time-stamped ").contains("Custody test tsa, trusted");
      // a time-stamp by an authority the anchors do not hold: both readers say so
      assertThat(codes(reference(stamped, ca).get("informational"))).contains("timeStamp.untrusted");
      EvidenceCommandsIT.Result untrustedTsa = run("inspect", "--c2pa", "--c2pa-anchors",
          dir.resolve("ca/ca.pem").toString(), stamped.toString());
      assertThat(untrustedTsa.out()).contains("NOT trusted by");
      // once the export certificate has expired
      while (brief.validAt(java.time.Instant.now().minusMillis(1500))) {
        Thread.sleep(200);
      }
      JsonNode later = reference(stamped, ca, tsaAnchors);
      assertThat(later.get("validation_state").asText()).as(later.toString()).isEqualTo("Trusted");
      assertThat(codes(later.get("failures"))).isEmpty();
      JsonNode expired = reference(unstamped, ca, tsaAnchors);
      assertThat(codes(expired.get("failures"))).contains("signingCredential.expired");
      assertThat(run("verify", "--device-pub", keys.resolve("device.pub").toString(), "--c2pa-anchors",
          anchors.toString(), stamped.toString()).exit()).isZero();
      EvidenceCommandsIT.Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(),
          "--c2pa-anchors", anchors.toString(), unstamped.toString());
      assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
      assertThat(v.out()).contains("signingCredential.expired");
    }
  }

  /**
   * With --ledger, the EXPORTED entry is recorded first and the manifest carries its inclusion
   * proof; custody verify of the MP4 reports both views: the C2PA manifest, and the Custody
   * assertion checked against the ledger's key and the sealed original. What does not hold is named.
   */
  @Test
  void verifyOfAnExportChecksItsManifestItsLedgerEntryAndTheSealedOriginal() throws Exception {
    EvidenceCommandsIT.TestLedger ledger = EvidenceCommandsIT.newLedger(dir, "c2pa-ledger");
    Path ledgerKeys = ledger.keys();
    Path mp4 = dir.resolve("ledgered.mp4");
    List<String> a = new ArrayList<>(ledger.options("DC 1234"));
    a.addAll(List.of("--purpose", "CPS file", "-o", mp4.toString(), ref));
    EvidenceCommandsIT.Result r = signedExport(a.toArray(new String[0]));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("ledger: EXPORTED recorded as entry 0");
    JsonNode m = validate(mp4);
    JsonNode proof = m.at("/assertions/io.custody.evidence/ledger");
    assertThat(proof.get("index").asLong()).isZero();
    assertThat(proof.get("origin").asText()).isEqualTo("test.example-police.uk/custody");
    assertThat(proof.get("proof").asText()).startsWith("c2sp.org/tlog-proof@v1\n");
    // the proof is a tlog-proof that the ledger's own command checks offline
    Path proofFile = dir.resolve("from-manifest.tlog-proof");
    Files.writeString(proofFile, proof.get("proof").asText());
    EvidenceCommandsIT.Result check = run("ledger", "check-proof", "--ledger-pub",
        ledgerKeys.resolve("ledger.pub").toString(), proofFile.toString());
    assertThat(check.exit()).as(check.err() + check.out()).isZero();
    JsonNode json = JSON.readTree(Files.readString(dir.resolve("ledgered.json")));
    assertThat(json.at("/files/0/sha256").asText()).isEqualTo(sha256(mp4));
    String[] both = {"verify", "--device-pub", keys.resolve("device.pub").toString(), "--c2pa-anchors",
        dir.resolve("ca/ca.pem").toString(), "--ledger-pub", ledgerKeys.resolve("ledger.pub").toString(), "--original",
        ref, "--json", mp4.toString()};
    EvidenceCommandsIT.Result v = run(both);
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    JsonNode checks = JSON.readTree(v.out());
    assertThat(checks.get("ok").asBoolean()).isTrue();
    List<String> names = new ArrayList<>();
    checks.get("checks").forEach(c -> names.add(c.get("check").asText()));
    assertThat(names).containsExactly("c2pa", "signer", "device", "ledger", "original");
    assertThat(checks.at("/checks/3/detail").asText()).contains("names this file (less its C2PA box, "
        + json.at("/files/0/content_sha256").asText());
    // one byte of media changed: the hard binding and the ledger entry both say so
    byte[] b = Files.readAllBytes(mp4);
    b[b.length - 100] ^= 0x01;
    Path altered = dir.resolve("ledgered-altered.mp4");
    Files.write(altered, b);
    both[both.length - 1] = altered.toString();
    v = run(both);
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    checks = JSON.readTree(v.out());
    assertThat(checks.at("/checks/0/detail").asText()).contains("assertion.bmffHash.mismatch");
    assertThat(checks.at("/checks/3/ok").asBoolean()).isFalse();
    // another recording as the original; another device's key
    String other = recordWithSegments(DisclosureIT.clip(dir, "other-clip.h264", 6), dir.resolve("other-evidence"));
    v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "--original", other, mp4.toString());
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.out()).contains("original  FAILED");
    Path otherKeys = dir.resolve("other-keys");
    assertThat(run("keys", "init", "--out", otherKeys.toString()).exit()).isZero();
    v = run("verify", "--device-pub", otherKeys.resolve("device.pub").toString(), mp4.toString());
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.out()).contains("device    FAILED").contains("is NOT the key given");
  }
}
