package io.custody.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording's segments joined as docs/FORMAT.md §8.1 says are one fragmented MP4 that ffprobe
 * reads without an error and ffmpeg decodes to every frame of the source, in order.
 */
class JoinedRecordingIT {
  @TempDir Path dir;

  @Test
  void theJoinedRecordingDecodesToEveryFrame() throws Exception {
    List<Path> segments = JoinedRecordingTest.record(dir.resolve("segments"));
    assertThat(segments).hasSizeGreaterThan(1);
    Path joined = dir.resolve("joined.mp4");
    Files.write(joined, JoinedRecordingTest.join(segments));
    Ffmpeg.probe(joined); // fails on any error ffprobe reports
    Path source = dir.resolve("source.h264");
    Files.write(source, Clips.bytes("bwc-720p30-baseline.h264"));
    assertThat(Ffmpeg.frameMd5(joined, "0:v")).isEqualTo(Ffmpeg.frameMd5(source, "0:v"));
  }
}
