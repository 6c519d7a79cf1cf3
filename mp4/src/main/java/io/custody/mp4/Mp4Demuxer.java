package io.custody.mp4;

import io.custody.aac.AacConfig;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the H.264 video track and the AAC audio track (if any) of an MP4 file, as an Annex-B
 * stream and an ADTS stream: the form the {@link io.custody.recorder.Recorder} ingests from a live
 * encoder. Plain MP4 ({@code moov} sample tables, {@code moov} first or last) and fragmented MP4
 * ({@code moof}/{@code trun}) are read.
 *
 * <p>Conversion: each video sample's length-prefixed NAL units get 4-byte start codes, and the
 * SPS and PPS of the {@code avcC} box are put before every sample holding an IDR slice without
 * its own SPS; each audio sample gets a 7-byte ADTS header (no CRC) built from the {@code esds}
 * AudioSpecificConfig. Timing comes from the streams themselves (the recorder's frame rate and
 * picture order count, 1,024 samples per AAC frame), as with a live encoder: edit lists and
 * sample durations are not used, so audio is taken to start with the video.
 *
 * <p>{@link #open} checks the whole structure first: every sample of both tracks must lie inside
 * the file, so a file cut short fails here, with {@link Mp4FormatException.Reason#TRUNCATED},
 * before anything is recorded from it. Not thread-safe; the streams read the file lazily and are
 * valid until {@link #close()}.
 */
public final class Mp4Demuxer implements Closeable {
  private static final long MAX_HEADER_BOX = 256L << 20;
  /** 185 hours at 30 frames per second: far more than a camera records, far less than memory. */
  private static final int MAX_SAMPLES = 20_000_000;
  /** The largest sample read: a 4K intra frame is a few MB. */
  private static final int MAX_SAMPLE_BYTES = 64 << 20;
  private static final byte[] START_CODE = {0, 0, 0, 1};

  private final FileChannel file;
  private final Track video;
  private final Track audio;
  private final List<byte[]> parameterSets;
  private final int nalLengthSize;
  private final Optional<AacConfig> aac;

  /** One track's samples, in decode order. */
  private static final class Track {
    final int id;
    String handler = "";
    String sampleEntry = "";
    byte[] codecConfig;
    long[] offsets = new long[64];
    int[] sizes = new int[64];
    int count;

    Track(int id) {
      this.id = id;
    }

    void add(long offset, int size) throws Mp4FormatException {
      if (count == MAX_SAMPLES) {
        throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED, "track " + id + " has more than "
            + MAX_SAMPLES + " samples", -1);
      }
      if (count == offsets.length) {
        offsets = java.util.Arrays.copyOf(offsets, count * 2);
        sizes = java.util.Arrays.copyOf(sizes, count * 2);
      }
      offsets[count] = offset;
      sizes[count] = size;
      count++;
    }
  }

  private Mp4Demuxer(FileChannel file, Track video, Track audio) throws Mp4FormatException {
    this.file = file;
    this.video = video;
    this.audio = audio;
    byte[] c = video.codecConfig;
    if (c == null || c.length < 7 || c[0] != 1) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the avc1 sample entry has no valid avcC box", -1);
    }
    this.nalLengthSize = (c[4] & 3) + 1;
    this.parameterSets = new ArrayList<>();
    int p = 5;
    for (int set = 0; set < 2; set++) {
      int n = set == 0 ? c[p++] & 0x1f : (p < c.length ? c[p++] & 0xff : 0);
      for (int i = 0; i < n; i++) {
        if (p + 2 > c.length) {
          throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the avcC box is cut short", -1);
        }
        int len = ((c[p] & 0xff) << 8) | (c[p + 1] & 0xff);
        if (p + 2 + len > c.length) {
          throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the avcC box is cut short", -1);
        }
        parameterSets.add(java.util.Arrays.copyOfRange(c, p + 2, p + 2 + len));
        p += 2 + len;
      }
    }
    this.aac = audio == null ? Optional.empty() : Optional.of(audioConfig(audio.codecConfig));
  }

  /**
   * Opens an MP4 file and reads its structure.
   *
   * @throws Mp4FormatException if it is not MP4, is cut short, or has no H.264 video track
   * @throws IOException if it cannot be read
   */
  public static Mp4Demuxer open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return read(ch);
    } catch (IndexOutOfBoundsException e) {
      ch.close();
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "a box is shorter than its fields", -1);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static Mp4Demuxer read(FileChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer moov = null;
    List<Long> moofs = new ArrayList<>(); // where each moof box starts in the file
    List<ByteBuffer> bodies = new ArrayList<>(); // and its payload
    long pos = 0;
    while (pos < size) {
      ByteBuffer h = ByteBuffer.allocate(16);
      readFully(ch, h, pos);
      h.flip();
      if (h.remaining() < 8) {
        throw truncatedOrNot(pos, "a box header is cut short");
      }
      long boxSize = h.getInt() & 0xffffffffL;
      String type = fourCc(h.getInt());
      int header = 8;
      if (pos == 0 && !printable(type)) {
        throw new Mp4FormatException(Mp4FormatException.Reason.NOT_MP4, "not an MP4 file (no ISO BMFF box at its start)", 0);
      }
      if (boxSize == 1) {
        if (h.remaining() < 8) {
          throw truncatedOrNot(pos, "a box header is cut short");
        }
        boxSize = h.getLong();
        header = 16;
      } else if (boxSize == 0) {
        boxSize = size - pos;
      }
      if (boxSize < header || !printable(type)) {
        throw new Mp4FormatException(pos == 0 ? Mp4FormatException.Reason.NOT_MP4 : Mp4FormatException.Reason.MALFORMED,
            pos == 0 ? "not an MP4 file" : "box '" + type + "' has an impossible size " + boxSize, pos);
      }
      if (boxSize > size - pos) {
        throw new Mp4FormatException(Mp4FormatException.Reason.TRUNCATED, "the MP4 is cut short: box '" + type
            + "' needs " + boxSize + " bytes, the file has " + (size - pos) + " left", pos);
      }
      if (type.equals("moov") || type.equals("moof")) {
        if (boxSize > MAX_HEADER_BOX) {
          throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED, "a '" + type + "' box of " + boxSize + " bytes", pos);
        }
        ByteBuffer b = ByteBuffer.allocate((int) (boxSize - header));
        readFully(ch, b, pos + header);
        b.flip();
        if (type.equals("moov")) {
          moov = b;
        } else {
          moofs.add(pos);
          bodies.add(b);
        }
      }
      pos += boxSize;
    }
    if (moov == null) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the MP4 has no 'moov' box", -1);
    }
    Map<Integer, Track> tracks = new HashMap<>();
    Map<Integer, Integer> defaultSizes = new HashMap<>();
    Track video = null;
    Track audio = null;
    for (int[] box : children(moov, 0, moov.limit())) {
      if (box[0] == TRAK) {
        Track t = track(moov, box[1], box[2], size);
        tracks.put(t.id, t);
        if (video == null && t.handler.equals("vide")) {
          video = t;
        } else if (audio == null && t.handler.equals("soun") && t.sampleEntry.equals("mp4a")) {
          audio = t;
        }
      } else if (box[0] == MVEX) {
        for (int[] trex : children(moov, box[1], box[2])) {
          if (trex[0] == TREX) {
            defaultSizes.put(moov.getInt(trex[1] + 4), moov.getInt(trex[1] + 16));
          }
        }
      }
    }
    if (video == null) {
      throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED, "the MP4 has no video track", -1);
    }
    if (!video.sampleEntry.equals("avc1") && !video.sampleEntry.equals("avc3")) {
      throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED,
          "the video track is '" + video.sampleEntry + "', not H.264 (avc1/avc3)", -1);
    }
    for (int i = 0; i < moofs.size(); i++) {
      fragment(bodies.get(i), moofs.get(i), tracks, defaultSizes, size);
    }
    for (Track t : new Track[] {video, audio}) {
      if (t == null) {
        continue;
      }
      for (int i = 0; i < t.count; i++) {
        if (t.sizes[i] < 0 || t.sizes[i] > MAX_SAMPLE_BYTES) {
          throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, (t == video ? "video" : "audio")
              + " sample " + i + " claims " + (t.sizes[i] & 0xffffffffL) + " bytes", t.offsets[i]);
        }
        if (t.offsets[i] < 0 || t.offsets[i] + t.sizes[i] > size) {
          throw new Mp4FormatException(Mp4FormatException.Reason.TRUNCATED, "the MP4 is cut short: "
              + (t == video ? "video" : "audio") + " sample " + i + " lies past the end of the file", t.offsets[i]);
        }
      }
    }
    if (video.count == 0) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the video track has no samples", -1);
    }
    return new Mp4Demuxer(ch, video, audio);
  }

  private static final int TRAK = box("trak");
  private static final int MVEX = box("mvex");
  private static final int TREX = box("trex");

  private static int box(String t) {
    byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  /** The child boxes in [start, end) as {type, payload start, end}. */
  private static List<int[]> children(ByteBuffer b, int start, int end) throws Mp4FormatException {
    List<int[]> out = new ArrayList<>();
    int p = start;
    while (p + 8 <= end) {
      long size = b.getInt(p) & 0xffffffffL;
      int type = b.getInt(p + 4);
      int header = 8;
      if (size == 1) {
        if (p + 16 > end) {
          break;
        }
        size = b.getLong(p + 8);
        header = 16;
      } else if (size == 0) {
        size = (long) end - p;
      }
      if (size < header || size > end - p) {
        throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "box '" + fourCc(type) + "' overruns its parent", -1);
      }
      out.add(new int[] {type, p + header, (int) (p + size)});
      p += (int) size;
    }
    return out;
  }

  private static int[] find(ByteBuffer b, int start, int end, String path) throws Mp4FormatException {
    int[] box = {0, start, end};
    for (String name : path.split("/", -1)) {
      int want = box(name);
      int[] found = null;
      for (int[] c : children(b, box[1], box[2])) {
        if (c[0] == want) {
          found = c;
          break;
        }
      }
      if (found == null) {
        return null;
      }
      box = found;
    }
    return box;
  }

  private static Track track(ByteBuffer b, int start, int end, long fileSize) throws Mp4FormatException {
    int[] tkhd = require(b, start, end, "tkhd");
    Track t = new Track(b.getInt(tkhd[1] + (b.get(tkhd[1]) == 1 ? 20 : 12)));
    int[] hdlr = find(b, start, end, "mdia/hdlr");
    if (hdlr != null) {
      t.handler = fourCc(b.getInt(hdlr[1] + 8));
    }
    int[] stbl = find(b, start, end, "mdia/minf/stbl");
    if (stbl == null) {
      return t;
    }
    int[] stsd = find(b, stbl[1], stbl[2], "stsd");
    if (stsd != null && b.getInt(stsd[1] + 4) > 0) {
      List<int[]> entries = children(b, stsd[1] + 8, stsd[2]);
      if (!entries.isEmpty()) {
        int[] e = entries.get(0);
        t.sampleEntry = fourCc(e[0]);
        if (t.sampleEntry.equals("avc1") || t.sampleEntry.equals("avc3")) {
          t.codecConfig = bytes(b, find(b, e[1] + 78, e[2], "avcC"));
        } else if (t.sampleEntry.equals("mp4a")) {
          int version = b.getShort(e[1] + 8);
          int skip = 28 + (version == 1 ? 16 : version == 2 ? 36 : 0);
          t.codecConfig = bytes(b, find(b, e[1] + skip, e[2], "esds"));
        }
      }
    }
    int[] stsz = find(b, stbl[1], stbl[2], "stsz");
    if (stsz == null) {
      return t; // a fragmented file: samples come in moof boxes
    }
    int fixed = b.getInt(stsz[1] + 4);
    int count = b.getInt(stsz[1] + 8);
    int[] stco = find(b, stbl[1], stbl[2], "stco");
    int[] co64 = stco == null ? find(b, stbl[1], stbl[2], "co64") : null;
    int[] stsc = find(b, stbl[1], stbl[2], "stsc");
    if (count < 0 || (fixed == 0 && stsz[1] + 12 + 4L * count > stsz[2]) || (count > 0 && (stsc == null
        || (stco == null && co64 == null)))) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the sample tables of track " + t.id
          + " are incomplete", -1);
    }
    if (fixed != 0 && (long) count * (fixed & 0xffffffffL) > fileSize) {
      throw new Mp4FormatException(Mp4FormatException.Reason.TRUNCATED, "the MP4 is cut short: track " + t.id
          + " claims " + count + " samples of " + fixed + " bytes", -1);
    }
    int[] chunkBox = stco != null ? stco : co64;
    int chunks = count == 0 ? 0 : b.getInt(chunkBox[1] + 4);
    int runs = count == 0 ? 0 : b.getInt(stsc[1] + 4);
    if (chunks < 0 || runs < 0 || (count > 0 && (chunkBox[1] + 8L + (long) chunks * (stco != null ? 4 : 8) > chunkBox[2]
        || stsc[1] + 8L + 12L * runs > stsc[2]))) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the chunk tables of track " + t.id + " overrun", -1);
    }
    int sample = 0;
    for (int run = 0; run < runs && sample < count; run++) {
      int first = b.getInt(stsc[1] + 8 + 12 * run);
      int perChunk = b.getInt(stsc[1] + 12 + 12 * run);
      int nextFirst = run + 1 < runs ? b.getInt(stsc[1] + 8 + 12 * (run + 1)) : chunks + 1;
      if (first < 1 || nextFirst <= first || nextFirst > chunks + 1 || perChunk < 0) {
        throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "bad sample-to-chunk table in track " + t.id, -1);
      }
      for (int chunk = first; chunk < nextFirst && sample < count; chunk++) {
        long offset = stco != null ? b.getInt(chunkBox[1] + 8 + 4 * (chunk - 1)) & 0xffffffffL
            : b.getLong(chunkBox[1] + 8 + 8 * (chunk - 1));
        for (int i = 0; i < perChunk && sample < count; i++, sample++) {
          int s = fixed != 0 ? fixed : b.getInt(stsz[1] + 12 + 4 * sample);
          t.add(offset, s);
          offset += s & 0xffffffffL;
        }
      }
    }
    if (sample != count) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "track " + t.id + " places " + sample
          + " of its " + count + " samples", -1);
    }
    return t;
  }

  /** Adds the samples of one {@code moof} (whose box starts at {@code moofStart}). */
  private static void fragment(ByteBuffer b, long moofStart, Map<Integer, Track> tracks, Map<Integer, Integer> defaultSizes,
      long fileSize) throws Mp4FormatException {
    long nextBase = moofStart;
    for (int[] traf : children(b, 0, b.limit())) {
      if (traf[0] != box("traf")) {
        continue;
      }
      int[] tfhd = require(b, traf[1], traf[2], "tfhd");
      int flags = b.getInt(tfhd[1]) & 0xffffff;
      int p = tfhd[1] + 4;
      Track t = tracks.get(b.getInt(p));
      p += 4;
      long base = nextBase;
      if ((flags & 0x01) != 0) {
        base = b.getLong(p);
        p += 8;
      } else if ((flags & 0x020000) != 0) {
        base = moofStart;
      }
      p += (flags & 0x02) != 0 ? 4 : 0;
      p += (flags & 0x08) != 0 ? 4 : 0;
      int defaultSize = (flags & 0x10) != 0 ? b.getInt(p) : defaultSizes.getOrDefault(t == null ? -1 : t.id, 0);
      long dataEnd = base;
      for (int[] trun : children(b, traf[1], traf[2])) {
        if (trun[0] != box("trun")) {
          continue;
        }
        int tf = b.getInt(trun[1]) & 0xffffff;
        int n = b.getInt(trun[1] + 4);
        int q = trun[1] + 8;
        long offset = dataEnd;
        if ((tf & 0x01) != 0) {
          offset = base + b.getInt(q);
          q += 4;
          // A signed field: an offset before the file would let tiny samples count up to it.
          if (offset < 0) {
            throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED,
                "a 'trun' box puts its samples before the start of the file", moofStart);
          }
        }
        q += (tf & 0x04) != 0 ? 4 : 0;
        int per = Integer.bitCount(tf & 0xf00) * 4;
        if (n < 0 || q + (long) n * per > trun[2]) {
          throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "a 'trun' box overruns its 'traf'", moofStart);
        }
        // Without per-sample fields the count is bounded by nothing in the box: each sample must
        // then take bytes of the file, or a 20-byte box could fill the sample tables.
        if (t != null && per == 0 && n > 0 && defaultSize == 0) {
          throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED,
              "a 'trun' box claims " + n + " samples of 0 bytes", moofStart);
        }
        for (int i = 0; i < n; i++, q += per) {
          int s = defaultSize;
          if ((tf & 0x200) != 0) {
            s = b.getInt(q + ((tf & 0x100) != 0 ? 4 : 0));
          }
          if (t != null) {
            t.add(offset, s);
          }
          offset += s & 0xffffffffL;
          if (offset > fileSize) {
            throw new Mp4FormatException(Mp4FormatException.Reason.TRUNCATED,
                "the MP4 is cut short: a fragment's samples run past the end of the file", moofStart);
          }
        }
        dataEnd = offset;
      }
      nextBase = dataEnd;
    }
  }

  private static int[] require(ByteBuffer b, int start, int end, String path) throws Mp4FormatException {
    int[] box = find(b, start, end, path);
    if (box == null) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "no '" + path + "' box where one must be", -1);
    }
    return box;
  }

  private static byte[] bytes(ByteBuffer b, int[] box) {
    if (box == null) {
      return null;
    }
    byte[] out = new byte[box[2] - box[1]];
    b.get(box[1], out);
    return out;
  }

  /** The AudioSpecificConfig inside an esds box (ISO/IEC 14496-1 descriptors). */
  private static AacConfig audioConfig(byte[] esds) throws Mp4FormatException {
    if (esds == null) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the mp4a sample entry has no esds box", -1);
    }
    int p = 4; // version and flags
    int[] at = {p};
    if (descriptor(esds, at) != 0x03) {
      throw badEsds();
    }
    p = at[0] + 2;
    int esFlags = esds[p++] & 0xff;
    p += (esFlags & 0x80) != 0 ? 2 : 0;
    p += (esFlags & 0x40) != 0 ? 1 + (esds[p] & 0xff) : 0;
    p += (esFlags & 0x20) != 0 ? 2 : 0;
    at[0] = p;
    if (p >= esds.length || descriptor(esds, at) != 0x04) {
      throw badEsds();
    }
    at[0] += 13;
    if (at[0] >= esds.length) {
      throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED,
          "the AAC track carries no AudioSpecificConfig (its esds box has no DecoderSpecificInfo)", -1);
    }
    if (descriptor(esds, at) != 0x05 || at[0] + 2 > esds.length) {
      throw badEsds();
    }
    int asc = ((esds[at[0]] & 0xff) << 8) | (esds[at[0] + 1] & 0xff);
    int objectType = asc >> 11;
    int frequencyIndex = (asc >> 7) & 0xf;
    int channels = (asc >> 3) & 0xf;
    if (objectType < 1 || objectType > 4 || frequencyIndex > 12 || channels < 1 || channels > 7) {
      throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED, "the AAC configuration (object type "
          + objectType + ", frequency index " + frequencyIndex + ", channels " + channels + ") cannot be carried in ADTS", -1);
    }
    return AacConfig.of(objectType, frequencyIndex, channels);
  }

  /** Reads a descriptor tag and its size at {@code at[0]}; leaves {@code at[0]} at its body. */
  private static int descriptor(byte[] b, int[] at) throws Mp4FormatException {
    int p = at[0];
    if (p >= b.length) {
      throw badEsds();
    }
    int tag = b[p++] & 0xff;
    for (int i = 0; i < 4 && p < b.length; i++) {
      if ((b[p++] & 0x80) == 0) {
        break;
      }
    }
    at[0] = p;
    return tag;
  }

  private static Mp4FormatException badEsds() {
    return new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "the esds box is malformed", -1);
  }

  private static Mp4FormatException truncatedOrNot(long pos, String what) {
    return new Mp4FormatException(pos == 0 ? Mp4FormatException.Reason.NOT_MP4 : Mp4FormatException.Reason.TRUNCATED,
        pos == 0 ? "not an MP4 file (too short)" : "the MP4 is cut short: " + what, pos);
  }

  private static boolean printable(String type) {
    for (int i = 0; i < 4; i++) {
      char c = type.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String fourCc(int v) {
    return new String(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v}, StandardCharsets.ISO_8859_1);
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int n = ch.read(into, position);
      if (n < 0) {
        return;
      }
      position += n;
    }
  }

  /** Video samples (access units) in the file. */
  public int videoSamples() {
    return video.count;
  }

  /** Audio samples (AAC frames) in the file; 0 without an audio track. */
  public int audioSamples() {
    return audio == null ? 0 : audio.count;
  }

  /** The audio configuration, when the file has an AAC track. */
  public Optional<AacConfig> audioConfig() {
    return aac;
  }

  /**
   * The video track as an H.264 Annex-B byte stream, read from the file as it is consumed.
   * Reading fails with {@link Mp4FormatException} if a sample's NAL unit lengths do not add up.
   */
  public InputStream videoAnnexB() {
    return new SampleStream(video) {
      @Override
      void convert(byte[] s, int length, int index, ByteArrayOutputStream out) throws Mp4FormatException {
        boolean idr = false;
        boolean sps = false;
        for (int p = 0; p < length; ) {
          long n = nalLength(s, p, length, index);
          int type = s[p + nalLengthSize] & 0x1f;
          idr |= type == 5;
          sps |= type == 7;
          p += nalLengthSize + (int) n;
        }
        if (idr && !sps) {
          for (byte[] ps : parameterSets) {
            out.write(START_CODE, 0, 4);
            out.write(ps, 0, ps.length);
          }
        }
        for (int p = 0; p < length; ) {
          int n = (int) nalLength(s, p, length, index);
          out.write(START_CODE, 0, 4);
          out.write(s, p + nalLengthSize, n);
          p += nalLengthSize + n;
        }
      }
    };
  }

  private long nalLength(byte[] s, int p, int length, int index) throws Mp4FormatException {
    if (p + nalLengthSize >= length) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "video sample " + index + " ends inside a NAL unit length", -1);
    }
    long n = 0;
    for (int i = 0; i < nalLengthSize; i++) {
      n = (n << 8) | (s[p + i] & 0xff);
    }
    if (n == 0 || n > length - p - nalLengthSize) {
      throw new Mp4FormatException(Mp4FormatException.Reason.MALFORMED, "video sample " + index
          + " holds a NAL unit length of " + n + " that does not fit the sample", -1);
    }
    return n;
  }

  /** The audio track as an AAC ADTS byte stream (empty without an audio track). */
  public InputStream audioAdts() {
    if (audio == null) {
      return InputStream.nullInputStream();
    }
    AacConfig c = aac.orElseThrow();
    return new SampleStream(audio) {
      @Override
      void convert(byte[] s, int length, int index, ByteArrayOutputStream out) throws Mp4FormatException {
        int total = length + 7;
        if (total >= 1 << 13) {
          throw new Mp4FormatException(Mp4FormatException.Reason.UNSUPPORTED, "audio sample " + index
              + " is too long for an ADTS frame", -1);
        }
        int channels = c.channelConfiguration();
        out.write(0xff);
        out.write(0xf1);
        out.write(((c.objectType() - 1) << 6) | (c.samplingFrequencyIndex() << 2) | (channels >> 2));
        out.write(((channels & 3) << 6) | (total >> 11));
        out.write((total >> 3) & 0xff);
        out.write(((total & 7) << 5) | 0x1f);
        out.write(0xfc);
        out.write(s, 0, length);
      }
    };
  }

  /** Streams a track's samples, each converted by {@link #convert}. */
  private abstract class SampleStream extends InputStream {
    private final Track track;
    private int next;
    private byte[] sample = new byte[0];
    private final ByteArrayOutputStream converted = new ByteArrayOutputStream();
    private byte[] out = new byte[0];
    private int pos;

    SampleStream(Track track) {
      this.track = track;
    }

    abstract void convert(byte[] sample, int length, int index, ByteArrayOutputStream out) throws Mp4FormatException;

    private boolean fill() throws IOException {
      while (pos == out.length) {
        if (next == track.count) {
          return false;
        }
        int size = track.sizes[next];
        if (sample.length < size) {
          sample = new byte[Math.max(size, sample.length * 2)];
        }
        ByteBuffer b = ByteBuffer.wrap(sample, 0, size);
        readFully(file, b, track.offsets[next]);
        if (b.hasRemaining()) {
          throw new Mp4FormatException(Mp4FormatException.Reason.TRUNCATED, "the MP4 shrank while being read", track.offsets[next]);
        }
        converted.reset();
        convert(sample, size, next, converted);
        out = converted.toByteArray();
        pos = 0;
        next++;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? out[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, out.length - pos);
      System.arraycopy(out, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
