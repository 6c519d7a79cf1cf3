package io.custody.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs ffmpeg and ffprobe (Debian's packages; the project's test command installs them) as
 * processes with a timeout, capturing stdout and stderr. Decoding is single-threaded to keep the
 * test load light on a shared machine.
 */
public final class Ffmpeg {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private Ffmpeg() {}

  /** What a process printed and how it ended (its output bytes are read, never mutated). */
  @SuppressWarnings("ArrayRecordComponent")
  public record Result(int exitCode, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** Runs {@code command}; throws if it cannot start, times out or exits non-zero. */
  public static Result run(String... command) throws IOException, InterruptedException {
    Result r = runAllowingFailure(command);
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited with " + r.exitCode()
          + ":\n" + r.stderr());
    }
    return r;
  }

  public static Result runAllowingFailure(String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("custody-ffmpeg", ".out");
    Path err = Files.createTempFile("custody-ffmpeg", ".err");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
      } catch (IOException e) {
        throw new AssertionError(command[0] + " is not installed (apt-get install -y"
            + " --no-install-recommends ffmpeg): " + e.getMessage(), e);
      }
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " timed out after " + TIMEOUT);
      }
      return new Result(p.exitValue(), Files.readAllBytes(out),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * {@code ffprobe -v error} with streams and packets as JSON. Fails if ffprobe printed anything
   * on stderr: at level error, any output is an error it found.
   */
  public static JsonNode probe(Path file, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-show_streams",
        "-show_packets", "-show_format", "-of", "json"));
    cmd.addAll(List.of(extra));
    cmd.add(file.toString());
    Result r = run(cmd.toArray(new String[0]));
    if (!r.stderr().isBlank()) {
      throw new AssertionError("ffprobe reported errors for " + file + ":\n" + r.stderr());
    }
    return new ObjectMapper().readTree(r.stdout());
  }

  /**
   * The MD5 of every decoded frame of stream {@code map} (e.g. {@code 0:v}), in output order:
   * the last column of {@code -f framemd5}. Fails on any decoder or demuxer error.
   */
  public static List<String> frameMd5(Path file, String map) throws IOException, InterruptedException {
    Result r = run("ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", file.toString(),
        "-map", map, "-fps_mode", "passthrough", "-f", "framemd5", "-");
    if (!r.stderr().isBlank()) {
      throw new AssertionError("ffmpeg reported errors decoding " + file + ":\n" + r.stderr());
    }
    List<String> hashes = new ArrayList<>();
    for (String line : r.out().split("\n", -1)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split(",", -1);
      hashes.add(cols[cols.length - 1].trim());
    }
    return hashes;
  }
}
