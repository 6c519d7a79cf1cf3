package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.CLIPS;
import static io.custody.cli.EvidenceCommandsIT.frameMd5;
import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.cli.EvidenceCommandsIT.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes into {@code record} besides an Annex-B file (an MP4, an empty pipe, a cut-short MP4,
 * a store that is not a directory), and what comes out of {@code inspect} and {@code export
 * --force}. A disk that fills up: {@link FullDiskRecordIT}.
 */
class RecordSourcesIT {
  @TempDir Path dir;
  Path keys;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void keys() {
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
  }

  private String[] record(String input, String store, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("record", "--input", input, "--pre-event", "30",
        "--trigger-at", "0", "--segment", "1", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", store, "--json"));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  private Path mp4(String name, boolean audio) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "h264",
        "-framerate", "30", "-i", CLIPS.resolve("bwc-1080p30-high.h264").toString()));
    if (audio) {
      cmd.addAll(List.of("-i", CLIPS.resolve("bwc-1080p30-audio.aac").toString(), "-map", "0:v", "-map", "1:a",
          "-bsf:a", "aac_adtstoasc", "-shortest"));
    }
    cmd.addAll(List.of("-c", "copy", out.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    return out;
  }

  private static List<Path> sealedFiles(Path store) throws Exception {
    if (!Files.exists(store)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(store)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sealed")).sorted().toList();
    }
  }

  @Test
  void anMp4IsRecordedWithItsAudioAndExportsFrameExact() throws Exception {
    Path mp4 = mp4("in.mp4", true);
    Path store = dir.resolve("ev");
    Result rec = run(record(mp4.toString(), "file:" + store));
    assertThat(rec.exit()).as(rec.err()).isZero();
    String id = JSON.readTree(rec.out()).get("recording").asText();
    Path out = dir.resolve("out.mp4");
    Result exp = run("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", out.toString(), "file:" + store + "#" + id);
    assertThat(exp.exit()).as(exp.err()).isZero();
    assertThat(frameMd5(out)).isEqualTo(frameMd5(CLIPS.resolve("bwc-1080p30-high.h264")));
    Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
        out.toString()).start();
    String streams = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String problems = new String(probe.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(problems).as("ffprobe reports").isEmpty();
    assertThat(streams.lines()).contains("h264", "aac");
    JsonNode info = JSON.readTree(Files.readString(dir.resolve("out.json")));
    assertThat(info.get("verified").asBoolean()).isTrue();
    assertThat(info.get("forced").asBoolean()).isFalse();
    // The audio track came along: every segment's manifest counts AAC samples.
    int audio = 0;
    for (JsonNode m : info.get("manifests")) {
      for (JsonNode t : m.get("tracks")) {
        audio += t.get("kind").asText().equals("audio") ? t.get("samples").asInt() : 0;
      }
    }
    assertThat(audio).isGreaterThan(130); // 3 s of 48 kHz AAC is 140 frames
  }

  @Test
  void aCutShortMp4IsRefusedBeforeAnythingIsWritten() throws Exception {
    byte[] whole = Files.readAllBytes(mp4("in.mp4", false));
    Path cut = dir.resolve("cut.mp4");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    Path store = dir.resolve("ev");
    Result r = run(record(cut.toString(), "file:" + store));
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("cut short");
    assertThat(store).doesNotExist();
  }

  @Test
  void anEmptyPipeIsAOneLineError() {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(new byte[0]));
    try {
      Path store = dir.resolve("ev");
      Result r = run(record("-", "file:" + store));
      assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("nothing recorded").contains("empty");
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void aMissingStoreIsAOneLineErrorBeforeRecording() {
    Result r = run(record(CLIPS.resolve("bwc-720p30-main.h264").toString(), "nosuch:somewhere"));
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("installed schemes");
  }

  @Test
  void intoAStoreThatIsNotADirectoryThroughTheSpool() throws Exception {
    Path spool = dir.resolve("spool");
    String store = "mem:record-" + System.nanoTime();
    Result rec = run(record(CLIPS.resolve("bwc-1080p30-high.h264").toString(), store, "--spool", spool.toString()));
    assertThat(rec.exit()).as(rec.err()).isZero();
    JsonNode j = JSON.readTree(rec.out());
    assertThat(j.get("uploaded").asInt()).isEqualTo(j.get("segments").asInt()).isEqualTo(3);
    String id = j.get("recording").asText();
    Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), store + "#" + id);
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    assertThat(sealedFiles(spool)).isEmpty(); // released once verified in the store
    assertThat(spool.resolve(id)).doesNotExist();
  }

