package io.custody.h264;

import java.util.Arrays;

/**
 * One NAL unit as a view over the bytes it was found in: header byte first, no start code, no
 * trailing zero bytes, emulation-prevention bytes still in place.
 *
 * <p>Ownership: a {@code NalUnit} handed to a {@link AnnexBScanner.NalUnitSink} is valid only for
 * the duration of that call. The scanner reuses the object and the caller may reuse the bytes
 * behind it once {@link AnnexBScanner#feed} returns. Keep a NAL unit beyond the call with {@link
 * #toByteArray()}. Never write into {@link #array()}.
 */
public final class NalUnit {
  private byte[] array;
  private int offset;
  private int length;
  private long streamOffset;

  NalUnit() {}

  /** A view over {@code length} bytes of {@code array} from {@code offset} (for tests and tools). */
  public static NalUnit wrap(byte[] array, int offset, int length) {
    NalUnit nal = new NalUnit();
    nal.set(array, offset, length, -1);
    return nal;
  }

  void set(byte[] array, int offset, int length, long streamOffset) {
    this.array = array;
    this.offset = offset;
    this.length = length;
    this.streamOffset = streamOffset;
  }

  /** The array holding the unit; read-only by contract. */
  public byte[] array() {
    return array;
  }

  /** Index in {@link #array()} of the NAL header byte. */
  public int offset() {
    return offset;
  }

  /** Number of bytes including the header byte. Always at least 1. */
  public int length() {
    return length;
  }

  /** Byte offset of the header byte in the whole input stream, or -1 when not scanned from one. */
  public long streamOffset() {
    return streamOffset;
  }

  /** {@code nal_unit_type}, 0 to 31 (see {@link NalUnitType}). */
  public int type() {
    return array[offset] & 0x1f;
  }

  /** {@code nal_ref_idc}, 0 to 3. */
  public int refIdc() {
    return (array[offset] >> 5) & 0x3;
  }

  /** A detached copy of the unit's bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  @Override
  public String toString() {
    return "NalUnit{" + NalUnitType.name(type()) + ", ref_idc=" + refIdc() + ", " + length
        + " bytes" + (streamOffset >= 0 ? " at " + streamOffset : "") + "}";
  }
}
