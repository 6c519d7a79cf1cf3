package io.custody.h264;

import java.util.Arrays;

/**
 * Groups NAL units into access units (ITU-T H.264 §7.4.1.2.3, §7.4.1.2.4) and hands each
 * complete one to a sink, with its keyframe flag and picture order count.
 *
 * <p>Boundaries: an access unit delimiter, SPS, PPS, SEI or NAL unit of type 14 to 18 that follows
 * the first slice of a picture starts the next access unit; a slice starts one when any of the
 * §7.4.1.2.4 fields (frame_num, pic_parameter_set_id, field and bottom-field flags, nal_ref_idc
 * zero-ness, picture order count fields, IDR flag and idr_pic_id) differs from the previous slice.
 * Redundant slices stay with their primary picture; field pictures are one access unit per field.
 * End of sequence, end of stream, filler and other units stay in the access unit they follow.
 *
 * <p>An access unit is complete when the next one starts, so the sink runs one access unit behind
 * the input; {@link #finish()} flushes the last one.
 *
 * <p>Memory: NAL bytes are copied once, already length-prefixed, into one growable buffer that
 * is reused for every access unit; parameter sets are re-parsed only when their bytes change. In
 * steady state nothing is allocated per NAL unit or per access unit. As an {@link
 * AnnexBScanner.PieceSink} it takes a slice that spans the scanner's chunks piece by piece, so
 * that slice is copied once (chunk to buffer), not twice through the scanner's carry.
 *
 * <p>Bad input: a slice whose PPS or SPS has not been seen throws {@link
 * H264FormatException.Reason#MISSING_PARAMETER_SET}; malformed slice headers and parameter sets
 * throw {@link H264FormatException}. A malformed SEI does not stop the stream: its remaining
 * messages are skipped and counted in {@link #malformedSeiUnits()}. Units after the last slice
 * that belong to no picture are counted in {@link #orphanNalUnits()}.
 *
 * <p>Not thread-safe.
 */
public final class AccessUnitAssembler implements AnnexBScanner.PieceSink {
  /** Receives each access unit; the view is valid only during the call. */
  @FunctionalInterface
  public interface AccessUnitSink {
    /** Called once per access unit, in decoding order. */
    void accept(AccessUnit accessUnit);
  }

  /**
   * Bytes of a slice NAL unit unescaped to read its header; longer headers retry with all. The
   * headers of every clip in testdata take 4-14 bytes; long reference-list modifications,
   * weight tables or marking operations can take hundreds.
   */
  static final int SLICE_HEADER_PREFIX = 64;

  /** Default bound on one access unit: 128 MiB, far above any level's maximum coded picture. */
  public static final int DEFAULT_MAX_ACCESS_UNIT_BYTES = 128 << 20;

  private final AccessUnitSink sink;
  private final int maxAccessUnitBytes;
  private final SequenceParameterSet[] spsById = new SequenceParameterSet[32];
  private final PictureParameterSet[] ppsById = new PictureParameterSet[256];
  private final AccessUnit au = new AccessUnit();
  private final SliceHeader slice = new SliceHeader();
  private final SliceHeader firstSlice = new SliceHeader();
  private final SliceHeader lastSlice = new SliceHeader();
  private final PicOrderCounter poc = new PicOrderCounter();
  private final RbspReader reader = new RbspReader();
  private byte[] rbsp = new byte[SLICE_HEADER_PREFIX];
  // Whether the access unit being built already holds a slice of its primary picture.
  private boolean hasSlice;
  // Where the length field of the slice arriving in pieces is in au.data (-1 when none is), and
  // the slice's stream offset.
  private int pieceAt = -1;
  private long pieceStreamOffset;
  private long accessUnits;
  private long malformedSeiUnits;
  private long orphanNalUnits;

  /** An assembler with the {@linkplain #DEFAULT_MAX_ACCESS_UNIT_BYTES default} size bound. */
  public AccessUnitAssembler(AccessUnitSink sink) {
    this(sink, DEFAULT_MAX_ACCESS_UNIT_BYTES);
  }

