package io.custody.recorder.internal;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte queue for frame payloads: appended at the tail, released from the head, addressed by
 * monotonically growing positions. The pre-event buffer keeps only positions and lengths; the
 * bytes live here, in pooled slabs (heap or direct memory) or in an encrypted spill file.
 *
 * <p>Not thread-safe; the owner serialises access.
 */
public interface PayloadStore extends Closeable {
  /** Appends {@code len} bytes and returns the position to read them back with. */
  long append(byte[] src, int off, int len) throws IOException;

  /**
   * Copies the {@code len} bytes appended at {@code position} into {@code dst}.
   *
   * @throws IOException if the bytes cannot be read back intact (spill file damaged or altered)
   */
  void read(long position, byte[] dst, int off, int len) throws IOException;

  /** Forgets everything before {@code position}; whole slabs before it go back to the pool. */
  void releaseBefore(long position);

  /** Forgets everything. */
  void clear();

  /** Bytes held from the oldest live position to the tail, including per-frame overhead. */
  long usedBytes();

  /** Bytes of memory (or disk) this store has taken for payload, live or pooled. */
  long allocatedBytes();

  /** Per-frame overhead in {@link #usedBytes()} beyond the payload (e.g. an authentication tag). */
  int overheadPerFrame();
}
