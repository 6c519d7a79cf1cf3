package io.custody.recorder.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A {@link PayloadStore} in memory: a queue of fixed-size slabs, on the heap ({@code byte[]}) or
 * off it (direct {@link ByteBuffer}s).
 *
 * <p>Ownership: slab {@code k} of the queue holds positions {@code [headStart + k * slabSize,
 * headStart + (k + 1) * slabSize)}. A frame may span two or more slabs; it is copied in pieces.
 * When the head moves past a whole slab, the slab goes to a free list (up to 2 MiB of slabs) and
 * is reused by the tail, so a buffer running at a steady rate allocates nothing: the slab that
 * falls off the head is the one the tail takes next.
 *
 * <p>Memory: payload plus at most one partly used slab at each end plus the free list. The slab
 * size trades that overhead (a few slabs) against the count of arrays; {@link #slabSizeFor} picks
 * 1/256 of the byte bound, between 16 KiB and 256 KiB, which keeps the overhead under 3 % of a
 * 30 s window at 8 Mbit/s even with the default 64 MiB bound.
 */
public final class SlabPayloadStore implements PayloadStore {
  /**
   * Bytes of free slabs kept for reuse (more are left to the garbage collector): enough for the
   * slabs one whole-GOP eviction frees at 8 Mbit/s with 1 s GOPs (about 1 MB) and some, so the
   * appends that follow take them back and a full window allocates nothing.
   */
  private static final int FREE_BYTES = 2 << 20;

  private final int slabSize;
  private final int maxFree;
  private final boolean direct;
  // Slabs in position order, a circular array from slabHead: byte[] on the heap, ByteBuffer direct.
  private Object[] slabs = new Object[16];
  private int slabHead;
  private int slabCount;
  private final ArrayDeque<Object> free = new ArrayDeque<>();
  // Position of the first byte of the first slab.
  private long headStart;
  // Oldest live position (>= headStart).
  private long head;
  // Next position to append at.
  private long tail;

  public SlabPayloadStore(int slabSize, boolean direct) {
    if (slabSize < 1024) {
      throw new IllegalArgumentException("slab size too small: " + slabSize);
    }
    this.slabSize = slabSize;
    this.direct = direct;
    this.maxFree = Math.max(4, FREE_BYTES / slabSize + 2);
  }

  /** A slab size for a buffer bounded to {@code maxBytes}: 1/256 of it, 16 KiB to 256 KiB. */
  public static int slabSizeFor(long maxBytes) {
    long s = Long.highestOneBit(Math.max(1, maxBytes / 256));
    return (int) Math.max(16 * 1024, Math.min(256 * 1024, s));
  }

  @Override
  public long append(byte[] src, int off, int len) {
    long at = tail;
    int done = 0;
    while (done < len) {
      int inSlab = (int) ((tail - headStart) % slabSize);
      if (inSlab == 0 && tail - headStart == (long) slabCount * slabSize) {
        addSlab(takeSlab());
      }
      Object slab = slabAt(tail);
      int n = Math.min(len - done, slabSize - inSlab);
      if (direct) {
        ((ByteBuffer) slab).put(inSlab, src, off + done, n);
      } else {
        System.arraycopy(src, off + done, (byte[]) slab, inSlab, n);
      }
      done += n;
      tail += n;
    }
    return at;
  }

  @Override
  public void read(long position, byte[] dst, int off, int len) {
    if (position < head || position + len > tail) {
      throw new IllegalArgumentException("bytes [" + position + ", " + (position + len)
          + ") are not held; live range [" + head + ", " + tail + ")");
    }
    int done = 0;
    long p = position;
    while (done < len) {
      int inSlab = (int) ((p - headStart) % slabSize);
      int n = Math.min(len - done, slabSize - inSlab);
      Object slab = slabAt(p);
      if (direct) {
        ((ByteBuffer) slab).get(inSlab, dst, off + done, n);
      } else {
        System.arraycopy((byte[]) slab, inSlab, dst, off + done, n);
      }
      done += n;
      p += n;
    }
  }

  private Object slabAt(long position) {
    int index = (int) ((position - headStart) / slabSize);
    return slabs[(slabHead + index) % slabs.length];
  }

  private void addSlab(Object slab) {
    if (slabCount == slabs.length) {
      Object[] grown = new Object[slabs.length * 2];
      for (int i = 0; i < slabCount; i++) {
        grown[i] = slabs[(slabHead + i) % slabs.length];
      }
      slabs = grown;
      slabHead = 0;
    }
    slabs[(slabHead + slabCount++) % slabs.length] = slab;
  }

  private Object removeFirstSlab() {
    Object s = slabs[slabHead];
    slabs[slabHead] = null;
    slabHead = (slabHead + 1) % slabs.length;
    slabCount--;
    return s;
  }

  private Object takeSlab() {
    Object s = free.pollFirst();
    if (s != null) {
      return s;
    }
    return direct ? ByteBuffer.allocateDirect(slabSize) : new byte[slabSize];
  }

  @Override
  public void releaseBefore(long position) {
    if (position < head || position > tail) {
      throw new IllegalArgumentException("position " + position + " outside [" + head + ", " + tail + "]");
    }
    head = position;
    while (slabCount > 0 && headStart + slabSize <= head) {
      recycle(removeFirstSlab());
      headStart += slabSize;
    }
    if (head == tail) {
      // Empty: restart at a slab boundary so the next append uses a slab from its start.
      while (slabCount > 0) {
        recycle(removeFirstSlab());
      }
      headStart = tail;
    }
  }

  private void recycle(Object slab) {
    if (free.size() < maxFree) {
      free.addLast(slab);
    }
  }

  @Override
  public void clear() {
    releaseBefore(tail);
  }

  @Override
  public long usedBytes() {
    return tail - head;
  }

  @Override
  public long allocatedBytes() {
    return (long) (slabCount + free.size()) * slabSize;
  }

  @Override
  public int overheadPerFrame() {
    return 0;
  }

  @Override
  public void close() {
    Arrays.fill(slabs, null);
    slabCount = 0;
    free.clear();
  }

  @Override
  public String toString() {
    return "SlabPayloadStore{" + (direct ? "direct" : "heap") + ", slab " + slabSize + ", "
        + slabCount + " slabs, free " + free.size() + ", used " + usedBytes() + "}"
        + Arrays.toString(new long[] {headStart, head, tail});
  }
}
