package io.custody.cli;

import io.custody.mp4.Mp4FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples of one track of a decrypted fMP4 fragment, read from memory: what {@code custody
 * serve} needs to draw the metadata track (GPS fixes, markers, mute) without writing plaintext
 * anywhere. Reads {@code moof}/{@code traf}/{@code tfhd}/{@code tfdt}/{@code trun} as ISO/IEC
 * 14496-12 defines them, data offsets from the {@code moof} (default-base-is-moof, as Custody and
 * most fragmenters write); every size and offset is checked against the buffer.
 */
final class Fmp4Samples {
  /** One sample: its decode time in the track's ticks and its bytes (the caller's to keep). */
  static final class Sample {
    private final long decodeTime;
    private final byte[] data;

    Sample(long decodeTime, byte[] data) {
      this.decodeTime = decodeTime;
      this.data = data;
    }

    long decodeTime() {
      return decodeTime;
    }

    byte[] data() {
      return data;
    }
  }

  /** More samples than any fragment of a camera holds (a second of 1,000 fps video and its metadata). */
  private static final long MAX_SAMPLES = 1 << 16;

  private Fmp4Samples() {}

  /** A track of the initialization segment: its id and its media timescale (ticks per second). */
  record Track(int id, long timescale) {}

  /** The first track whose {@code hdlr} is {@code handler} (e.g. "meta"), or null when there is none. */
  static Track track(byte[] init, String handler) throws Mp4FormatException {
    int moov = child(init, 0, init.length, "moov");
    if (moov < 0) {
      throw malformed("no moov box in the initialization segment", 0);
    }
    for (int trak = child(init, body(moov), end(init, moov), "trak"); trak >= 0;
        trak = next(init, trak, end(init, moov), "trak")) {
      int tkhd = child(init, body(trak), end(init, trak), "tkhd");
      int mdia = child(init, body(trak), end(init, trak), "mdia");
      int hdlr = mdia < 0 ? -1 : child(init, body(mdia), end(init, mdia), "hdlr");
      if (tkhd < 0 || hdlr < 0) {
        throw malformed("a trak without tkhd or hdlr", trak);
      }
      int mdhd = child(init, body(mdia), end(init, mdia), "mdhd");
      if (mdhd < 0) {
        throw malformed("an mdia without mdhd", mdia);
      }
      if (handler.equals(fourcc(init, need(init, body(hdlr) + 8, 4)))) {
        // tkhd's track_ID and mdhd's timescale follow two times: of 4 bytes each in version 0, 8 in 1
        int at = body(tkhd);
        int id = u32(init, at + (init[need(init, at, 1)] == 1 ? 20 : 12));
        at = body(mdhd);
        long timescale = u32(init, at + (init[need(init, at, 1)] == 1 ? 20 : 12)) & 0xffffffffL;
        if (timescale == 0) {
          throw malformed("a track with timescale 0", mdhd);
        }
        return new Track(id, timescale);
      }
    }
    return null;
  }