  @Test
  void progressIsABarOnRequest() {
    Result r = run(record(CLIPS.resolve("bwc-1080p30-high.h264").toString(), "file:" + dir.resolve("ev"),
        "--progress", "bar"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).startsWith("\r[").contains("100%").contains("s recorded").contains("MB/s").endsWith("\n");
  }

  @Test
  void inspectShowsSealedSegmentsWithoutKeysAndStreamFactsWithThem() throws Exception {
    Path store = dir.resolve("ev");
    Result rec = run(record(CLIPS.resolve("bwc-1080p30-high.h264").toString(), "file:" + store));
    String id = JSON.readTree(rec.out()).get("recording").asText();
    Path first = store.resolve(id).resolve("00000.sealed");

    Result text = run("inspect", first.toString());
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("recording:     " + id + ", segment 0").contains("fragments:     1")
        .contains("state:         finished").contains("not checked");

    Result all = run("inspect", "--json", "--device-pub", keys.resolve("device.pub").toString(), "--key",
        keys.resolve("recipient.key").toString(), "file:" + store + "#" + id);
    assertThat(all.exit()).as(all.err()).isZero();
    JsonNode segments = JSON.readTree(all.out()).get("segments");
    assertThat(segments).hasSize(3);
    for (JsonNode s : segments) {
      assertThat(s.get("verified").asBoolean()).isTrue();
      assertThat(s.get("stream").get("width").asInt()).isEqualTo(1920);
      assertThat(s.get("stream").get("height").asInt()).isEqualTo(1080);
      assertThat(s.get("stream").get("frames").asInt()).isEqualTo(30);
      assertThat(s.get("recipients").get(0).asText()).hasSize(64);
    }
    assertThat(segments.get(2).get("manifest").get("last_in_recording").asBoolean()).isTrue();

    // A copy cut short is unfinished; tampered bytes fail the signature check.
    byte[] whole = Files.readAllBytes(first);
    Path cut = dir.resolve("cut.sealed");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    Result c = run("inspect", "--json", cut.toString());
    assertThat(c.exit()).isZero();
    assertThat(JSON.readTree(c.out()).get("finished").asBoolean()).isFalse();
    Result unfinished = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "--json", cut.toString());
    assertThat(unfinished.exit()).isEqualTo(Main.BAD_INPUT);
    JsonNode report = JSON.readTree(unfinished.out());
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("segment").get("complete").asBoolean()).isFalse();
    assertThat(report.get("segment").get("status").asText()).isEqualTo("unfinished");
    whole[whole.length / 3] ^= 1;
    Files.write(cut, whole);
    Result t = run("inspect", "--device-pub", keys.resolve("device.pub").toString(), cut.toString());
    assertThat(t.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(t.out()).contains("signatures:    FAILED");
  }

