package io.custody.mp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian writer of ISO BMFF boxes into a growable, reusable byte array. {@link #start} writes
 * a size placeholder and the box type, {@link #end} patches the size of the innermost open box,
 * so nested boxes are written in one pass without computing sizes first.
 *
 * <p>Not thread-safe; {@link #reset()} makes it reusable without allocating.
 */
final class BoxWriter {
  /** Deepest nesting written here: moov/trak/mdia/minf/stbl/stsd/avc1/avcC is 8. */
  private static final int MAX_DEPTH = 16;

  private byte[] buf;
  private int pos;
  // Start offsets of the open boxes, innermost last.
  private final int[] open = new int[MAX_DEPTH];
  private int depth;

  BoxWriter(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  void reset() {
    pos = 0;
    depth = 0;
  }

  int position() {
    return pos;
  }

  byte[] array() {
    return buf;
  }

  byte[] toByteArray() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " boxes still open");
    }
    return Arrays.copyOf(buf, pos);
  }

  BoxWriter start(String type) {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("boxes nested too deep");
    }
    open[depth++] = pos;
    u32(0);
    return fourcc(type);
  }

  BoxWriter startFull(String type, int version, int flags) {
    start(type);
    return u32(((long) version << 24) | (flags & 0xffffff));
  }

  BoxWriter end() {
    int at = open[--depth];
    patchU32(at, pos - at);
    return this;
  }

  BoxWriter u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
    return this;
  }

  BoxWriter u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  BoxWriter u24(int v) {
    ensure(3);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  BoxWriter u32(long v) {
    ensure(4);
    buf[pos++] = (byte) (v >>> 24);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  BoxWriter u64(long v) {
    u32(v >>> 32);
    return u32(v);
  }

  BoxWriter fourcc(String type) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[pos++] = (byte) type.charAt(i);
    }
    return this;
  }

  BoxWriter bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  BoxWriter bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
    return this;
  }

  BoxWriter zeros(int n) {
    ensure(n);
    Arrays.fill(buf, pos, pos + n, (byte) 0);
    pos += n;
    return this;
  }

  /** A null-terminated UTF-8 string. */
  BoxWriter cstring(String s) {
    bytes(s.getBytes(StandardCharsets.UTF_8));
    return u8(0);
  }

  void patchU32(int at, long v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
    }
  }
}
