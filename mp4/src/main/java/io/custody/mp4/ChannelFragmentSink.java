package io.custody.mp4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link FragmentSink} that writes the segment to a {@link WritableByteChannel} as it comes: a
 * plain, unsealed MP4 file. Not thread-safe.
 */
public final class ChannelFragmentSink implements FragmentSink {
  private final WritableByteChannel channel;
  private final boolean owned;
  private long bytesWritten;

  /** A sink over {@code channel}, which it leaves open: the caller closes it. */
  public ChannelFragmentSink(WritableByteChannel channel) {
    this(channel, false);
  }

  private ChannelFragmentSink(WritableByteChannel channel, boolean owned) {
    if (channel == null) {
      throw new NullPointerException("channel");
    }
    this.channel = channel;
    this.owned = owned;
  }

  /**
   * A sink that creates {@code file} (it must not exist) and, on {@link #end}, forces it to
   * storage and closes it.
   */
  public static ChannelFragmentSink createFile(Path file) throws IOException {
    return new ChannelFragmentSink(
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), true);
  }

  @Override
  public void init(ByteBuffer ftypMoov) throws IOException {
    write(ftypMoov);
  }

  @Override
  public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
    write(prftMoofMdat);
  }

  @Override
  public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
    if (owned) {
      try (WritableByteChannel c = channel) {
        if (c instanceof FileChannel f) {
          f.force(true);
        }
      }
    }
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      bytesWritten += channel.write(b);
    }
  }
}
