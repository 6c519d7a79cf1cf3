package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InspectCommandTest {
  static Path clips() {
    return Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));
  }

  static List<String> h264Clips() throws IOException {
    try (Stream<Path> files = Files.list(clips())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".h264")).sorted()
          .collect(Collectors.toList());
    }
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @MethodSource("h264Clips")
  void jsonMatchesFfprobe(String clip) throws IOException {
    Result r = run("inspect", "--json", clips().resolve(clip).toString());
    assertThat(r.exit()).isZero();
    JsonNode got = new ObjectMapper().readTree(r.out());
    String base = clip.substring(0, clip.length() - ".h264".length());
    JsonNode want = new ObjectMapper().readTree(clips().resolve(base + ".expected.json").toFile());

    assertThat(got.get("width").asInt()).isEqualTo(want.get("width").asInt());
    assertThat(got.get("height").asInt()).isEqualTo(want.get("height").asInt());
    assertThat(got.get("profile_idc").asInt()).isEqualTo(want.get("profile_idc").asInt());
    assertThat(got.get("level_idc").asInt()).isEqualTo(want.get("sps").get(0).get("level_idc").asInt());
    // Without VUI timing ffprobe's 25 fps is its raw H.264 demuxer's default, not the stream's:
    // inspect says 0, not signalled.
    boolean timed = want.get("sps").get(0).path("timing_info_present_flag").asInt() == 1;
    assertThat(got.get("fps").asDouble()).isEqualTo(timed ? want.get("fps").asDouble() : 0.0);
    assertThat(got.get("access_units")).isEqualTo(want.get("access_units"));
    assertThat(got.get("keyframes")).isEqualTo(want.get("keyframes"));
    assertThat(r.out().trim().lines()).hasSize(1);
  }

  @Test
  void textReportNamesTheFacts() {
    Result r = run("inspect", clips().resolve("bwc-1080p30-high.h264").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("1920x1080").contains("High").contains("level 4.0")
        .contains("30 fps").contains("access units:  90").contains("3 at 0, 30, 60");
  }

  @Test
  void aStreamWithoutTimingSaysSo() {
    Result r = run("inspect", clips().resolve("openh264-360p30-4slices.h264").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("640x360").contains("frame rate:    not signalled").contains("access units:  60");
  }

  @Test
  void missingFileIsOneLineAndExitOne() {
    Result r = run("inspect", "/no/such/file.h264");
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("no such file");
  }

  @Test
  void garbageIsOneLineAndExitOne(@TempDir Path dir) throws IOException {
    Path garbage = dir.resolve("garbage.h264");
    Files.write(garbage, "this is not video at all".repeat(1000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Result r = run("inspect", "--json", garbage.toString());
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().trim().lines()).hasSize(1).first().asString().contains("no Annex-B start code");
  }

  @Test
  void truncatedStreamWithoutParameterSetsIsRejected(@TempDir Path dir) throws IOException {
    byte[] clip = Files.readAllBytes(clips().resolve("bwc-720p30-baseline.h264"));
    // Drop the SPS and PPS at the head: every slice refers to a PPS that was never sent.
    int firstSlice = indexOfSliceStart(clip);
    Path cut = dir.resolve("no-sps.h264");
    Files.write(cut, java.util.Arrays.copyOfRange(clip, firstSlice, clip.length));
    Result r = run("inspect", cut.toString());
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("has not been seen");
  }

  private static int indexOfSliceStart(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0x1f) == 5) {
        return i;
      }
    }
    throw new AssertionError("no IDR slice");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run().exit()).isEqualTo(Main.USAGE);
    assertThat(run("inspect", "--no-such-flag", "x").exit()).isEqualTo(Main.USAGE);
  }
}
