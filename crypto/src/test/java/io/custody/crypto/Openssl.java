package io.custody.crypto;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code openssl} command line, the interoperability oracle for key formats. */
final class Openssl {
  private static final Path BINARY = find();

  private Openssl() {}

  /** Whether an {@code openssl} executable is on the PATH (tests skip their openssl part if not). */
  static boolean available() {
    return BINARY != null;
  }

  /** Runs {@code openssl args...} and returns its standard output; fails on a non-zero exit. */
  static byte[] run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("openssl timed out: " + command);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "openssl failed (" + process.exitValue() + "): " + command + "\n"
              + new String(err, StandardCharsets.UTF_8));
    }
    return out;
  }

  static String runText(String... args) throws IOException, InterruptedException {
    return new String(run(args), StandardCharsets.US_ASCII);
  }

  private static Path find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, "openssl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
