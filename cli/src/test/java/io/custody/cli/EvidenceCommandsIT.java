package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys init → record → verify → export → tamper → crash → recover, through the command line. */
class EvidenceCommandsIT {
  static final Path CLIPS = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));

  record Result(int exit, String out, String err) {}

  /** A custody ledger made for a test: its URI and the directory of its key pair. */
  record TestLedger(String uri, Path keys) {
    /** The options that record in it as {@code actor}. */
    List<String> options(String actor) {
      return List.of("--ledger", uri, "--ledger-key", keys.resolve("ledger.key").toString(), "--actor", actor);
    }

    /** Its public key file. */
    Path pub() {
      return keys.resolve("ledger.pub");
    }
  }

  /** A new ledger at file:DIR/NAME (origin test.example-police.uk/custody), its keys in DIR/NAME-keys. */
  static TestLedger newLedger(Path dir, String name) {
    Path keys = dir.resolve(name + "-keys");
    Result k = run("keys", "init", "--ledger", "--out", keys.toString());
    assertThat(k.exit()).as(k.err()).isZero();
    String uri = "file:" + dir.resolve(name);
    Result l = run("ledger", "init", "--ledger-key", keys.resolve("ledger.key").toString(), "--origin",
        "test.example-police.uk/custody", uri);
    assertThat(l.exit()).as(l.err()).isZero();
    return new TestLedger(uri, keys);
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  static List<String> frameMd5(Path file) throws Exception {
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", file.toString(),
        "-map", "0:v", "-f", "framemd5", "-").redirectErrorStream(false).start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    List<String> hashes = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] c = line.split(",", -1);
        hashes.add(c[c.length - 1].trim());
      }
    }
    return hashes;
  }

  @Test
  void theEvidenceLifecycle(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("device.key")))).isEqualTo("rw-------");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isEqualTo(Main.BAD_INPUT); // never overwrites

    Path store = dir.resolve("evidence");
    Path clip = CLIPS.resolve("bwc-720p30-baseline.h264");
    Result rec = run("record", "--input", clip.toString(), "--pre-event", "30", "--trigger-at", "2",
        "--segment", "1", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    JsonNode recJson = new ObjectMapper().readTree(rec.out());
    String id = recJson.get("recording").asText();
    assertThat(recJson.get("segments").asInt()).isEqualTo(4);
    String ref = "file:" + store + "#" + id;

    Result ok = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "--json", ref);
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(new ObjectMapper().readTree(ok.out()).get("ok").asBoolean()).isTrue();

    Path mp4 = dir.resolve("out.mp4");
    Result exp = run("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", mp4.toString(), ref);
    assertThat(exp.exit()).as(exp.err()).isZero();
    assertThat(frameMd5(mp4)).isEqualTo(frameMd5(clip));
    assertThat(Files.readString(dir.resolve("out.json"))).contains(id).contains("\"manifests\"");

    // Upload to another store, twice: the second run uploads nothing; the copy verifies there.
    Path remote = dir.resolve("remote");
    Result up = run("upload", "--json", ref, "file:" + remote);
    assertThat(up.exit()).as(up.err()).isZero();
    assertThat(new ObjectMapper().readTree(up.out()).get("uploaded").asInt()).isEqualTo(4);
    Result again = run("upload", "--json", ref, "file:" + remote);
    assertThat(new ObjectMapper().readTree(again.out()).get("uploaded").asInt()).isZero();
    assertThat(run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + remote + "#" + id).exit())
        .isZero();

    // A wrong key is a one-line error.
    Path otherKeys = dir.resolve("other");
    run("keys", "init", "--out", otherKeys.toString());
    Result wrong = run("export", "--key", otherKeys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", dir.resolve("x.mp4").toString(), ref);
    assertThat(wrong.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(wrong.err().trim().lines()).hasSize(1);
    assertThat(dir.resolve("x.mp4")).doesNotExist();

    // A flipped bit in a stored segment fails verify and names the segment.
    Path seg1 = store.resolve(id).resolve("00001.sealed");
    byte[] original = Files.readAllBytes(seg1);
    byte[] flipped = original.clone();
    flipped[flipped.length / 2] ^= 0x10;
    Files.write(seg1, flipped);
    Result bad = run("verify", "--device-pub", keys.resolve("device.pub").toString(), ref);
    assertThat(bad.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.out()).contains("segment 1 does not verify");
    Files.write(seg1, original);

    // A crash while sealing the last segment: it is left as .00003.sealed.part, cut short.
    Path last = store.resolve(id).resolve("00003.sealed");
    byte[] whole = Files.readAllBytes(last);
    Files.delete(last);
    Files.write(store.resolve(id).resolve(".00003.sealed.part"), Arrays.copyOf(whole, whole.length * 2 / 3));
    Result before = run("verify", "--device-pub", keys.resolve("device.pub").toString(), ref);
    assertThat(before.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(before.out()).contains("last segment is missing");
    Result recover = run("recover", "--device-key", keys.resolve("device.key").toString(), "--json", "file:" + store);
    assertThat(recover.exit()).as(recover.err()).isZero();
    assertThat(new ObjectMapper().readTree(recover.out()).get("recordings").get(0).get("recording").asText()).isEqualTo(id);
    Result after = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "--json", ref);
    assertThat(after.exit()).as(after.out() + after.err()).isZero();
    assertThat(new ObjectMapper().readTree(after.out()).get("recordings").get(0).get("recovered").asBoolean()).isTrue();
    assertThat(store.resolve(id).resolve(".00003.sealed.part")).exists(); // the original stays
    Result exp2 = run("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", dir.resolve("recovered.mp4").toString(), ref);
    assertThat(exp2.exit()).as(exp2.err()).isZero();
    List<String> recovered = frameMd5(dir.resolve("recovered.mp4"));
    assertThat(recovered).isEqualTo(frameMd5(clip).subList(0, recovered.size()));
    assertThat(recovered.size()).isBetween(90, 119);
  }

  @Test
  void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    run("keys", "init", "--out", keys.toString());
    Path notVideo = dir.resolve("notes.txt");
    Files.writeString(notVideo, "not video".repeat(100));
    Result r = run("record", "--input", notVideo.toString(), "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + dir.resolve("ev"));
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("not valid H.264");
    try (Stream<Path> files = Files.exists(dir.resolve("ev")) ? Files.walk(dir.resolve("ev")) : Stream.empty()) {
      assertThat(files.filter(p -> p.toString().endsWith(".sealed"))).isEmpty(); // nothing that looks complete
    }
    Result missing = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + dir.resolve("none"));
    assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err().trim().lines()).hasSize(1);
  }
}