  /**
   * An assembler that refuses access units larger than {@code maxAccessUnitBytes} (NAL units plus
   * their 4-byte lengths) with {@link H264FormatException.Reason#ACCESS_UNIT_TOO_LARGE}.
   */
  public AccessUnitAssembler(AccessUnitSink sink, int maxAccessUnitBytes) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    if (maxAccessUnitBytes < 5) {
      throw new IllegalArgumentException("maxAccessUnitBytes too small: " + maxAccessUnitBytes);
    }
    this.sink = sink;
    this.maxAccessUnitBytes = maxAccessUnitBytes;
    au.data = new byte[256 * 1024];
    au.spsTable = spsById;
    au.ppsTable = ppsById;
  }

  @Override
  public void accept(NalUnit nal) {
    try {
      acceptUnit(nal);
    } catch (H264FormatException e) {
      throw e.at(nal.streamOffset());
    }
  }

  private void acceptUnit(NalUnit nal) {
    int type = nal.type();
    switch (type) {
      case NalUnitType.SPS:
        startNewIfPictureSeen();
        updateSps(nal);
        break;
      case NalUnitType.PPS:
        startNewIfPictureSeen();
        updatePps(nal);
        break;
      case NalUnitType.SEI:
        startNewIfPictureSeen();
        if (scanSeiForRecoveryPoint(nal)) {
          au.recoveryPoint = true;
        }
        break;
      case NalUnitType.AUD:
      case NalUnitType.PREFIX:
      case NalUnitType.SUBSET_SPS:
      case NalUnitType.DEPTH_PS:
      case 17:
      case 18:
        startNewIfPictureSeen();
        break;
      case NalUnitType.SLICE:
      case NalUnitType.IDR_SLICE:
      case NalUnitType.SLICE_DATA_A:
        parseSliceHeader(nal, true);
        startSlice();
        break;
      default:
        break; // partitions B/C, end of sequence/stream, filler, extensions: stay where they are
    }
    append(nal);
  }

  /**
   * Takes a slice that spans the scanner's chunks in pieces, when its header can be read from the
   * bytes that have arrived; other units, and slices with longer headers, come whole.
   */
  @Override
  public boolean begin(NalUnit head) {
    int type = head.type();
    if (type != NalUnitType.SLICE && type != NalUnitType.IDR_SLICE) {
      return false;
    }
    try {
      if (!parseSliceHeader(head, false)) {
        return false;
      }
      startSlice();
      pieceAt = append(head); // its length field is rewritten when the slice ends
      pieceStreamOffset = head.streamOffset();
    } catch (H264FormatException e) {
      throw e.at(head.streamOffset());
    }
    return true;
  }

  @Override
  public void more(byte[] array, int offset, int length) {
    int at;
    try {
      at = reserve(length);
    } catch (H264FormatException e) {
      throw e.at(pieceStreamOffset);
    }
    System.arraycopy(array, offset, au.data, at, length);
  }

  @Override
  public void end(byte[] array, int offset, int length) {
    more(array, offset, length);
    putLength(pieceAt, au.length - pieceAt - 4);
    pieceAt = -1;
  }

  /**
   * Ends the stream: hands over the last access unit. Units after the last slice that form no
   * picture are dropped and counted in {@link #orphanNalUnits()}.
   *
   * @throws IllegalStateException if a slice is still arriving in pieces (finish the scanner
   *     first)
   */
  public void finish() {
    if (pieceAt >= 0) {
      throw new IllegalStateException("a slice is still arriving: finish the scanner first");
    }
    if (hasSlice) {
      flush();
    } else {
      orphanNalUnits += au.nalCount;
      resetAccessUnit();
    }
  }

  /**
   * Every access unit of a whole Annex-B stream held in memory, detached (for tools, tests and
   * benchmarks; streaming callers use the scanner and assembler directly).
   *
   * @throws H264FormatException if the stream is malformed
   */
  public static java.util.List<AccessUnit> readAll(byte[] annexB) {
    java.util.List<AccessUnit> units = new java.util.ArrayList<>();
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> units.add(au.copy()));
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    scanner.feed(annexB);
    scanner.finish();
    assembler.finish();
    return units;
  }

  /** Access units handed to the sink so far. */
  public long accessUnits() {
    return accessUnits;
  }

  /** SEI NAL units whose messages could not be parsed (their remaining messages were skipped). */
  public long malformedSeiUnits() {
    return malformedSeiUnits;
  }

  /** NAL units that belonged to no picture (non-VCL units after the stream's last slice). */
  public long orphanNalUnits() {
    return orphanNalUnits;
  }

  /** A slice whose header is in {@link #slice}: ends the access unit if it starts a new picture. */
  private void startSlice() {
    if (hasSlice && slice.startsNewPicture(lastSlice)) {
      flush();
    }
    if (!hasSlice) {
      hasSlice = true;
      firstSlice.copyFrom(slice);
    }
    lastSlice.copyFrom(slice);
  }

  private void startNewIfPictureSeen() {
    if (hasSlice) {
      flush();
    }
  }

  private void flush() {
    SliceHeader h = firstSlice;
    au.decodeIndex = accessUnits++;
    au.idr = h.isIdr();
    au.sliceType = h.sliceType;
    au.nalRefIdc = h.nalRefIdc;
    au.frameNum = h.frameNum;
    au.fieldPic = h.fieldPic;
    au.bottomField = h.bottomField;
    au.sps = h.sps;
    au.pps = h.pps;
    au.mmco5 = h.mmco5 && !au.idr;
    au.picOrderCnt = poc.next(h);
    au.keyframe =
        au.idr
            || au.recoveryPoint
            || (h.sliceType == 2
                && h.sps.maxNumRefFrames() <= 1
                && h.pps.numRefIdxL0DefaultActive() == 1);
    sink.accept(au);
    resetAccessUnit();
  }

  private void resetAccessUnit() {
    au.length = 0;
    au.nalCount = 0;
    au.recoveryPoint = false;
    hasSlice = false;
  }

  /** Adds a NAL unit to the access unit; returns where its length field is. */
  private int append(NalUnit nal) {
    int len = nal.length();
    int at = reserve(4 + len);
    startUnit(at, nal.streamOffset());
    putLength(at, len);
    System.arraycopy(nal.array(), nal.offset(), au.data, at + 4, len);
    return at;
  }

  /** Makes room for {@code bytes} more bytes of the access unit; returns where they go. */
  private int reserve(int bytes) {
    int at = au.length;
    int needed = at + bytes;
    if (needed > maxAccessUnitBytes || needed < 0) {
      throw new H264FormatException(
          H264FormatException.Reason.ACCESS_UNIT_TOO_LARGE,
          "access unit exceeds the " + maxAccessUnitBytes + "-byte limit");
    }
    if (needed > au.data.length) {
      au.data = Arrays.copyOf(au.data, (int) Math.min(maxAccessUnitBytes, Math.max(needed, au.data.length * 2L)));
    }
    au.length = needed;
    return at;
  }

  /** Records a NAL unit whose length field is at {@code at}. */
  private void startUnit(int at, long streamOffset) {
    if (au.nalCount == au.nalOffsets.length) {
      au.nalOffsets = Arrays.copyOf(au.nalOffsets, au.nalCount * 2);
    }
    if (au.nalCount == 0) {
      au.streamOffset = streamOffset;
    }
    au.nalOffsets[au.nalCount++] = at;
  }

  private void putLength(int at, int len) {
    byte[] d = au.data;
    d[at] = (byte) (len >>> 24);
    d[at + 1] = (byte) (len >>> 16);
    d[at + 2] = (byte) (len >>> 8);
    d[at + 3] = (byte) len;
  }

  private void updateSps(NalUnit nal) {
    int id = peekParameterSetId(nal);
    SequenceParameterSet old = id >= 0 && id < spsById.length ? spsById[id] : null;
    if (old != null && sameBytes(old.nalUnitView(), nal)) {
      return;
    }
    SequenceParameterSet sps = SequenceParameterSet.parse(nal.array(), nal.offset(), nal.length());
    spsById[sps.id()] = sps;
    au.parameterSetGeneration++;
  }

  private void updatePps(NalUnit nal) {
    int id = peekParameterSetId(nal);
    PictureParameterSet old = id >= 0 && id < ppsById.length ? ppsById[id] : null;
    if (old != null && sameBytes(old.nalUnitView(), nal)) {
      return;
    }
    PictureParameterSet pps =
        PictureParameterSet.parse(nal.array(), nal.offset(), nal.length(), i -> spsById[i]);
    ppsById[pps.id()] = pps;
    au.parameterSetGeneration++;
  }

  /**
   * The id of an SPS or PPS without a full parse, so unchanged repeats (sent before every IDR)
   * are recognised without allocating; -1 if it cannot be read.
   */
  private int peekParameterSetId(NalUnit nal) {
    int n = RbspReader.unescape(nal.array(), nal.offset(), Math.min(nal.length(), 16), ensureRbsp(16));
    reader.reset(rbsp, n);
    try {
      if (nal.type() == NalUnitType.SPS) {
        reader.skip(32); // header, profile_idc, constraint flags, level_idc
      } else {
        reader.skip(8);
      }
      return (int) Math.min(reader.ueLong(), Integer.MAX_VALUE);
    } catch (H264FormatException e) {
      return -1; // the full parse reports it
    }
  }

  private static boolean sameBytes(byte[] stored, NalUnit nal) {
    return Arrays.equals(stored, 0, stored.length, nal.array(), nal.offset(), nal.offset() + nal.length());
  }

  /**
   * Reads the slice header into {@link #slice}, from the unit's first {@link
   * #SLICE_HEADER_PREFIX} bytes or, if the header is longer, all of them. Returns false if
   * {@code nal} is only the start of a unit ({@code whole} false) and too short for the header.
   */
  private boolean parseSliceHeader(NalUnit nal, boolean whole) {
    int prefix = Math.min(nal.length(), SLICE_HEADER_PREFIX);
    for (int length = prefix; ; length = nal.length()) {
      int n = RbspReader.unescape(nal.array(), nal.offset(), length, ensureRbsp(length));
      reader.reset(rbsp, n);
      try {
        slice.parse(reader, ppsById, spsById);
        return true;
      } catch (H264FormatException e) {
        if (e.reason() != H264FormatException.Reason.TRUNCATED) {
          throw e;
        }
        if (length == nal.length()) {
          if (whole) {
            throw e;
          }
          return false;
        }
      }
    }
  }

  /**
   * Walks the SEI messages (§7.3.2.3) and reports whether one is a recovery point (payloadType 6)
   * with a valid recovery_frame_cnt.
   */
  private boolean scanSeiForRecoveryPoint(NalUnit nal) {
    int n = RbspReader.unescape(nal.array(), nal.offset(), nal.length(), ensureRbsp(nal.length()));
    reader.reset(rbsp, n);
    try {
      reader.skip(8);
      while (reader.moreRbspData()) {
        int payloadType = readSeiValue();
        int payloadSize = readSeiValue();
        if (payloadSize > reader.bitsLeft() / 8) {
          throw new H264FormatException(
              H264FormatException.Reason.TRUNCATED, "SEI payload longer than its NAL unit");
        }
        int payloadStart = reader.bitPosition();
        if (payloadType == 6) {
          reader.ue("recovery_frame_cnt", 65535);
          return true;
        }
        reader.skip(payloadStart + payloadSize * 8 - reader.bitPosition());
      }
    } catch (H264FormatException e) {
      malformedSeiUnits++;
    }
    return false;
  }

  /** payloadType or payloadSize: a run of 0xFF bytes plus a last byte. */
  private int readSeiValue() {
    int value = 0;
    int b;
    do {
      b = reader.bits(8);
      value += b;
      if (value > 1 << 24) {
        throw new H264FormatException(H264FormatException.Reason.INVALID_VALUE, "SEI value too large");
      }
    } while (b == 0xff);
    return value;
  }

  private byte[] ensureRbsp(int size) {
    if (rbsp.length < size) {
      rbsp = new byte[Math.max(size, rbsp.length * 2)];
    }
    return rbsp;
  }
}
