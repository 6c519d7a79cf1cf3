package io.custody.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.mp4.FragmentSink;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.Trigger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileSegmentOutput} leaves no file open, whether a segment ends or is aborted. */
class FileSegmentOutputTest {
  private static final Path OPEN_FILES = Path.of("/proc/self/fd");

  @TempDir Path dir;

  @Test
  void abortClosesTheFileAndKeepsThePart() throws IOException {
    assumeTrue(Files.isDirectory(OPEN_FILES), "needs /proc/self/fd to list open files");
    SegmentDescriptor segment = segment();
    FragmentSink sink = new FileSegmentOutput(dir).open(segment);
    sink.init(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    Path part = dir.resolve(segment.key(".mp4")).resolveSibling(".00000.mp4.part");
    assertThat(openFilesOn(part)).as("open while writing").isOne();
    sink.abort();
    assertThat(openFilesOn(part)).as("closed on abort").isZero();
    assertThat(part).hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(dir.resolve(segment.key(".mp4"))).doesNotExist();
  }

  @Test
  void endClosesTheFileUnderItsFinalName() throws IOException {
    assumeTrue(Files.isDirectory(OPEN_FILES), "needs /proc/self/fd to list open files");
    SegmentDescriptor segment = segment();
    FragmentSink sink = new FileSegmentOutput(dir).open(segment);
    sink.init(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    sink.end(new SegmentInfo(0, 3, List.of()), true);
    Path target = dir.resolve(segment.key(".mp4"));
    assertThat(target).hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(openFilesOn(target)).isZero();
  }

  private static SegmentDescriptor segment() {
    RecordingInfo recording = new RecordingInfo(UUID.randomUUID().toString(), Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    return new SegmentDescriptor(recording, 0, Instant.EPOCH, "CAM", "PC");
  }

  /** How many of this process's file descriptors are open on {@code file}. */
  private static long openFilesOn(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(OPEN_FILES)) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (IOException e) {
          return false; // closed while listing (the listing's own descriptor)
        }
      }).count();
    }
  }
}
