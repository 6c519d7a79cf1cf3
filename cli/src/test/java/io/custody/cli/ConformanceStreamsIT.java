package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.frameMd5;
import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.cli.EvidenceCommandsIT.Result;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 21 ITU-T H.264 conformance streams in {@code testdata/conformance} (encoders other than
 * x264: several slices per picture, redefined and switched parameter sets, every POC type, memory
 * management operation 5, long-term and non-reference pictures, no VUI timing) through the command
 * line: each is recorded from the Annex-B file, from standard input and from an MP4 that ffmpeg
 * made with {@code -c copy}, with a trigger at 0 and a window that keeps everything; every frame
 * fed must be sealed and accounted for, the recording must verify, and its export must decode to
 * exactly ffmpeg's frames of the source with strictly increasing decode timestamps. {@code inspect}
 * must match ffprobe on each.
 */
@Tag("slow")
class ConformanceStreamsIT {
  static final Path STREAMS = Paths.get(System.getProperty("custody.conformance", "../testdata/conformance"));
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Path keys;

  static Stream<String> streams() throws Exception {
    try (Stream<Path> files = Files.list(STREAMS)) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".264") || n.endsWith(".h264") || n.endsWith(".jsv")).sorted().toList();
      assertThat(names).hasSize(21);
      return names.stream();
    }
  }

  @BeforeAll
  static void keys() {
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
  }

  private static String[] record(String input, Path store, String... more) {
    return record(input, store, 120, more);
  }

  private static String[] record(String input, Path store, int preEvent, String... more) {
    List<String> args = new ArrayList<>(List.of("record", "--input", input, "--pre-event", String.valueOf(preEvent),
        "--trigger-at", "0", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--json"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Checks what {@code record --json} said, then verifies and exports; returns the export. */
  private static Path verifyAndExport(Result rec, Path store, int packets, String label) throws Exception {
    assertThat(rec.exit()).as("%s: %s", label, rec.err()).isZero();
    JsonNode j = JSON.readTree(rec.out());
    assertThat(j.get("frames_in").asLong()).as("%s frames in", label).isEqualTo(packets);
    assertThat(j.get("frames_sealed").asLong()).as("%s frames sealed", label).isEqualTo(packets);
    long evicted = 0;
    for (JsonNode n : j.get("frames_evicted")) {
      evicted += n.asLong();
    }
    long dropped = 0;
    for (JsonNode n : j.get("frames_dropped")) {
      dropped += n.asLong();
    }
    assertThat(evicted + dropped).as("%s frames not sealed", label).isZero();
    String id = j.get("recording").asText();
    Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + store + "#" + id);
    assertThat(v.exit()).as("%s verify: %s%s", label, v.out(), v.err()).isZero();
    Path out = store.resolveSibling(store.getFileName() + ".mp4");
    Result e = run("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", out.toString(), "file:" + store + "#" + id);
    assertThat(e.exit()).as("%s export: %s", label, e.err()).isZero();
    return out;
  }

  /** The export holds exactly the source's frames, its decode times strictly increase, and ffmpeg reads it cleanly. */
  private static void assertFrameExact(Path export, Path source, String label) throws Exception {
    assertThat(frameMd5(export)).as("%s frames", label).isEqualTo(frameMd5(source));
    long previous = Long.MIN_VALUE;
    for (String line : ffprobe("-select_streams", "v", "-show_entries", "packet=dts", "-of", "csv=p=0",
        export.toString()).lines().toList()) {
      long dts = Long.parseLong(line.trim().replace(",", ""));
      assertThat(dts).as("%s decode times strictly increase", label).isGreaterThan(previous);
      previous = dts;
    }
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "warning", "-i", export.toString(), "-map", "0:v",
        "-f", "null", "-").redirectErrorStream(true).start();
    String warnings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(warnings).as("%s: ffmpeg decoding the export", label).isEmpty();
  }

  static String ffprobe(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    return out;
  }

  /** ffprobe's access-unit count for a raw stream. */
  static int packets(Path stream) throws Exception {
    return Integer.parseInt(ffprobe("-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
        stream.toString()).trim());
  }

  @ParameterizedTest
  @MethodSource("streams")
  void fromTheAnnexBFile(String name) throws Exception {
    Path source = STREAMS.resolve(name);
    Path store = dir.resolve("file-" + name);
    Result rec = run(record(source.toString(), store));
    assertThat(JSON.readTree(rec.out()).get("fps_source").asText()).isEqualTo("default");
    assertThat(rec.err()).contains("no VUI timing").contains("assumed 30/1 fps");
    assertFrameExact(verifyAndExport(rec, store, packets(source), name), source, name);
  }

  @ParameterizedTest
  @MethodSource("streams")
  void fromStandardInput(String name) throws Exception {
    Path source = STREAMS.resolve(name);
    Path store = dir.resolve("stdin-" + name);
    InputStream stdin = System.in;
    Result rec;
    try (InputStream in = Files.newInputStream(source)) {
      System.setIn(in);
      rec = run(record("-", store, "--fps", "25"));
    } finally {
      System.setIn(stdin);
    }
    assertThat(JSON.readTree(rec.out()).get("fps").asText()).isEqualTo("25/1");
    assertThat(JSON.readTree(rec.out()).get("fps_source").asText()).isEqualTo("setting");
    assertThat(rec.err()).doesNotContain("assumed");
    assertFrameExact(verifyAndExport(rec, store, packets(source), name + " (stdin)"), source, name);
  }

  @ParameterizedTest
  @MethodSource("streams")
  void fromAnMp4MadeByFfmpeg(String name) throws Exception {
    Path source = STREAMS.resolve(name);
    Path mp4 = dir.resolve(name + ".in.mp4");
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "h264", "-framerate", "30",
        "-i", source.toString(), "-c", "copy", mp4.toString()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    Path store = dir.resolve("mp4-" + name);
    Result rec = run(record(mp4.toString(), store));
    assertFrameExact(verifyAndExport(rec, store, packets(source), name + " (mp4)"), source, name);
  }

  @ParameterizedTest
  @MethodSource("streams")
  void inspectMatchesFfprobe(String name) throws Exception {
    Path source = STREAMS.resolve(name);
    Result r = run("inspect", "--json", source.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = JSON.readTree(r.out());
    List<Integer> keyframes = new ArrayList<>();
    List<String> flags = ffprobe("-show_entries", "packet=flags", "-of", "csv=p=0", source.toString()).lines().toList();
    for (int i = 0; i < flags.size(); i++) {
      if (flags.get(i).startsWith("K")) {
        keyframes.add(i);
      }
    }
    assertThat(j.get("access_units").asInt()).isEqualTo(flags.size()).isEqualTo(packets(source));
    List<Integer> ours = new ArrayList<>();
    j.get("keyframes").forEach(k -> ours.add(k.asInt()));
    assertThat(ours).isEqualTo(keyframes);
  }

  /**
   * A trigger at 0 with no pre-event window keeps every frame of a stream that fits in one input
   * chunk: it fires at the first access unit, not when the chunk holding the whole file was fed.
   */
  @Test
  void aTriggerAtZeroWithNoWindowKeepsEveryFrameOfASmallStream() throws Exception {
    Path source = STREAMS.resolve("BA_MW_D.264");
    assertThat(Files.size(source)).isLessThan(64 * 1024);
    Path store = dir.resolve("exact-BA_MW_D");
    Result rec = run(record(source.toString(), store, 0));
    assertFrameExact(verifyAndExport(rec, store, 100, "BA_MW_D, no window"), source, "BA_MW_D");
  }
}
