package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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

  static JsonNode validate(Path file) throws Exception {
    Process p = new ProcessBuilder("node", "../c2pa/src/test/node/validate.mjs", "--anchors",
        dir.resolve("ca/ca.pem").toString(), file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    JsonNode v = JSON.readTree(out);
    assertThat(v.get("validation_state").asText()).as(out).isEqualTo("Trusted");
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
}