  @Test
  void exportForceSaysSoAndLeavesOutWhatFailsAuthentication() throws Exception {
    Path store = dir.resolve("ev");
    Path clip = CLIPS.resolve("bwc-1080p30-high.h264");
    Result rec = run(record(clip.toString(), "file:" + store));
    String id = JSON.readTree(rec.out()).get("recording").asText();
    Path seg1 = store.resolve(id).resolve("00001.sealed");
    byte[] b = Files.readAllBytes(seg1);
    b[b.length / 2] ^= 0x40; // inside the ciphertext of the middle segment's only fragment
    Files.write(seg1, b);
    String[] export = {"export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", dir.resolve("out.mp4").toString(), "file:" + store + "#" + id};
    Result refused = run(export);
    assertThat(refused.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(refused.err()).contains("does not verify").contains("--force");
    assertThat(dir.resolve("out.mp4")).doesNotExist();

    String[] forced = Arrays.copyOf(export, export.length + 1);
    forced[export.length] = "--force";
    Result r = run(forced);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("WARNING").contains("--force");
    assertThat(r.out()).contains("NOT VERIFIED");
    JsonNode info = JSON.readTree(Files.readString(dir.resolve("out.json")));
    assertThat(info.get("verified").asBoolean()).isFalse();
    assertThat(info.get("forced").asBoolean()).isTrue();
    assertThat(info.get("verification_problem").asText()).isNotEmpty();
    assertThat(info.get("left_out")).hasSize(1);
    assertThat(info.get("left_out").get(0).asText()).contains("00001.sealed: fragment 0");
    // What is left plays: segments 0 and 2, frame-exact.
    List<String> source = frameMd5(clip);
    List<String> got = frameMd5(dir.resolve("out.mp4"));
    assertThat(got).hasSize(60);
    assertThat(got.subList(0, 30)).isEqualTo(source.subList(0, 30));
    assertThat(got.subList(30, 60)).isEqualTo(source.subList(60, 90));
  }

  @Test
  void uploadCanPutRetentionOnTheCopies() throws Exception {
    Path store = dir.resolve("ev");
    Result rec = run(record(CLIPS.resolve("bwc-720p30-main.h264").toString(), "file:" + store));
    String id = JSON.readTree(rec.out()).get("recording").asText();
    Path archive = dir.resolve("archive");
    Result up = run("upload", "--retain-days", "30", "file:" + store, "file:" + archive);
    assertThat(up.exit()).as(up.err()).isZero();
    try (io.custody.storage.BlobStore s = io.custody.storage.Storage.open(archive.toUri())) {
      String key = id + "/00000.sealed";
      assertThat(s.stat(key).orElseThrow().retention()).hasValueSatisfying(r ->
          assertThat(r.until()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(29))));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.delete(key))
          .isInstanceOf(io.custody.storage.RetentionException.class);
    }
    assertThat(run("upload", "--retain-days", "0", "file:" + store, "file:" + archive).exit()).isEqualTo(Main.BAD_INPUT);
  }

  @Test
  void severalTriggersAndStopsFromFlagsOrMetadataMakeSeveralRecordings() throws Exception {
    Path store = dir.resolve("ev");
    String clip = CLIPS.resolve("bwc-720p30-baseline.h264").toString();
    String[] args = {"record", "--input", clip, "--pre-event", "0", "--trigger-at", "0", "--stop-at", "1.5",
        "--trigger-at", "2.5", "--segment", "10", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--json"};
    Result flags = run(args);
    assertThat(flags.exit()).as(flags.err()).isZero();
    assertThat(JSON.readTree(flags.out()).get("recordings")).hasSize(2);

    Path events = dir.resolve("events.jsonl");
    Files.writeString(events, "{\"t\": 0.5, \"type\": \"trigger\", \"source\": \"holster\"}\n"
        + "{\"t\": 1.0, \"type\": \"trigger\"}\n" // while recording: changes nothing
        + "{\"t\": 2.0, \"type\": \"stop\"}\n{\"t\": 3.0, \"type\": \"trigger\", \"source\": \"TASER\"}\n");
    Path store2 = dir.resolve("ev2");
    Result marked = run("record", "--input", clip, "--pre-event", "0", "--metadata", events.toString(),
        "--device-key", keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", "file:" + store2, "--json");
    assertThat(marked.exit()).as(marked.err()).isZero();
    assertThat(JSON.readTree(marked.out()).get("recordings")).hasSize(2);
    Result inspected = run("inspect", "--json", "file:" + store2);
    List<String> sources = new java.util.ArrayList<>();
    JSON.readTree(inspected.out()).get("segments")
        .forEach(seg -> sources.add(seg.get("descriptor").get("trigger").get("source").asText()));
    assertThat(sources).containsExactlyInAnyOrder("HOLSTER", "TASER");
    assertThat(run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + store2).exit()).isZero();

    Path csv = dir.resolve("events.csv"); // the same events as CSV
    Files.writeString(csv, "t,type,source\n0.5,trigger,holster\n1.0,trigger,\n2.0,stop,\n3.0,trigger,TASER\n");
    Path store3 = dir.resolve("ev-csv");
    Result fromCsv = run("record", "--input", clip, "--pre-event", "0", "--metadata", csv.toString(),
        "--device-key", keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", "file:" + store3, "--json");
    assertThat(fromCsv.exit()).as(fromCsv.err()).isZero();
    assertThat(JSON.readTree(fromCsv.out()).get("recordings")).hasSize(2);

    Files.writeString(events, "{\"t\": 0.5, \"type\": \"trigger\", \"source\": \"elbow\"}\n");
    Result bad = run("record", "--input", clip, "--metadata", events.toString(), "--device-key",
        keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", "file:" + dir.resolve("ev3"));
    assertThat(bad.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.err().trim().lines()).hasSize(1).first().asString().contains("line 1").contains("unknown trigger source");
    assertThat(dir.resolve("ev3")).doesNotExist(); // refused before recording anything
  }

  @Test
  void exportPerSegmentAndVerifyOfOneSegmentObject() throws Exception {
    Path store = dir.resolve("ev");
    Path clip = CLIPS.resolve("bwc-1080p30-high.h264");
    Result rec = run(record(clip.toString(), "file:" + store));
    String id = JSON.readTree(rec.out()).get("recording").asText();
    Result exp = run("export", "--per-segment", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", dir.resolve("case.mp4").toString(), "file:" + store + "#" + id);
    assertThat(exp.exit()).as(exp.err()).isZero();
    List<String> source = frameMd5(clip);
    JsonNode files = JSON.readTree(Files.readString(dir.resolve("case.json"))).get("files");
    assertThat(files).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Path part = dir.resolve(String.format(java.util.Locale.ROOT, "case-%05d.mp4", i));
      assertThat(files.get(i).get("file").asText()).isEqualTo(part.getFileName().toString());
      assertThat(files.get(i).get("sha256").asText()).isEqualTo(
          java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(part))));
      assertThat(frameMd5(part)).isEqualTo(source.subList(30 * i, 30 * i + 30));
    }

    String pub = keys.resolve("device.pub").toString();
    Path seg = store.resolve(id).resolve("00001.sealed");
    Result one = run("verify", "--device-pub", pub, "--json", seg.toString());
    assertThat(one.exit()).as(one.out() + one.err()).isZero();
    assertThat(JSON.readTree(one.out()).get("segment").get("segment").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(one.out()).get("segment").get("status").asText()).isEqualTo("complete");
    assertThat(run("verify", "--device-pub", pub, "file:" + store + "#" + id + "/00002.sealed").exit()).isZero();
    byte[] b = Files.readAllBytes(seg);
    b[b.length - 100] ^= 1;
    Files.write(seg, b);
    Result bad = run("verify", "--device-pub", pub, seg.toString());
    assertThat(bad.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.out()).contains("FAILED");
  }

  @Test
  void inspectOfDamagedSegmentsAnswersOrSaysWhyInOneLine() throws Exception {
    Path store = dir.resolve("ev");
    Result rec = run(record(CLIPS.resolve("bwc-720p30-main.h264").toString(), "file:" + store));
    String id = JSON.readTree(rec.out()).get("recording").asText();
    byte[] whole = Files.readAllBytes(store.resolve(id).resolve("00000.sealed"));
    java.util.Random random = new java.util.Random(7);
    Path damaged = dir.resolve("damaged.sealed");
    for (int round = 0; round < 200; round++) {
      byte[] b = whole.clone();
      int at = round < 100 ? random.nextInt(600) : random.nextInt(b.length); // the header, then anywhere
      b[at] = (byte) random.nextInt(256);
      Files.write(damaged, b);
      Result r = run("inspect", "--json", "--device-pub", keys.resolve("device.pub").toString(), damaged.toString());
      assertThat(r.exit()).as("byte %d: %s", at, r.err()).isIn(Main.OK, Main.BAD_INPUT);
      assertThat(r.err().lines().count()).as("byte %d: %s", at, r.err()).isLessThanOrEqualTo(1);
      if (r.exit() == Main.OK) {
        assertThat(JSON.readTree(r.out()).get("verified").asBoolean()).as("byte %d", at).isTrue();
      }
    }
  }
}
