package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --jobs N} verifies segments in parallel and reports exactly what one job does. */
@Timeout(120)
class VerifyJobsTest {
  static final Path CLIPS = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void everyNumberOfJobsGivesTheSameReport(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    String pub = keys.resolve("device.pub").toString();
    Path store = dir.resolve("evidence");
    for (int i = 0; i < 2; i++) { // two recordings of four segments each
      Result rec = run("record", "--input", CLIPS.resolve("bwc-720p30-baseline.h264").toString(), "--pre-event", "30",
          "--trigger-at", "2", "--segment", "1", "--device-key", keys.resolve("device.key").toString(),
          "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store);
      assertThat(rec.exit()).as(rec.err()).isZero();
    }
    String ref = "file:" + store;
    Result one = run("verify", "--jobs", "1", "--device-pub", pub, "--json", ref);
    assertThat(one.exit()).as(one.out()).isZero();
    assertThat(one.out()).contains("\"ok\":true");
    for (String jobs : new String[] {"2", "3", "16"}) {
      assertThat(run("verify", "--jobs", jobs, "--device-pub", pub, "--json", ref).out()).isEqualTo(one.out());
    }
    assertThat(run("verify", "--device-pub", pub, ref).out())
        .isEqualTo(run("verify", "--jobs", "1", "--device-pub", pub, ref).out());

    // A tampered segment is reported the same way by one job and by many.
    Path segment;
    try (var files = java.nio.file.Files.walk(store)) {
      segment = files.filter(p -> p.getFileName().toString().equals("00002.sealed")).sorted().findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x40);
    }
    Result tampered = run("verify", "--jobs", "1", "--device-pub", pub, "--json", ref);
    assertThat(tampered.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run("verify", "--jobs", "4", "--device-pub", pub, "--json", ref).out()).isEqualTo(tampered.out());
  }

  @Test
  void noJobsIsAUsageError(@TempDir Path dir) {
    assertThat(run("verify", "--jobs", "0", "--device-pub", dir.resolve("none.pub").toString(), "file:" + dir).exit())
        .isEqualTo(Main.USAGE);
  }
}
