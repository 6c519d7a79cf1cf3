package io.custody.c2pa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests written by {@link C2paSigner}, read by the reference implementation (c2pa-rs 0.92 as
 * WebAssembly, {@code src/test/node/validate.mjs}): a fragmented MP4 signed with an export
 * certificate of the test's CA is {@code Trusted}, with no failure, its hard binding matching and
 * its assertions reading back; a flipped byte in {@code mdat}, an altered signature, another CA
 * and a fragment from another file are each reported, with the codes recorded here.
 */
class C2paSignerIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static ExportCa ca;
  static SigningCredentials export;
  static Path clip;

  static Path ffmpegClip(String name, String pattern) throws Exception {
    Path out = dir.resolve(name);
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
        pattern + "=size=160x120:rate=25", "-t", "3", "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p",
        "-threads", "1", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", out.toString()).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out;
  }

  @BeforeAll
  static void caAndClip() throws Exception {
    ca = ExportCa.create("Test Police", Duration.ofDays(30), Clock.systemUTC());
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    export = ca.issue("Evidence export", Duration.ofDays(7), Clock.systemUTC());
    clip = ffmpegClip("clip.mp4", "testsrc2");
  }

  static JsonNode validate(Path file, Path anchors) throws Exception {
    Process p = new ProcessBuilder("node", "src/test/node/validate.mjs", "--anchors", anchors.toString(),
        file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

  static C2paSigner signer(SigningCredentials c) {
    Map<String, Object> created = new LinkedHashMap<>();
    created.put("action", "c2pa.created");
    created.put("digitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
    created.put("when", "2026-12-04T12:00:00.000Z");
    Map<String, Object> custody = new LinkedHashMap<>();
    custody.put("recording_id", "6f1c2d1e-0000-4000-8000-000000000001");
    custody.put("segments", List.of(Map.of("index", 0L, "header_sha256", "ab".repeat(32))));
    return C2paSigner.builder(c).title("clip.mp4").generator("Custody", "0.1.0").action(created)
        .assertion("io.custody.evidence", custody).build();
  }

  @Test
  void aSignedFragmentedMp4IsTrustedByTheReferenceValidator() throws Exception {
    Path signed = dir.resolve("signed.mp4");
    C2paSigner.Result r = signer(export).sign(clip, signed);
    assertThat(Files.size(signed)).isEqualTo(Files.size(clip) + r.manifestBytes());
    JsonNode v = validate(signed, dir.resolve("ca.pem"));
    assertThat(v.get("validation_state").asText()).as(v.toString()).isEqualTo("Trusted");
    assertThat(codes(v.get("failures"))).isEmpty();
    assertThat(codes(v.get("successes"))).contains("assertion.bmffHash.match", "claimSignature.validated",
        "signingCredential.trusted");
    JsonNode m = v.get("active_manifest");
    assertThat(m.get("label").asText()).isEqualTo(r.label());
    assertThat(m.at("/signer/common_name").asText()).isEqualTo("Evidence export");
    assertThat(m.at("/assertions/c2pa.actions.v2/actions/0/action").asText()).isEqualTo("c2pa.created");
    assertThat(m.at("/assertions/io.custody.evidence/recording_id").asText())
        .isEqualTo("6f1c2d1e-0000-4000-8000-000000000001");
    // Custody's own reader agrees.
    C2paReader.Report own = C2paReader.read(signed, List.of(ca.certificate())).orElseThrow();
    assertThat(own.valid()).as(own.failures().toString()).isTrue();
    assertThat(own.trusted()).isTrue();
    assertThat(own.label()).isEqualTo(r.label());
    assertThat(JSON.readTree(own.assertions().get("io.custody.evidence")).get("recording_id").asText())
        .isEqualTo("6f1c2d1e-0000-4000-8000-000000000001");
    assertThat(C2paReader.read(clip, List.of())).isEmpty();
    // The file still plays, frame for frame.
    assertThat(frameMd5(signed)).isEqualTo(frameMd5(clip));
    assertThatThrownBy(() -> signer(export).sign(signed, dir.resolve("twice.mp4")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a C2PA manifest");
  }

  @Test
  void everyAlterationIsReportedByTheReferenceValidator() throws Exception {
    Path signed = dir.resolve("to-alter.mp4");
    signer(export).sign(clip, signed);
    byte[] good = Files.readAllBytes(signed);
    List<C2paSigner.Box> boxes = C2paSigner.boxes(signed);
    C2paSigner.Box mdat = boxes.stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
    // one byte of media
    byte[] b = good.clone();
    b[(int) (mdat.offset() + mdat.size() / 2)] ^= 0x01;
    JsonNode flipped = validate(write("flipped.mp4", b), dir.resolve("ca.pem"));
    assertThat(flipped.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(codes(flipped.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
    assertThat(C2paReader.read(dir.resolve("flipped.mp4"), List.of(ca.certificate())).orElseThrow().failures())
        .containsExactly("assertion.bmffHash.mismatch");
    // the signature: its last byte sits just before the end of the manifest box
    C2paSigner.Box uuid = boxes.stream().filter(C2paSigner.Box::c2pa).findFirst().orElseThrow();
    b = good.clone();
    b[(int) (uuid.offset() + uuid.size() - 1)] ^= 0x01;
    JsonNode sig = validate(write("signature.mp4", b), dir.resolve("ca.pem"));
    assertThat(sig.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(codes(sig.get("failures"))).containsExactly("claimSignature.mismatch");
    assertThat(C2paReader.read(dir.resolve("signature.mp4"), List.of(ca.certificate())).orElseThrow().failures())
        .containsExactly("claimSignature.mismatch");
    // another CA: valid, but not trusted
    ExportCa other = ExportCa.create("Another Force", Duration.ofDays(30), Clock.systemUTC());
    Files.writeString(dir.resolve("other-ca.pem"), other.certificatePem());
    JsonNode untrusted = validate(signed, dir.resolve("other-ca.pem"));
    assertThat(codes(untrusted.get("failures"))).containsExactly("signingCredential.untrusted");
    assertThat(untrusted.get("validation_state").asText()).isNotEqualTo("Trusted");
    assertThat(C2paReader.read(signed, List.of(other.certificate())).orElseThrow().trusted()).isFalse();
    // the last fragment (moof + mdat) replaced by another signed file's last fragment
    Path otherClip = dir.resolve("other-signed.mp4");
    signer(export).sign(ffmpegClip("other.mp4", "testsrc"), otherClip);
    byte[] o = Files.readAllBytes(otherClip);
    long mine = lastMoof(boxes);
    long theirs = lastMoof(C2paSigner.boxes(otherClip));
    b = new byte[(int) (mine + o.length - theirs)];
    System.arraycopy(good, 0, b, 0, (int) mine);
    System.arraycopy(o, (int) theirs, b, (int) mine, (int) (o.length - theirs));
    JsonNode spliced = validate(write("spliced.mp4", b), dir.resolve("ca.pem"));
    assertThat(codes(spliced.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
  }

  static long lastMoof(List<C2paSigner.Box> boxes) {
    long at = -1;
    for (C2paSigner.Box x : boxes) {
      if (x.type().equals("moof")) {
        at = x.offset();
      }
    }
    assertThat(at).isPositive();
    return at;
  }

  static Path write(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  static List<String> frameMd5(Path file) throws Exception {
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-map", "0:v", "-f",
        "framemd5", "-").start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.substring(line.lastIndexOf(',') + 1).trim());
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  /** Files c2pa-rs signed: the harness still says Trusted, and Custody's own reader reads them as intact. */
  @Test
  void theReferenceSamplesValidateWithTheHarnessAndWithCustodysReader() throws Exception {
    java.security.cert.X509Certificate anchor = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
        .getInstance("X.509").generateCertificate(Files.newInputStream(Paths.get("src/test/resources/reference/test-ca.pem")));
    for (String name : List.of("c2pa-rs-signed-fragmented.mp4", "c2pa-rs-signed-plain.mp4")) {
      Path sample = Paths.get("src/test/resources/reference", name);
      JsonNode v = validate(sample, Paths.get("src/test/resources/reference/test-ca.pem"));
      assertThat(v.get("validation_state").asText()).isEqualTo("Trusted");
      C2paReader.Report own = C2paReader.read(sample, List.of(anchor)).orElseThrow();
      assertThat(own.valid()).as("%s: %s", name, own.failures()).isTrue();
      assertThat(own.trusted()).isTrue();
      assertThat(own.label()).isEqualTo(v.at("/active_manifest/label").asText());
    }
  }

  /** An Ed25519 export certificate (from OpenSSL, PEM): the manifest is signed with EdDSA (-8) and Trusted. */
  @Test
  void anEd25519CertificateSignsTrustedManifestsToo() throws Exception {
    Path pki = dir.resolve("ed25519");
    Process p = new ProcessBuilder("bash", "src/test/node/make-test-ca.sh", pki.toString(), "ed25519", "30")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    SigningCredentials ed = SigningCredentials.fromPemFiles(pki.resolve("chain.pem"), pki.resolve("signer.key"));
    assertThat(ed.algorithm()).isEqualTo(SigningCredentials.Algorithm.ED25519);
    Path signed = dir.resolve("ed25519.mp4");
    signer(ed).sign(clip, signed);
    JsonNode v = validate(signed, pki.resolve("ca.pem"));
    assertThat(v.get("validation_state").asText()).as(v.toString()).isEqualTo("Trusted");
    assertThat(codes(v.get("failures"))).isEmpty();
    assertThat(v.at("/active_manifest/signer/alg").asText()).isEqualToIgnoringCase("Ed25519");
    java.security.cert.X509Certificate root = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
        .getInstance("X.509").generateCertificate(Files.newInputStream(pki.resolve("ca.pem")));
    C2paReader.Report own = C2paReader.read(signed, List.of(root)).orElseThrow();
    assertThat(own.valid()).as(own.failures().toString()).isTrue();
    assertThat(own.trusted()).isTrue();
  }
}
