package io.custody.mp4;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.testing.FuzzInvariants;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@link Mp4Demuxer} (docs/FUZZING.md): the input is written to a file,
 * opened, and both streams read to their end. Any input must demux or fail with {@link
 * Mp4FormatException}, in bounded time and memory, whatever its box sizes, sample counts and
 * sample sizes claim. Seeds: small MP4s made by ffmpeg (plain with {@code moov} first and last,
 * fragmented, video only with B-frames).
 */
class Mp4DemuxerFuzzTest {
  /** Header buffers and the streams' read buffers; then sample tables and samples, all from the file. */
  private static final FuzzInvariants INVARIANTS = FuzzInvariants.of(1 << 20, 32, Mp4FormatException.class);
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("custody-fuzz", ".mp4");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FILE.toFile().deleteOnExit();
  }

  @FuzzTest
  void demux(byte[] mp4) throws IOException {
    Files.write(FILE, mp4);
    INVARIANTS.check(mp4.length, () -> {
      try (Mp4Demuxer demuxer = Mp4Demuxer.open(FILE)) {
        drain(demuxer.videoAnnexB());
        drain(demuxer.audioAdts());
      }
    });
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    while (in.read(buf) >= 0) {
      // the bytes themselves are the other parsers' inputs
    }
  }
}
