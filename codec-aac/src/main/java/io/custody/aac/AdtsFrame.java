package io.custody.aac;

import java.util.Arrays;

/**
 * One raw AAC frame (one raw_data_block, ADTS header and CRC removed) from an {@link AdtsReader},
 * with the configuration its header announced.
 *
 * <p>Ownership: a frame handed to an {@link AdtsReader.FrameSink} is a view over the caller's
 * chunk or the reader's carry buffer and is valid only during that call; {@link #copy()} detaches
 * it. {@link #config()} is immutable and may be kept: the reader hands out a new object only when
 * a header announces a different configuration, so an identity change means a change.
 */
public final class AdtsFrame {
  byte[] array;
  int offset;
  int length;
  AacConfig config;
  boolean crcProtected;
  long streamOffset;
  long index;

  AdtsFrame() {}

  /** The array holding the raw frame; read-only by contract. */
  public byte[] array() {
    return array;
  }

  /** Index in {@link #array()} of the frame's first byte. */
  public int offset() {
    return offset;
  }

  /** Bytes in the raw frame (ADTS frame_length minus the 7- or 9-byte header). */
  public int length() {
    return length;
  }

  /** Object type, sampling frequency and channels from the frame's ADTS header. */
  public AacConfig config() {
    return config;
  }

  /** Whether the ADTS header carried a CRC (protection_absent = 0); the CRC is not verified. */
  public boolean isCrcProtected() {
    return crcProtected;
  }

  /** Stream offset of the frame's ADTS header. */
  public long streamOffset() {
    return streamOffset;
  }

  /** Position of the frame in the stream, from 0. */
  public long index() {
    return index;
  }

  /** The raw frame bytes, copied. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  /** A detached copy that stays valid after the callback. */
  public AdtsFrame copy() {
    AdtsFrame c = new AdtsFrame();
    c.array = toByteArray();
    c.offset = 0;
    c.length = length;
    c.config = config;
    c.crcProtected = crcProtected;
    c.streamOffset = streamOffset;
    c.index = index;
    return c;
  }

  @Override
  public String toString() {
    return "AdtsFrame{#" + index + ", " + length + " bytes, " + config + "}";
  }
}
