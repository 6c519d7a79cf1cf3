package io.custody.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code --progress} option of the commands that take long ({@code record}, {@code upload}). */
final class ProgressOption {
  @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|lines|none",
      description = "Progress on stderr (default ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise).")
  String mode;

  /** The display the option asks for, writing to {@code err}. */
  Progress open(PrintWriter err) {
    return Progress.of(mode, err);
  }
}
