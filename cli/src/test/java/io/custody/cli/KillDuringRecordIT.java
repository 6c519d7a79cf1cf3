package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custody record --input -} as a real process fed from a pipe, killed with SIGKILL at
 * random moments ({@code -Dcustody.kills}, default 50): afterwards {@code recover} and {@code
 * verify} succeed, and the footage exported from every tenth run is frame-exact with the source up
 * to where it stops.
 */
// Among the slowest integration tests: scripts/test.sh runs it on JDK 17 only (README, "Tests").
@Tag("slow")
class KillDuringRecordIT {
  static final Path CLIPS = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));
  @TempDir static Path dir;
  static byte[] stream;
  static Path keys;
  static List<String> sourceFrames;

  @BeforeAll
  static void setUp() throws Exception {
    byte[] clip = Files.readAllBytes(CLIPS.resolve("bwc-720p30-baseline.h264"));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 8; i++) {
      all.writeBytes(clip); // 32 s, a keyframe every second
    }
    stream = all.toByteArray();
    Files.write(dir.resolve("source.h264"), stream);
    sourceFrames = EvidenceCommandsIT.frameMd5(dir.resolve("source.h264"));
    keys = dir.resolve("keys");
    assertThat(EvidenceCommandsIT.run("keys", "init", "--out", keys.toString()).exit()).isZero();
  }

  @Test
  void killNineAtRandomMomentsLeavesRecoverableVerifiableFootage() throws Exception {
    int kills = Integer.getInteger("custody.kills", 50);
    Random random = new Random(99);
    int recovered = 0;
    for (int run = 0; run < kills; run++) {
      Path store = dir.resolve("ev-" + run);
      Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
          System.getProperty("java.class.path"), Main.class.getName(), "record", "--input", "-",
          "--pre-event", "0", "--trigger-at", "0", "--segment", "2", "--device-key",
          keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
          "--store", "file:" + store)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      long deadline = System.nanoTime() + (300 + random.nextInt(1200)) * 1_000_000L;
      try (OutputStream pipe = p.getOutputStream()) {
        // Like an encoder: about 1 MB/s in 32 KiB writes, until the kill.
        for (int pos = 0; pos < stream.length && System.nanoTime() < deadline; pos += 32 * 1024) {
          pipe.write(stream, pos, Math.min(32 * 1024, stream.length - pos));
          pipe.flush();
          Thread.sleep(8);
        }
        p.destroyForcibly(); // SIGKILL, mid-stream
      } catch (IOException e) {
        p.destroyForcibly(); // the pipe broke: it died already
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (!hasSegments(store)) {
        continue; // killed before the first keyframe was fed: nothing was recorded
      }
      EvidenceCommandsIT.Result rec = EvidenceCommandsIT.run("recover", "--device-key",
          keys.resolve("device.key").toString(), "file:" + store);
      assertThat(rec.exit()).as("run %d: %s", run, rec.err()).isZero();
      EvidenceCommandsIT.Result ver = EvidenceCommandsIT.run("verify", "--device-pub",
          keys.resolve("device.pub").toString(), "--json", "file:" + store);
      assertThat(ver.exit()).as("run %d: %s", run, ver.out()).isZero();
      long fragments = 0;
      for (var r : new com.fasterxml.jackson.databind.ObjectMapper().readTree(ver.out()).get("recordings")) {
        fragments += r.get("fragments").asLong();
      }
      if (fragments == 0) {
        continue; // killed before the first fragment was complete: the recording is closed, empty
      }
      recovered++;
      if (run % 10 == 0) {
        Path mp4 = dir.resolve("run-" + run + ".mp4");
        EvidenceCommandsIT.Result exp = EvidenceCommandsIT.run("export", "--key",
            keys.resolve("recipient.key").toString(), "--device-pub", keys.resolve("device.pub").toString(),
            "-o", mp4.toString(), "file:" + store);
        assertThat(exp.exit()).as("run %d: %s", run, exp.err()).isZero();
        List<String> frames = EvidenceCommandsIT.frameMd5(mp4);
        assertThat(frames).isNotEmpty();
        assertThat(frames).isEqualTo(sourceFrames.subList(0, frames.size()));
      }
    }
    assertThat(recovered).as("runs that left footage").isGreaterThan(kills / 2);
  }

  private static boolean hasSegments(Path store) throws IOException {
    if (!Files.isDirectory(store)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(store)) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(".sealed") || f.getFileName().toString().endsWith(".sealed.part"));
    }
  }

}
