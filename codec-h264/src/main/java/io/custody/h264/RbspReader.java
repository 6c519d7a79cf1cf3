package io.custody.h264;

/**
 * Reads fixed-width and exp-Golomb coded fields (ITU-T H.264 §7.2, §9.1) MSB-first from a raw byte
 * sequence payload, i.e. bytes whose emulation-prevention bytes were already removed.
 *
 * <p>Reusable: {@link #reset} points it at new bytes without allocating. Every read past the end
 * throws {@link H264FormatException.Reason#TRUNCATED}, so a short or corrupt unit can never make
 * the parser read stale data or loop.
 */
final class RbspReader {
  private byte[] data;
  private int limitBits;
  private int bitPos;

  RbspReader() {}

  RbspReader(byte[] data, int length) {
    reset(data, length);
  }

  void reset(byte[] data, int length) {
    this.data = data;
    this.limitBits = length * 8;
    this.bitPos = 0;
  }

  int bitPosition() {
    return bitPos;
  }

  int bitsLeft() {
    return limitBits - bitPos;
  }

  /** u(1) as a boolean. */
  boolean flag() {
    return bit() != 0;
  }

  int bit() {
    if (bitPos >= limitBits) {
      throw truncated();
    }
    int b = (data[bitPos >>> 3] >> (7 - (bitPos & 7))) & 1;
    bitPos++;
    return b;
  }

  /** u(n) for n from 0 to 32, returned in the low bits of a long (so 32 bits stay unsigned). */
  long bitsLong(int n) {
    if (n > limitBits - bitPos) {
      throw truncated();
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 1) | ((data[bitPos >>> 3] >> (7 - (bitPos & 7))) & 1);
      bitPos++;
    }
    return v;
  }

  /** u(n) for n from 0 to 31. */
  int bits(int n) {
    return (int) bitsLong(n);
  }

  void skip(int n) {
    if (n > limitBits - bitPos) {
      throw truncated();
    }
    bitPos += n;
  }

  /** ue(v): unsigned exp-Golomb, at most 32 leading zeros (values up to 2^32 - 2). */
  long ueLong() {
    int zeros = 0;
    while (bit() == 0) {
      if (++zeros > 32) {
        throw new H264FormatException(
            H264FormatException.Reason.INVALID_VALUE, "exp-Golomb code longer than 32 bits");
      }
    }
    return ((1L << zeros) - 1) + bitsLong(zeros);
  }

  /** ue(v) that must lie in {@code [0, max]}; {@code name} is the syntax element, for errors. */
  int ue(String name, int max) {
    long v = ueLong();
    if (v > max) {
      throw new H264FormatException(
          H264FormatException.Reason.INVALID_VALUE, name + " = " + v + " exceeds " + max);
    }
    return (int) v;
  }

  /** se(v): signed exp-Golomb, range checked against {@code [min, max]}. */
  int se(String name, int min, int max) {
    long k = ueLong();
    long v = (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    if (v < min || v > max) {
      throw new H264FormatException(
          H264FormatException.Reason.INVALID_VALUE,
          name + " = " + v + " outside [" + min + ", " + max + "]");
    }
    return (int) v;
  }

  /** Reads past one scaling_list(size) structure (§7.3.2.1.1.1); the values are not kept. */
  void skipScalingList(int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        next = (last + se("delta_scale", -128, 127) + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** more_rbsp_data(): true while data remains before the rbsp_stop_one_bit. */
  boolean moreRbspData() {
    if (bitPos >= limitBits) {
      return false;
    }
    int lastByte = (limitBits >>> 3) - 1;
    while (lastByte >= 0 && data[lastByte] == 0) {
      lastByte--; // cabac_zero_words or trailing zeros
    }
    if (lastByte < 0) {
      return false;
    }
    int stopBit = lastByte * 8 + 7 - Integer.numberOfTrailingZeros(data[lastByte] & 0xff);
    return bitPos < stopBit;
  }

  private static H264FormatException truncated() {
    return new H264FormatException(
        H264FormatException.Reason.TRUNCATED, "syntax structure ends before its last field");
  }

  /**
   * Copies {@code length} bytes of a NAL unit from {@code offset} into {@code dst} without the
   * emulation_prevention_three_byte (0x03 after two zero bytes, §7.4.1). Returns the RBSP length.
   * {@code dst} must hold at least {@code length} bytes.
   */
  static int unescape(byte[] src, int offset, int length, byte[] dst) {
    int out = 0;
    int zeros = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      byte b = src[i];
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      dst[out++] = b;
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return out;
  }
}
