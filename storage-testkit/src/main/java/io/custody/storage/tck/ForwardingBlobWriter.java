package io.custody.storage.tck;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A writer that passes every call to another: tests override what they break (a failing write, a
 * commit whose answer is lost).
 */
public class ForwardingBlobWriter implements BlobWriter {
  private final BlobWriter writer;

  /** Forwards to {@code writer}. */
  public ForwardingBlobWriter(BlobWriter writer) {
    this.writer = writer;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return writer.write(src);
  }

  @Override
  public long size() {
    return writer.size();
  }

  @Override
  public BlobInfo commit() throws IOException {
    return writer.commit();
  }

  @Override
  public void abort() throws IOException {
    writer.abort();
  }

  @Override
  public boolean isOpen() {
    return writer.isOpen();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
