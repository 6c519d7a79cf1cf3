package io.custody.h264;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds the NAL units of an ITU-T H.264 Annex B byte stream that arrives in chunks of any size.
 *
 * <p>Start codes are {@code 00 00 01}, with any number of leading zero bytes (so {@code 00 00 00
 * 01} is found too); a start code may straddle two chunks. Each NAL unit is handed to the sink as
 * a {@link NalUnit} view: over the caller's chunk when the unit lies wholly inside it (no copy),
 * over the scanner's carry buffer when it spans chunks (one copy of the spanning unit only). A
 * {@link PieceSink} (the {@link AccessUnitAssembler} is one) can take a spanning unit in pieces
 * instead, straight from each chunk as it arrives, so that nothing is copied here at all.
 *
 * <p>Bad input, and what happens to it:
 *
 * <ul>
 *   <li>Bytes before the first start code are skipped and counted ({@link #skippedBytes()}): a
 *       reader that joins a live stream starts mid-unit. If the whole input ends without one
 *       start code, {@link #finish()} throws {@link H264FormatException.Reason#NO_START_CODE}.
 *       Memory stays constant however long that garbage is.
 *   <li>A NAL unit longer than the configured maximum throws {@link
 *       H264FormatException.Reason#NAL_UNIT_TOO_LARGE}, so a stream that stops having start codes
 *       cannot grow the carry buffer without bound.
 *   <li>A unit whose forbidden_zero_bit is set throws {@link
 *       H264FormatException.Reason#FORBIDDEN_ZERO_BIT}.
 *   <li>Empty units (two start codes in a row) are skipped and counted in {@link
 *       #skippedBytes()}'s sibling {@link #emptyNalUnits()}.
 * </ul>
 *
 * <p>Not thread-safe: one scanner per stream, fed from one thread at a time.
 */
public final class AnnexBScanner {
  /** Receives each NAL unit; the view is valid only during the call. */
  @FunctionalInterface
  public interface NalUnitSink {
    /** Called once per NAL unit, in stream order. */
    void accept(NalUnit nal);
  }

  /**
   * A sink that can also take a NAL unit that spans chunks in pieces, as the chunks arrive: the
   * scanner then copies none of it. Offered the start of such a unit ({@link #begin}), the sink
   * either takes it, and gets its further bytes from {@link #more} and the last from {@link
   * #end}, or declines it and gets the whole unit from {@link #accept} once it ends. Pieces
   * never hold the unit's trailing zero bytes, and come in stream order: no other unit arrives
   * between a {@code begin} and its {@code end}. Views and arrays are valid only during the call.
   */
  public interface PieceSink extends NalUnitSink {
    /**
     * The unit's bytes so far ({@code head}, header byte first; its {@linkplain
     * NalUnit#streamOffset() stream offset} is the unit's); returns whether the sink takes the
     * unit in pieces.
     */
    boolean begin(NalUnit head);

    /** {@code length} more bytes of the unit begun, from {@code array[offset]}; not its end. */
    void more(byte[] array, int offset, int length);

    /** The unit's last {@code length} bytes (possibly none): the unit is complete. */
    void end(byte[] array, int offset, int length);
  }

  /**
   * Default bound on one NAL unit: 64 MiB. A 4K intra frame at the highest level is a few MiB, so
   * this only trips on input that has stopped being H.264.
   */
  public static final int DEFAULT_MAX_NAL_UNIT_BYTES = 64 << 20;

  /** Reads 8 bytes at any index; plain (unaligned) access is allowed on byte-array views. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private final NalUnitSink sink;
  private final PieceSink pieces;
  private final int maxNalUnitBytes;
  private final NalUnit view = new NalUnit();

  // The unit in progress when it started in an earlier chunk; before the first start code, the
  // last (at most two) skipped bytes, so a start code straddling chunks is still seen.
  private byte[] carry = new byte[64 * 1024];
  private int carryLength;
  // Whether a start code has been seen, i.e. whether carry holds NAL bytes rather than garbage.
  private boolean inNalUnit;
  // Whether the unit in progress is going to the PieceSink in pieces: carry then holds only the
  // zero bytes at its end so far, which may be trailing zeros or the start of a start code.
  private boolean piecing;
  // Bytes of the unit in progress handed over in pieces so far.
  private long pieceBytes;
  private long piecedNalUnits;
  // Stream offset of carry[0] when inNalUnit.
  private long carryStreamOffset;
  // Bytes fed before the current chunk.
  private long position;
  private long nalUnits;
  private long skippedBytes;
  private long emptyNalUnits;
  private boolean finished;

  /** A scanner with the {@linkplain #DEFAULT_MAX_NAL_UNIT_BYTES default} NAL unit bound. */
  public AnnexBScanner(NalUnitSink sink) {
    this(sink, DEFAULT_MAX_NAL_UNIT_BYTES);
  }

  /** A scanner that refuses NAL units longer than {@code maxNalUnitBytes}. */
  public AnnexBScanner(NalUnitSink sink, int maxNalUnitBytes) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    if (maxNalUnitBytes < 1) {
      throw new IllegalArgumentException("maxNalUnitBytes must be positive: " + maxNalUnitBytes);
    }
    this.sink = sink;
    this.pieces = sink instanceof PieceSink p ? p : null;
    this.maxNalUnitBytes = maxNalUnitBytes;
  }

  /**
   * Scans {@code length} bytes of {@code chunk} from {@code offset}, handing every NAL unit that
   * ends inside it to the sink. The chunk may be reused by the caller once this returns.
   *
   * @throws H264FormatException on a corrupt or oversized NAL unit
   */
  public void feed(byte[] chunk, int offset, int length) {
    if (finished) {
      throw new IllegalStateException("feed after finish()");
    }
    int end = offset + length;
    if (offset < 0 || length < 0 || end > chunk.length || end < 0) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", array " + chunk.length);
    }
    if (length == 0) {
      return;
    }
    int next = piecing ? continuePiece(chunk, offset, end)
        : carryLength > 0 ? resolveCarry(chunk, offset, end) : offset;
    if (next >= 0 && !inNalUnit) {
      next = firstStartCode(chunk, next, end);
    }
    if (next >= 0) {
      scanUnits(chunk, next, end, position - offset);
    }
    position += length;
  }

  /** Same as {@code feed(chunk, 0, chunk.length)}. */
  public void feed(byte[] chunk) {
    feed(chunk, 0, chunk.length);
  }

  /**
   * Ends the stream: hands over the last NAL unit. Feeding afterwards is an error.
   *
   * @throws H264FormatException {@link H264FormatException.Reason#NO_START_CODE} if the input
   *     held bytes but not one start code
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (piecing) {
      endPiece(carry, 0, 0); // what it held were trailing zeros
    } else if (inNalUnit) {
      emit(carry, 0, carryLength, carryStreamOffset);
      carryLength = 0;
    } else {
      skippedBytes += carryLength;
      carryLength = 0;
      if (position > 0) {
        throw new H264FormatException(
            H264FormatException.Reason.NO_START_CODE,
            "no Annex-B start code in " + position + " bytes of input");
      }
    }
  }

  /** Total bytes fed so far. */
  public long bytesScanned() {
    return position;
  }

  /** NAL units handed to the sink so far. */
  public long nalUnits() {
    return nalUnits;
  }

  /** Bytes skipped because they came before the first start code. */
  public long skippedBytes() {
    return skippedBytes + (inNalUnit ? 0 : carryLength);
  }

  /** NAL units handed to a {@link PieceSink} in pieces (so not copied) so far. */
  public long piecedNalUnits() {
    return piecedNalUnits;
  }

  /** Start codes that were directly followed by another start code (empty units, skipped). */
  public long emptyNalUnits() {
    return emptyNalUnits;
  }

  /**
   * Settles the carried bytes against the start of a new chunk. Returns the index in the chunk
   * where scanning continues (just after a start code, when {@code inNalUnit}), or -1 when the
   * whole chunk was absorbed into the carry.
   */
  private int resolveCarry(byte[] chunk, int offset, int end) {
    byte[] c = carry;
    int n = carryLength;
    // A start code beginning in the carry: 00 00 | 01 or 00 | 00 01.
    int cut = -1;
    int resume = -1;
    if (n >= 2 && c[n - 2] == 0 && c[n - 1] == 0 && chunk[offset] == 1) {
      cut = n - 2;
      resume = offset + 1;
    } else if (c[n - 1] == 0 && end - offset >= 2 && chunk[offset] == 0 && chunk[offset + 1] == 1) {
      cut = n - 1;
      resume = offset + 2;
    }
    if (cut < 0) {
      int q = findStartCode(chunk, offset, end);
      if (q < 0) {
        absorb(chunk, offset, end);
        return -1;
      }
      if (inNalUnit) {
        append(chunk, offset, q - offset);
        cut = carryLength;
      } else {
        cut = carryLength + (q - offset);
      }
      resume = q + 3;
    }
    if (inNalUnit) {
      emit(carry, 0, cut, carryStreamOffset);
    } else {
      skippedBytes += cut;
    }
    carryLength = 0;
    inNalUnit = true;
    return resume;
  }

  /** Skips garbage up to the first start code in the chunk; returns where the first unit starts. */
  private int firstStartCode(byte[] chunk, int from, int end) {
    int q = findStartCode(chunk, from, end);
    if (q < 0) {
      absorb(chunk, from, end);
      return -1;
    }
    int garbageEnd = q;
    while (garbageEnd > from && chunk[garbageEnd - 1] == 0) {
      garbageEnd--; // leading_zero_8bits / zero_byte belong to the start code, not to garbage
    }
    skippedBytes += garbageEnd - from;
    inNalUnit = true;
    return q + 3;
  }

  /**
   * Emits every unit that ends inside the chunk and carries the unfinished one; {@code base} is
   * the stream offset of {@code chunk[0]}.
   */
  private void scanUnits(byte[] chunk, int start, int end, long base) {
    int unitStart = start;
    while (true) {
      int q = findStartCode(chunk, unitStart, end);
      if (q < 0) {
        break;
      }
      emit(chunk, unitStart, q - unitStart, base + unitStart);
      unitStart = q + 3;
    }
    carryStreamOffset = base + unitStart;
    if (!beginPiece(chunk, unitStart, end)) {
      append(chunk, unitStart, end - unitStart);
    }
  }

  /**
   * Offers the unit that starts at {@code from} and runs to the chunk's end to the {@link
   * PieceSink}; when it is taken, carry keeps only its zero bytes at the end.
   */
  private boolean beginPiece(byte[] chunk, int from, int end) {
    if (pieces == null) {
      return false;
    }
    int last = lastNonZero(chunk, from, end);
    if (last == from || last - from > maxNalUnitBytes || chunk[from] < 0) {
      return false; // nothing but zeros yet, or an error that the whole unit reports
    }
    view.set(chunk, from, last - from, carryStreamOffset);
    if (!pieces.begin(view)) {
      return false;
    }
    piecing = true;
    pieceBytes = (long) last - from;
    holdZeros(chunk, last, end); // carry is empty here: the previous unit ended before this one
    return true;
  }

  /**
   * Carries the unit being pieced through a new chunk. Returns the index in the chunk just after
   * the start code that ends it, or -1 when the whole chunk belongs to it.
   */
  private int continuePiece(byte[] chunk, int offset, int end) {
    int n = carryLength; // zeros only
    if (n >= 2 && chunk[offset] == 1) {
      endPiece(carry, 0, 0); // 00 00 | 01
      return offset + 1;
    }
    if (n >= 1 && end - offset >= 2 && chunk[offset] == 0 && chunk[offset + 1] == 1) {
      endPiece(carry, 0, 0); // 00 | 00 01
      return offset + 2;
    }
    int q = findStartCode(chunk, offset, end);
    int stop = q < 0 ? end : q;
    int last = lastNonZero(chunk, offset, stop);
    if (last > offset) {
      if (n > 0) {
        morePiece(carry, 0, n); // the zeros held were the unit's own bytes
        carryLength = 0;
      }
      if (q >= 0) {
        endPiece(chunk, offset, last - offset);
        return q + 3;
      }
      morePiece(chunk, offset, last - offset);
      holdZeros(chunk, last, end);
      return -1;
    }
    if (q >= 0) {
      endPiece(carry, 0, 0); // zeros up to the start code: trailing
      return q + 3;
    }
    holdZeros(chunk, offset, end);
    return -1;
  }

  private void morePiece(byte[] array, int from, int length) {
    pieceBytes += length;
    checkPieceLength(0);
    pieces.more(array, from, length);
  }

  private void endPiece(byte[] array, int from, int length) {
    pieceBytes += length;
    checkPieceLength(0);
    piecing = false;
    carryLength = 0;
    nalUnits++;
    piecedNalUnits++;
    pieces.end(array, from, length);
  }

  /** Adds zero bytes at the end of the unit being pieced to carry. */
  private void holdZeros(byte[] chunk, int from, int end) {
    checkPieceLength(carryLength + end - from);
    append(chunk, from, end - from);
  }

  private void checkPieceLength(long held) {
    if (pieceBytes + held > maxNalUnitBytes) {
      throw new H264FormatException(
          H264FormatException.Reason.NAL_UNIT_TOO_LARGE,
          "NAL unit exceeds the " + maxNalUnitBytes + "-byte limit",
          carryStreamOffset);
    }
  }

  /** The end of {@code [from, end)} without its trailing zero bytes. */
  private static int lastNonZero(byte[] b, int from, int end) {
    int last = end;
    while (last > from && b[last - 1] == 0) {
      last--;
    }
    return last;
  }

  /** Keeps bytes that belong to no unit yet: all of them inside a unit, the last two otherwise. */
  private void absorb(byte[] chunk, int from, int end) {
    if (inNalUnit) {
      append(chunk, from, end - from);
      return;
    }
    int keep = Math.min(2, end - from);
    int total = carryLength + (end - from);
    skippedBytes += total - Math.min(2, total);
    if (keep == 2 || carryLength == 0) {
      System.arraycopy(chunk, end - keep, carry, 0, keep);
      carryLength = keep;
    } else { // one new byte after at most two carried ones: keep the last two
      byte last = carry[carryLength - 1];
      carry[0] = last;
      carry[1] = chunk[end - 1];
      carryLength = 2;
    }
  }

  private void append(byte[] src, int from, int length) {
    int needed = carryLength + length;
    if (needed > maxNalUnitBytes + 3) {
      throw new H264FormatException(
          H264FormatException.Reason.NAL_UNIT_TOO_LARGE,
          "NAL unit exceeds the " + maxNalUnitBytes + "-byte limit",
          carryStreamOffset);
    }
    if (needed > carry.length) {
      carry = Arrays.copyOf(carry, Math.max(needed, Math.min(carry.length * 2, maxNalUnitBytes + 3)));
    }
    System.arraycopy(src, from, carry, carryLength, length);
    carryLength = needed;
  }

  private void emit(byte[] array, int from, int length, long streamOffset) {
    while (length > 0 && array[from + length - 1] == 0) {
      length--; // trailing_zero_8bits, or the leading zero of a 4-byte start code
    }
    if (length == 0) {
      emptyNalUnits++;
      return;
    }
    if (length > maxNalUnitBytes) {
      throw new H264FormatException(
          H264FormatException.Reason.NAL_UNIT_TOO_LARGE,
          "NAL unit of " + length + " bytes exceeds the " + maxNalUnitBytes + "-byte limit",
          streamOffset);
    }
    if (array[from] < 0) {
      throw new H264FormatException(
          H264FormatException.Reason.FORBIDDEN_ZERO_BIT,
          "NAL unit has forbidden_zero_bit set",
          streamOffset);
    }
    nalUnits++;
    view.set(array, from, length, streamOffset);
    sink.accept(view);
  }

  /**
   * Index of the first {@code 00 00 01} lying wholly in {@code [from, to)}, or -1.
   *
   * <p>A start code begins with two zero bytes, and compressed slice data rarely holds even one
   * (about one byte in 250 on x264 output), so the search skips 32 bytes at a time while none of
   * them can begin a zero pair. In each 8-byte word {@code w = v | v >>> 8}, byte k is
   * {@code b[k] | b[k+1]} (the top byte is {@code b[7]} alone, so a pair straddling two words is
   * flagged too), and the classic "has zero byte" bit trick tests four such words at once. A
   * flagged block is searched word by word and then byte by byte; its lowest flagged byte is
   * always a true zero of {@code w}, so that search starts exactly there.
   */
  static int findStartCode(byte[] b, int from, int to) {
    int i = from;
    while (true) {
      while (i + 32 <= to && !mayHoldZeroPair(b, i)) {
        i += 32;
      }
      int blockEnd = Math.min(to, i + 32 + 2);
      int p = findInBlock(b, i, blockEnd);
      if (p >= 0 || blockEnd == to) {
        return p;
      }
      i += 32;
    }
  }

  /** Whether a zero pair may begin in {@code b[i, i + 32)}: false means certainly not. */
  private static boolean mayHoldZeroPair(byte[] b, int i) {
    long w0 = pairs((long) LONGS.get(b, i));
    long w1 = pairs((long) LONGS.get(b, i + 8));
    long w2 = pairs((long) LONGS.get(b, i + 16));
    long w3 = pairs((long) LONGS.get(b, i + 24));
    return ((((w0 - ONES) & ~w0) | ((w1 - ONES) & ~w1) | ((w2 - ONES) & ~w2) | ((w3 - ONES) & ~w3)) & HIGHS) != 0;
  }

  /** Byte k of the result is {@code v}'s byte k ORed with byte k + 1: zero only where a zero pair begins. */
  private static long pairs(long v) {
    return v | v >>> 8;
  }

  /** {@link #findStartCode} within a short range, word by word and then byte by byte. */
  private static int findInBlock(byte[] b, int from, int to) {
    int i = from;
    while (i + 8 <= to) {
      long w = pairs((long) LONGS.get(b, i));
      long zeros = (w - ONES) & ~w & HIGHS;
      if (zeros == 0) {
        i += 8;
        continue;
      }
      int p = i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      if (p + 2 < to && b[p] == 0 && b[p + 1] == 0 && b[p + 2] == 1) {
        return p;
      }
      i = p + 1;
    }
    for (int limit = to - 2; i < limit; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        return i;
      }
    }
    return -1;
  }
}
