package io.custody.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A streaming create ({@link BlobStore#create}). Bytes written are invisible under the key until
 * {@link #commit()} succeeds; {@link #abort()} (or {@link #close()} without a commit) leaves
 * nothing. The writer computes the SHA-256 of what it sends; the store confirms it on commit.
 *
 * <p>Not thread-safe: one thread writes, then commits or aborts.
 */
public interface BlobWriter extends WritableByteChannel {
  /** Writes all of {@code src}; returns the count. */
  @Override
  int write(ByteBuffer src) throws IOException;

  /** Writes {@code len} bytes of {@code b} from {@code off}. */
  default void write(byte[] b, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    while (buf.hasRemaining()) {
      write(buf);
    }
  }

  /** Bytes written so far. */
  long size();

  /**
   * Makes the object visible under its key, atomically. If the key already holds the same bytes
   * (a retried upload), nothing new is written and the existing object's info is returned.
   *
   * @throws ObjectExistsException if the key holds different bytes
   * @throws IntegrityException if the store received something other than what was written, or
   *     the bytes differ from {@link CreateOptions#expectedSha256()}
   */
  BlobInfo commit() throws IOException;

  /** Discards everything written; the key is left as it was. Idempotent. */
  void abort() throws IOException;

  /** Aborts unless committed. */
  @Override
  void close() throws IOException;
}