  /** The samples of track {@code trackId} in {@code fragment} (prft, moof, mdat ...), in decode order. */
  static List<Sample> samples(byte[] fragment, int trackId) throws Mp4FormatException {
    List<Sample> out = new ArrayList<>();
    for (int moof = child(fragment, 0, fragment.length, "moof"); moof >= 0;
        moof = next(fragment, moof, fragment.length, "moof")) {
      for (int traf = child(fragment, body(moof), end(fragment, moof), "traf"); traf >= 0;
          traf = next(fragment, traf, end(fragment, moof), "traf")) {
        int tfhd = child(fragment, body(traf), end(fragment, traf), "tfhd");
        if (tfhd < 0) {
          throw malformed("a traf without tfhd", traf);
        }
        int at = body(tfhd);
        int flags = u32(fragment, at) & 0xffffff;
        if (u32(fragment, at + 4) != trackId) {
          continue;
        }
        if ((flags & 0x01) != 0) {
          throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED,
              "tfhd with an absolute base data offset", tfhd);
        }
        at += 8 + ((flags & 0x02) != 0 ? 4 : 0);
        int defaultDuration = (flags & 0x08) != 0 ? u32(fragment, at) : 0;
        at += (flags & 0x08) != 0 ? 4 : 0;
        int defaultSize = (flags & 0x10) != 0 ? u32(fragment, at) : -1;
        int tfdt = child(fragment, body(traf), end(fragment, traf), "tfdt");
        long time = tfdt < 0 ? 0 : fragment[body(tfdt)] == 1 ? u64(fragment, body(tfdt) + 4)
            : u32(fragment, body(tfdt) + 4) & 0xffffffffL;
        for (int trun = child(fragment, body(traf), end(fragment, traf), "trun"); trun >= 0;
            trun = next(fragment, trun, end(fragment, traf), "trun")) {
          time = run(fragment, moof, trun, defaultDuration, defaultSize, time, out);
        }
      }
    }
    return out;
  }

  private static long run(byte[] b, int moof, int trun, int defaultDuration, int defaultSize, long time,
      List<Sample> out) throws Mp4FormatException {
    int at = body(trun);
    int flags = u32(b, at) & 0xffffff;
    long count = u32(b, at + 4) & 0xffffffffL;
    at += 8;
    long data = (long) moof + ((flags & 0x01) != 0 ? u32(b, at) : 0);
    at += ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 4 : 0);
    int perSample = Integer.bitCount(flags & 0xf00) * 4;
    if (count * perSample > end(b, trun) - at || count > MAX_SAMPLES) {
      throw malformed("trun lists more samples than it holds", trun);
    }
    for (long i = 0; i < count; i++) {
      int duration = (flags & 0x100) != 0 ? u32(b, at) : defaultDuration;
      at += (flags & 0x100) != 0 ? 4 : 0;
      int size = (flags & 0x200) != 0 ? u32(b, at) : defaultSize;
      if (size < 0 || data < 0 || data + size > b.length) {
        throw malformed("a sample lies outside the fragment", trun);
      }
      out.add(new Sample(time, java.util.Arrays.copyOfRange(b, (int) data, (int) data + size)));
      at += perSample - ((flags & 0x100) != 0 ? 4 : 0);
      data += size;
      time += duration & 0xffffffffL;
    }
    return time;
  }

  /** The first box of {@code type} among the boxes in [from, to), or -1. */
  private static int child(byte[] b, int from, int to, String type) throws Mp4FormatException {
    for (int at = from; at + 8 <= to; at = end(b, at)) {
      if (type.equals(fourcc(b, at + 4))) {
        return at;
      }
    }
    return -1;
  }

  private static int next(byte[] b, int box, int to, String type) throws Mp4FormatException {
    return child(b, end(b, box), to, type);
  }

  private static int body(int box) {
    return box + 8;
  }

  /** Where the box at {@code at} ends (its 32-bit size; 64-bit and to-the-end sizes are not written here). */
  private static int end(byte[] b, int at) throws Mp4FormatException {
    long size = u32(b, at) & 0xffffffffL;
    if (size < 8 || at + size > b.length) {
      throw malformed("a box's size is impossible", at);
    }
    return (int) (at + size);
  }

  private static int need(byte[] b, int at, int n) throws Mp4FormatException {
    if (at < 0 || at + n > b.length) {
      throw malformed("a box is cut short", at);
    }
    return at;
  }

  private static String fourcc(byte[] b, int at) throws Mp4FormatException {
    return new String(b, need(b, at, 4), 4, StandardCharsets.ISO_8859_1);
  }

  private static int u32(byte[] b, int at) throws Mp4FormatException {
    need(b, at, 4);
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static long u64(byte[] b, int at) throws Mp4FormatException {
    return ((u32(b, at) & 0xffffffffL) << 32) | (u32(b, at + 4) & 0xffffffffL);
  }

  private static Mp4FormatException malformed(String message, long offset) {
    return new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, message, offset);
  }
}
