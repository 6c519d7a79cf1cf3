package io.custody.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@code record --metadata} files, JSON lines and CSV
 * (docs/FUZZING.md): any bytes must read or fail with {@link IllegalArgumentException} naming the
 * line, in bounded time and memory. Seeds: both forms with every event type, quoted cells, blank
 * lines.
 */
class MetadataFileFuzzTest {
  /**
   * The lines, one JSON tree or CSV row at a time, and the events kept: a few hundred bytes per
   * input byte for short rows of many cells (a 1,196-byte file of 39 such rows took 416 KB), so the
   * bound is linear with room: 512 bytes per input byte.
   */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(256 * 1024, 512, IllegalArgumentException.class);
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("custody-fuzz", ".metadata");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FILE.toFile().deleteOnExit();
  }

  @FuzzTest
  void read(byte[] metadata) throws IOException {
    Files.write(FILE, metadata);
    INVARIANTS.check(metadata.length, () -> MetadataFile.read(FILE, e -> {}));
  }
}
