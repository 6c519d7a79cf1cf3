package io.custody.recorder;

import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.ChannelFragmentSink;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes each segment as a plain fragmented MP4 file: {@code DIR/RECORDING_ID/NNNNN.mp4}, with
 * {@code NNNNN} the segment index from 00000. Unsealed, so for development and tests; evidence
 * goes through the sealing output.
 *
 * <p>A segment is written to a hidden {@code .NNNNN.mp4.part} file and renamed to its final name
 * only after its end was written and forced to storage, so a file under a final name is always a
 * complete segment; a crash leaves at most a {@code .part} file, and so does a segment the recorder
 * aborts (its file is closed then).
 */
public final class FileSegmentOutput implements SegmentOutput {
  private final Path directory;

  /** An output that writes under {@code directory} (created when the first segment opens). */
  public FileSegmentOutput(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /** Where the segment with this descriptor is (or will be) once complete. */
  public Path pathOf(SegmentDescriptor segment) {
    return directory.resolve(segment.key(".mp4"));
  }

  @Override
  public FragmentSink open(SegmentDescriptor segment) throws IOException {
    Path target = pathOf(segment);
    Files.createDirectories(target.getParent());
    Path part = target.resolveSibling("." + target.getFileName() + ".part");
    FileChannel channel =
        FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    ChannelFragmentSink writes = new ChannelFragmentSink(channel);
    return new FragmentSink() {
      @Override
      public void init(ByteBuffer ftypMoov) throws IOException {
        writes.init(ftypMoov);
      }

      @Override
      public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
        writes.fragment(prftMoofMdat, info);
      }

      @Override
      public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
        try (FileChannel c = channel) {
          c.force(true);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      }

      /** Closes the file, which keeps its .part name: an unfinished segment, as after a crash. */
      @Override
      public void abort() throws IOException {
        channel.close();
      }
    };
  }
}
