package io.custody.c2pa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Merkle form of the BMFF hash ({@link C2paSigner.Builder#fragmentMerkle()}), read by the
 * reference implementation (c2pa-rs 0.92 as WebAssembly, {@code src/test/node/validate.mjs}): the
 * signed file split into its init segment (ftyp, manifest, moov) and one file per fragment (Merkle
 * box, moof, mdat); each fragment read on its own with the init segment ({@code fromBlobFragment})
 * is {@code Trusted}; an altered fragment or another file's fragment is reported. Read whole, the
 * same file is reported {@code assertion.bmffHash.mismatch} ("Fragment not valid"): c2pa-rs hashes a
 * fragment of a whole file with the box offsets of the whole file, and a fragment read on its own
 * with the offsets within it, so one tree cannot match both (docs/C2PA.md). Custody's own reader
 * checks the whole file the fragment way.
 */
class C2paMerkleIT {
  @TempDir static Path dir;
  static ExportCa ca;
  static SigningCredentials export;
  static Path clip;
  static Path signed;
  static C2paSigner.Result result;

  static Path ffmpeg(String name, String pattern, String movflags) throws Exception {
    Path out = dir.resolve(name);
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
        pattern + "=size=160x120:rate=25", "-t", "3", "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p",
        "-threads", "1", "-movflags", movflags, out.toString()).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out;
  }

  static Path fragmented(String name, String pattern) throws Exception {
    return ffmpeg(name, pattern, "+frag_keyframe+empty_moov+default_base_moof");
  }

  static C2paSigner merkleSigner() {
    Map<String, Object> created = new LinkedHashMap<>();
    created.put("action", "c2pa.created");
    created.put("digitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
    created.put("when", "2026-12-04T12:00:00.000Z");
    return C2paSigner.builder(export).title("clip.mp4").action(created)
        .assertion("io.custody.evidence", Map.of("recording_id", "6f1c2d1e-0000-4000-8000-000000000001"))
        .fragmentMerkle().build();
  }

  @BeforeAll
  static void signAClip() throws Exception {
    ca = ExportCa.create("Test Police", Duration.ofDays(30), Clock.systemUTC());
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    export = ca.issue("Evidence export", Duration.ofDays(7), Clock.systemUTC());
    clip = fragmented("clip.mp4", "testsrc2");
    signed = dir.resolve("signed.mp4");
    result = merkleSigner().sign(clip, signed);
  }

  /** The init segment and the fragments of a Merkle-signed file, as a packager would cut it. */
  static final class Split {
    final byte[] init;
    final List<byte[]> fragments;

    Split(byte[] init, List<byte[]> fragments) {
      this.init = init;
      this.fragments = fragments;
    }
  }

  static Split split(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    List<C2paSigner.Box> boxes = C2paSigner.boxes(file);
    long initEnd = -1;
    List<byte[]> fragments = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      C2paSigner.Box x = boxes.get(i);
      if (x.type().equals("moof")) {
        C2paSigner.Box merkle = boxes.get(i - 1);
        C2paSigner.Box mdat = boxes.get(i + 1);
        assertThat(merkle.c2pa()).isTrue();
        assertThat(mdat.type()).isEqualTo("mdat");
        initEnd = initEnd < 0 ? merkle.offset() : initEnd;
        fragments.add(Arrays.copyOfRange(b, (int) merkle.offset(), (int) (mdat.offset() + mdat.size())));
      }
    }
    return new Split(Arrays.copyOf(b, (int) initEnd), fragments);
  }

  static JsonNode validate(Path anchors, String... files) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "src/test/node/validate.mjs", "--anchors",
        anchors.toString()));
    command.addAll(List.of(files));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return C2paSignerIT.JSON.readTree(out);
  }

  static JsonNode fragment(Path init, byte[] fragment, String name) throws Exception {
    return validate(dir.resolve("ca.pem"), "--init", init.toString(), "--fragment", write(name, fragment).toString());
  }

  static Path write(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  static List<String> explanations(JsonNode v) {
    List<String> e = new ArrayList<>();
    v.at("/statuses/failure").forEach(s -> e.add(s.path("explanation").asText()));
    return e;
  }

  @Test
  void everyFragmentReadOnItsOwnIsTrustedByTheReferenceValidator() throws Exception {
    List<C2paSigner.Box> boxes = C2paSigner.boxes(signed);
    assertThat(boxes.stream().map(C2paSigner.Box::type).toList()).containsExactly("ftyp", "uuid", "moov",
        "uuid", "moof", "mdat", "uuid", "moof", "mdat", "uuid", "moof", "mdat", "mfra");
    long merkleBoxes = boxes.stream().filter(C2paSigner.Box::c2pa).mapToLong(C2paSigner.Box::size).sum()
        - result.manifestBytes();
    assertThat(Files.size(signed)).isEqualTo(Files.size(clip) + result.manifestBytes() + merkleBoxes);
    Split s = split(signed);
    Path init = write("init.mp4", s.init);
    assertThat(s.fragments).hasSize(3);
    for (int i = 0; i < s.fragments.size(); i++) {
      JsonNode v = fragment(init, s.fragments.get(i), "fragment" + i + ".m4s");
      assertThat(v.get("validation_state").asText()).as(v.toString()).isEqualTo("Trusted");
      assertThat(C2paSignerIT.codes(v.get("failures"))).isEmpty();
      assertThat(C2paSignerIT.codes(v.get("successes"))).contains("assertion.bmffHash.match",
          "claimSignature.validated", "signingCredential.trusted");
      assertThat(v.at("/active_manifest/label").asText()).isEqualTo(result.label());
      JsonNode map = v.at("/active_manifest/assertions/c2pa.hash.bmff.v3/merkle/0");
      assertThat(map.path("count").asInt()).isEqualTo(3);
      assertThat(v.at("/active_manifest/assertions/c2pa.hash.bmff.v3").has("hash")).isFalse();
    }
    // Read whole, the reference validator hashes each fragment with the whole file's offsets.
    JsonNode whole = validate(dir.resolve("ca.pem"), signed.toString());
    assertThat(whole.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(C2paSignerIT.codes(whole.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
    assertThat(explanations(whole)).singleElement().asString().contains("Fragment not valid");
    assertThat(C2paSignerIT.codes(whole.get("successes"))).contains("claimSignature.validated",
        "signingCredential.trusted");
    // Custody's reader checks the whole file as the fragments are checked.
    C2paReader.Report own = C2paReader.read(signed, List.of(ca.certificate())).orElseThrow();
    assertThat(own.valid()).as(own.failures().toString()).isTrue();
    assertThat(own.trusted()).isTrue();
    assertThat(own.label()).isEqualTo(result.label());
    // Nothing else changed: without its C2PA boxes the file is the clip, and it plays frame for frame.
    assertThat(C2paReader.sha256WithoutManifest(signed))
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(clip)));
    assertThat(C2paSignerIT.frameMd5(signed)).isEqualTo(C2paSignerIT.frameMd5(clip));
  }

  @Test
  void anAlteredOrForeignFragmentIsReported() throws Exception {
    Split s = split(signed);
    Path init = write("init-altered.mp4", s.init);
    // one byte of media in the middle fragment
    byte[] flipped = s.fragments.get(1).clone();
    flipped[flipped.length - 100] ^= 0x01;
    JsonNode v = fragment(init, flipped, "flipped.m4s");
    assertThat(v.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(C2paSignerIT.codes(v.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
    assertThat(explanations(v)).singleElement().asString().contains("Fragment not valid");
    // the same byte flipped in the whole file: Custody's reader sees it
    byte[] whole = Files.readAllBytes(signed);
    long at = C2paSigner.boxes(signed).stream().filter(b -> b.type().equals("mdat")).skip(1).findFirst()
        .orElseThrow().offset() + 500;
    whole[(int) at] ^= 0x01;
    assertThat(C2paReader.read(write("flipped.mp4", whole), List.of(ca.certificate())).orElseThrow().failures())
        .containsExactly("assertion.bmffHash.mismatch");
    // a fragment of another file signed the same way, at the same place in its tree
    Path otherSigned = dir.resolve("other-signed.mp4");
    merkleSigner().sign(fragmented("other.mp4", "testsrc"), otherSigned);
    JsonNode foreign = fragment(init, split(otherSigned).fragments.get(1), "foreign.m4s");
    assertThat(foreign.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(C2paSignerIT.codes(foreign.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
    assertThat(explanations(foreign)).singleElement().asString().contains("Fragment not valid");
    // a fragment without its Merkle box (moof + mdat only)
    long moof = C2paSigner.boxes(write("f1.m4s", s.fragments.get(1))).get(1).offset();
    byte[] bare = Arrays.copyOfRange(s.fragments.get(1), (int) moof, s.fragments.get(1).length);
    JsonNode unbound = fragment(init, bare, "bare.m4s");
    assertThat(unbound.get("validation_state").asText()).isEqualTo("Invalid");
    assertThat(C2paSignerIT.codes(unbound.get("failures"))).containsExactly("assertion.bmffHash.mismatch");
    assertThat(explanations(unbound)).singleElement().asString().contains("Fragment had no MerkleMap");
    // two fragments swapped in the whole file: each still proves its leaf, but not its place
    List<C2paSigner.Box> boxes = C2paSigner.boxes(signed);
    byte[] good = Files.readAllBytes(signed);
    int first = (int) boxes.get(3).offset();
    byte[] swapped = new byte[good.length];
    System.arraycopy(good, 0, swapped, 0, first);
    System.arraycopy(s.fragments.get(1), 0, swapped, first, s.fragments.get(1).length);
    System.arraycopy(s.fragments.get(0), 0, swapped, first + s.fragments.get(1).length,
        s.fragments.get(0).length);
    int rest = first + s.fragments.get(0).length + s.fragments.get(1).length;
    System.arraycopy(good, rest, swapped, rest, good.length - rest);
    assertThat(C2paReader.read(write("swapped.mp4", swapped), List.of(ca.certificate())).orElseThrow().failures())
        .containsExactly("assertion.bmffHash.mismatch");
  }

  /**
   * Trees of other shapes: one fragment (an empty proof, written as null) and 19 (layers of 19, 10,
   * 5, 3, 2 and 1 nodes, unpaired nodes carried up on three of them): every fragment is Trusted.
   */
  @Test
  void oneFragmentAndNineteenFragmentsValidateToo() throws Exception {
    for (String[] shape : List.of(new String[] {"one", "0.8", "25", "1"}, new String[] {"many", "3", "4", "19"})) {
      Path source = dir.resolve(shape[0] + ".mp4");
      Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
          "testsrc2=size=160x120:rate=25", "-t", shape[1], "-c:v", "libx264", "-g", shape[2], "-pix_fmt", "yuv420p",
          "-threads", "1", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", source.toString())
          .inheritIO().start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      Path out = dir.resolve(shape[0] + "-signed.mp4");
      merkleSigner().sign(source, out);
      Split s = split(out);
      assertThat(s.fragments).hasSize(Integer.parseInt(shape[3]));
      Path init = write(shape[0] + "-init.mp4", s.init);
      for (int i = 0; i < s.fragments.size(); i++) {
        JsonNode v = fragment(init, s.fragments.get(i), shape[0] + i + ".m4s");
        assertThat(v.get("validation_state").asText()).as("%s fragment %d: %s", shape[0], i, v).isEqualTo("Trusted");
      }
      assertThat(C2paReader.read(out, List.of(ca.certificate())).orElseThrow().failures()).isEmpty();
    }
  }

  @Test
  void onlyFragmentsWithoutAbsoluteOffsetsAreSignedTheMerkleWay() throws Exception {
    Path plain = ffmpeg("plain.mp4", "testsrc", "+faststart");
    assertThatThrownBy(() -> merkleSigner().sign(plain, dir.resolve("plain-signed.mp4")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no moof");
    // without default_base_moof, ffmpeg's tfhd carries the absolute offset of the fragment's data
    Path absolute = ffmpeg("absolute.mp4", "testsrc", "+frag_keyframe+empty_moov");
    assertThatThrownBy(() -> merkleSigner().sign(absolute, dir.resolve("absolute-signed.mp4")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base data offset");
    // the flat form too: the manifest box after ftyp would move the data those offsets point at
    assertThatThrownBy(() -> C2paSignerIT.signer(export).sign(absolute, dir.resolve("absolute-flat.mp4")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base data offset");
  }
}
