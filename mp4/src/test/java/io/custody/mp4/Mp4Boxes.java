package io.custody.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny, strict ISO BMFF reader for tests: lists boxes, and reads the samples of a fragmented
 * file back through {@code moof}/{@code traf}/{@code tfhd}/{@code tfdt}/{@code trun}, checking on
 * the way that every box fits its parent and every sample lies inside the {@code mdat} that
 * follows its {@code moof}.
 */
final class Mp4Boxes {
  private Mp4Boxes() {}

  record Box(String type, int offset, int size) {
    int body() {
      return offset + 8;
    }

    int end() {
      return offset + size;
    }
  }

  // A parsed sample as the tests read it back: its bytes are compared, never mutated.
  @SuppressWarnings("ArrayRecordComponent")
  record Sample(int trackId, long decodeTime, long duration, int size, int flags,
      int compositionOffset, byte[] data, long fragment) {}

  /** The boxes directly inside {@code [from, to)}; fails unless they tile it exactly. */
  static List<Box> children(byte[] b, int from, int to) {
    List<Box> out = new ArrayList<>();
    int at = from;
    while (at < to) {
      if (to - at < 8) {
        throw new AssertionError("trailing " + (to - at) + " bytes at " + at);
      }
      int size = u32(b, at);
      String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
      if (size < 8 || at + (long) size > to) {
        throw new AssertionError("box " + type + " at " + at + " has bad size " + size);
      }
      out.add(new Box(type, at, size));
      at += size;
    }
    return out;
  }

  static List<Box> children(byte[] b, Box parent, int skip) {
    return children(b, parent.body() + skip, parent.end());
  }

  static Box only(List<Box> boxes, String type) {
    List<Box> found = all(boxes, type);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " " + type + " boxes in " + boxes);
    }
    return found.get(0);
  }

  static List<Box> all(List<Box> boxes, String type) {
    List<Box> out = new ArrayList<>();
    for (Box x : boxes) {
      if (x.type().equals(type)) {
        out.add(x);
      }
    }
    return out;
  }

  /** Follows a path of single boxes from the top level, e.g. {@code "moov", "mvhd"}. */
  static Box path(byte[] b, String... types) {
    List<Box> level = children(b, 0, b.length);
    Box box = null;
    for (int i = 0; i < types.length; i++) {
      box = only(level, types[i]);
      if (i + 1 < types.length) {
        level = children(b, box, containerSkip(box.type()));
      }
    }
    return box;
  }

  /** Bytes between a container's header and its first child. */
  static int containerSkip(String type) {
    switch (type) {
      case "stsd":
      case "dref":
        return 8; // FullBox + entry_count
      case "avc1":
        return 78;
      case "mp4a":
        return 28;
      default:
        return 0;
    }
  }

  /** Every sample of every fragment, in file order. */
  static List<Sample> samples(byte[] b) {
    List<Box> top = children(b, 0, b.length);
    List<Sample> out = new ArrayList<>();
    long fragment = 0;
    for (int i = 0; i < top.size(); i++) {
      Box moof = top.get(i);
      if (!moof.type().equals("moof")) {
        continue;
      }
      fragment++;
      Box mdat = top.get(i + 1);
      if (!mdat.type().equals("mdat")) {
        throw new AssertionError("moof not followed by mdat but " + mdat.type());
      }
      for (Box traf : all(children(b, moof, 0), "traf")) {
        List<Box> parts = children(b, traf, 0);
        Box tfhd = only(parts, "tfhd");
        int tfhdFlags = u32(b, tfhd.body()) & 0xffffff;
        int trackId = u32(b, tfhd.body() + 4);
        if ((tfhdFlags & FragmentedMp4Writer.TFHD_DEFAULT_BASE_IS_MOOF) == 0) {
          throw new AssertionError("tfhd without default-base-is-moof");
        }
        int defaultFlags = (tfhdFlags & 0x20) != 0 ? u32(b, tfhd.body() + 8) : 0;
        Box tfdt = only(parts, "tfdt");
        long time = b[tfdt.body()] == 1 ? u64(b, tfdt.body() + 4) : u32(b, tfdt.body() + 4);
        Box trun = only(parts, "trun");
        int trunFlags = u32(b, trun.body()) & 0xffffff;
        int count = u32(b, trun.body() + 4);
        int at = trun.body() + 8;
        int dataOffset = 0;
        if ((trunFlags & 1) != 0) {
          dataOffset = u32(b, at);
          at += 4;
        }
        int pos = moof.offset() + dataOffset;
        for (int s = 0; s < count; s++) {
          long duration = (trunFlags & 0x100) != 0 ? u32(b, (at += 4) - 4) & 0xffffffffL : 0;
          int size = (trunFlags & 0x200) != 0 ? u32(b, (at += 4) - 4) : 0;
          int flags = (trunFlags & 0x400) != 0 ? u32(b, (at += 4) - 4) : defaultFlags;
          int cts = (trunFlags & 0x800) != 0 ? u32(b, (at += 4) - 4) : 0;
          if (pos < mdat.body() || pos + size > mdat.end()) {
            throw new AssertionError("sample of track " + trackId + " at " + pos
                + " lies outside the mdat " + mdat);
          }
          byte[] data = new byte[size];
          System.arraycopy(b, pos, data, 0, size);
          out.add(new Sample(trackId, time, duration, size, flags, cts, data, fragment));
          pos += size;
          time += duration;
        }
        if (at != trun.end()) {
          throw new AssertionError("trun size does not match its sample count");
        }
      }
    }
    return out;
  }

  static int u32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).getInt();
  }

  static long u64(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 8).getLong();
  }
}
