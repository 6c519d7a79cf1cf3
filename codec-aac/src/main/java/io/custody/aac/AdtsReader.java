package io.custody.aac;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an AAC ADTS stream (ISO/IEC 14496-3 §1.A.2) that arrives in chunks of any size into raw
 * AAC frames, each with the {@link AacConfig} its header announces.
 *
 * <p>Each frame is handed to the sink as an {@link AdtsFrame} view: over the caller's chunk when
 * the ADTS frame lies wholly inside it (no copy), over the reader's carry buffer when it spans
 * chunks. An ADTS frame is at most 8191 bytes, so the carry buffer is bounded (16 KiB).
 *
 * <p>What is accepted and what is refused:
 *
 * <ul>
 *   <li>Headers with and without CRC (protection_absent 0 or 1). The CRC is skipped, not checked:
 *       the container above (MP4 plus the sealed segment) carries its own integrity.
 *   <li>number_of_raw_data_blocks_in_frame other than 0 (several AAC frames in one ADTS frame) is
 *       refused with {@link AacFormatException.Reason#MULTIPLE_RAW_DATA_BLOCKS} rather than split:
 *       without CRC the block boundaries can only be found by decoding the AAC syntax, and no
 *       camera encoder writes such frames.
 *   <li>channel_configuration 0 (layout in a program config element) is refused with {@link
 *       AacFormatException.Reason#UNSUPPORTED_CHANNEL_CONFIGURATION}, in either policy.
 * </ul>
 *
 * <p>Corrupt input depends on the {@link ErrorPolicy}. {@link ErrorPolicy#STRICT} (the default)
 * throws {@link AacFormatException} at the first byte that is not a valid ADTS header where one
 * must start ({@link AacFormatException.Reason#BAD_SYNC} or {@link
 * AacFormatException.Reason#INVALID_HEADER}) and on a frame cut short by the end of the stream
 * ({@link AacFormatException.Reason#TRUNCATED}). {@link ErrorPolicy#RESYNC} skips one byte at a
 * time until the next valid header instead, counting {@link #skippedBytes()} and {@link
 * #resyncs()}; a truncated last frame is skipped the same way. Every step consumes input, so
 * neither policy can loop without progress. In both, {@link #finish()} throws {@code BAD_SYNC} if
 * the non-empty input held not one frame.
 *
 * <p>Not thread-safe: one reader per stream.
 */
public final class AdtsReader {
  /** Receives each frame; the view is valid only during the call. */
  @FunctionalInterface
  public interface FrameSink {
    /** Called once per frame, in stream order. */
    void accept(AdtsFrame frame);
  }

  /** What to do with bytes that are not ADTS. */
  public enum ErrorPolicy {
    /** Throw {@link AacFormatException}. */
    STRICT,
    /** Skip to the next valid header and count what was skipped. */
    RESYNC,
  }

  /** Largest ADTS frame: frame_length is a 13-bit field. */
  static final int MAX_FRAME_BYTES = (1 << 13) - 1;

  /**
   * Carry capacity: an unfinished frame left over (under {@link #MAX_FRAME_BYTES}) plus at least
   * as much new input, so every refill completes the frame it waits for.
   */
  private static final int CARRY_BYTES = 2 * (MAX_FRAME_BYTES + 1);

  private static final int HEADER_BYTES = 7;
  private static final int CRC_BYTES = 2;

  private final FrameSink sink;
  private final ErrorPolicy policy;
  private final AdtsFrame view = new AdtsFrame();
  // Input not yet consumed from earlier chunks: at most one unfinished frame, plus new input.
  private final byte[] carry = new byte[CARRY_BYTES];
  private int carryLength;
  // Stream offset of carry[0].
  private long carryStreamOffset;
  // Bytes fed so far.
  private long position;
  private long frames;
  private long skippedBytes;
  private long resyncs;
  // Whether the last byte looked at was skipped (so a run of garbage counts as one resync).
  private boolean skipping;
  private AacConfig lastConfig;
  private boolean finished;

  /** A {@link ErrorPolicy#STRICT} reader. */
  public AdtsReader(FrameSink sink) {
    this(sink, ErrorPolicy.STRICT);
  }

  public AdtsReader(FrameSink sink, ErrorPolicy policy) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    if (policy == null) {
      throw new NullPointerException("policy");
    }
    this.sink = sink;
    this.policy = policy;
  }

  /**
   * Reads a whole ADTS stream into detached frames (a convenience for tools and tests).
   *
   * @throws AacFormatException if the stream is malformed ({@link ErrorPolicy#STRICT})
   */
  public static List<AdtsFrame> readAll(byte[] adts) {
    List<AdtsFrame> out = new ArrayList<>();
    AdtsReader reader = new AdtsReader(f -> out.add(f.copy()));
    reader.feed(adts, 0, adts.length);
    reader.finish();
    return out;
  }

  /**
   * Reads {@code length} bytes of {@code chunk} from {@code offset}, handing every frame that ends
   * inside it to the sink. The chunk may be reused by the caller once this returns.
   *
   * @throws AacFormatException on malformed input, as the policy says
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
    long chunkBase = position - offset; // stream offset of chunk[0]
    position += length;
    int at = offset;
    while (carryLength > 0 && at < end) {
      int old = carryLength;
      int take = Math.min(end - at, CARRY_BYTES - old);
      System.arraycopy(chunk, at, carry, old, take);
      carryLength += take;
      int consumed = parse(carry, 0, carryLength, carryStreamOffset, false);
      if (consumed >= old) { // everything left came from the chunk: go on reading it in place
        at += consumed - old;
        carryLength = 0;
        break;
      }
      System.arraycopy(carry, consumed, carry, 0, carryLength - consumed);
      carryLength -= consumed;
      carryStreamOffset += consumed;
      at += take;
    }
    if (carryLength == 0 && at < end) {
      int consumed = parse(chunk, at, end, chunkBase, false);
      System.arraycopy(chunk, consumed, carry, 0, end - consumed);
      carryLength = end - consumed;
      carryStreamOffset = chunkBase + consumed;
    }
  }

  /** Same as {@code feed(chunk, 0, chunk.length)}. */
  public void feed(byte[] chunk) {
    feed(chunk, 0, chunk.length);
  }

  /**
   * Ends the stream. Feeding afterwards is an error.
   *
   * @throws AacFormatException {@link AacFormatException.Reason#TRUNCATED} if the stream ends
   *     inside a frame ({@link ErrorPolicy#STRICT} only), {@link
   *     AacFormatException.Reason#BAD_SYNC} if the non-empty input held no frame
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (carryLength > 0) {
      parse(carry, 0, carryLength, carryStreamOffset, true);
      carryLength = 0;
    }
    if (frames == 0 && position > 0) {
      throw new AacFormatException(
          AacFormatException.Reason.BAD_SYNC, "no ADTS frame in " + position + " bytes", -1);
    }
  }

  /** Frames handed to the sink so far. */
  public long frames() {
    return frames;
  }

  /** Total bytes fed so far. */
  public long bytesScanned() {
    return position;
  }

  /** Bytes skipped while looking for a header ({@link ErrorPolicy#RESYNC} only). */
  public long skippedBytes() {
    return skippedBytes;
  }

  /** Runs of skipped bytes, i.e. how many times the reader lost and found the frame sync. */
  public long resyncs() {
    return resyncs;
  }

  /**
   * Emits the complete frames in {@code b[from, to)}, where {@code b[0]} is at stream offset
   * {@code base}, and returns the index of the first byte not consumed. With {@code atEnd}, an
   * incomplete frame is an error (or skipped) instead of waiting for more input.
   */
  private int parse(byte[] b, int from, int to, long base, boolean atEnd) {
    int i = from;
    while (i < to) {
      if (to - i < HEADER_BYTES) {
        if (!atEnd) {
          break;
        }
        truncatedOrSkip(base + i, to - i);
        i = to;
        break;
      }
      int b1 = b[i + 1] & 0xff;
      if ((b[i] & 0xff) != 0xff || (b1 & 0xf6) != 0xf0) { // syncword 0xFFF, layer 00
        badHeader(AacFormatException.Reason.BAD_SYNC, "no ADTS syncword", base + i);
        i++;
        continue;
      }
      int b2 = b[i + 2] & 0xff;
      int b3 = b[i + 3] & 0xff;
      boolean crc = (b1 & 1) == 0;
      int objectType = (b2 >>> 6) + 1;
      int sfi = (b2 >>> 2) & 0xf;
      int channels = ((b2 & 1) << 2) | (b3 >>> 6);
      int frameLength = ((b3 & 3) << 11) | ((b[i + 4] & 0xff) << 3) | ((b[i + 5] & 0xff) >>> 5);
      int blocks = b[i + 6] & 3;
      int headerLength = HEADER_BYTES + (crc ? CRC_BYTES : 0);
      if (sfi > 12 || frameLength <= headerLength) {
        badHeader(AacFormatException.Reason.INVALID_HEADER,
            "invalid ADTS header (sampling index " + sfi + ", frame_length " + frameLength + ")",
            base + i);
        i++;
        continue;
      }
      if (channels == 0) {
        throw new AacFormatException(AacFormatException.Reason.UNSUPPORTED_CHANNEL_CONFIGURATION,
            "channel_configuration 0 (program config element) is not supported", base + i);
      }
      if (blocks != 0) {
        throw new AacFormatException(AacFormatException.Reason.MULTIPLE_RAW_DATA_BLOCKS,
            (blocks + 1) + " raw data blocks in one ADTS frame are not supported", base + i);
      }
      if (to - i < frameLength) {
        if (!atEnd) {
          break;
        }
        truncatedOrSkip(base + i, to - i);
        i++; // RESYNC: a false header may hide real frames behind it
        continue;
      }
      skipping = false;
      AacConfig config = lastConfig;
      if (config == null || config.objectType() != objectType
          || config.samplingFrequencyIndex() != sfi || config.channelConfiguration() != channels) {
        config = AacConfig.of(objectType, sfi, channels);
        lastConfig = config;
      }
      view.array = b;
      view.offset = i + headerLength;
      view.length = frameLength - headerLength;
      view.config = config;
      view.crcProtected = crc;
      view.streamOffset = base + i;
      view.index = frames++;
      sink.accept(view);
      i += frameLength;
    }
    return i;
  }

  private void badHeader(AacFormatException.Reason reason, String message, long streamOffset) {
    if (policy == ErrorPolicy.STRICT) {
      throw new AacFormatException(reason, message, streamOffset);
    }
    skippedBytes++;
    if (!skipping) {
      skipping = true;
      resyncs++;
    }
  }

  private void truncatedOrSkip(long streamOffset, int available) {
    if (policy == ErrorPolicy.STRICT) {
      throw new AacFormatException(AacFormatException.Reason.TRUNCATED,
          "stream ends inside an ADTS frame (" + available + " bytes left)", streamOffset);
    }
    badHeader(AacFormatException.Reason.TRUNCATED, "", streamOffset);
    if (available < HEADER_BYTES) {
      skippedBytes += available - 1;
    }
  }
}
