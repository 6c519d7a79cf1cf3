package io.custody.seal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/** The constants of docs/FORMAT.md, version 1, and small byte helpers. */
final class SealFormat {
  private SealFormat() {}

  static final byte[] MAGIC = ascii("CSTDYSEG");
  static final byte[] FOOTER_MAGIC = ascii("CSTDYEND");
  static final int VERSION = 1;

  static final int KIND_INIT = 0x01;
  static final int KIND_DATA = 0x02;
  static final int KIND_DATA_END = 0x03;
  static final int KIND_END = 0x04;
  static final int KIND_FRAGMENT_INFO = 0x05;
  static final int KIND_CHECKPOINT = 0x10;
  static final int KIND_MANIFEST = 0x20;

  /** kind u8, seq u32, body_length u32. */
  static final int FRAMING = 9;
  static final int TAG = 16;
  static final int SIGNATURE = 64;
  static final int HASH = 32;
  static final int NONCE_PREFIX = 7;
  static final int FRAGMENT_INFO_LENGTH = 49;
  /** A checkpoint's fixed part: fragments, count, chain, signature (plus 32 bytes per listed hash). */
  static final int CHECKPOINT_FIXED = 8 + HASH + SIGNATURE;
  /** The most record hashes a reader accepts in one checkpoint. */
  static final int MAX_CHECKPOINT_HASHES = 1 << 16;
  static final int FOOTER_LENGTH = 16;

  /**
   * Plaintext per record unless the writer's builder says otherwise: 256 KiB. Records are
   * encrypted in calls of a fixed size whatever their own (16 KiB, and 2 KiB while the process is
   * cold, see SealedSegmentWriter), so their size costs nothing in speed, warm or cold (the JDK
   * reaches its AES-GCM intrinsic after a count of calls); what it sets is
   * how often the JCA's {@code Cipher.init} runs, ~1 KB of garbage each: 40 times per 10 MB at
   * 256 KiB against 620 at 16 KiB. The framing and tag cost 25 bytes per record; a reader holds
   * one record.
   */
  static final int DEFAULT_RECORD_PLAINTEXT = 256 * 1024;
  /** The smallest record plaintext a writer may be built with (the initialization part must fit). */
  static final int MIN_RECORD_PLAINTEXT = 4 * 1024;
  /** The largest record plaintext a reader accepts from a header. */
  static final int READER_MAX_RECORD_PLAINTEXT = 16 << 20;

  static final byte[] RECORD_KEY_INFO = ascii("custody/v1 record key");
  static final byte[] COMMITMENT_INFO = ascii("custody/v1 key commitment");
  static final byte[] WRAP_INFO_PREFIX = ascii("custody/v1 content key\0");
  static final byte[] CHAIN_PREFIX = ascii("custody/v1 chain\0");
  static final byte[] HEADER_SIG_PREFIX = ascii("custody/v1 header\0");
  static final byte[] CHECKPOINT_SIG_PREFIX = ascii("custody/v1 checkpoint\0");
  static final byte[] MANIFEST_SIG_PREFIX = ascii("custody/v1 manifest\0");

  static final String MANIFEST_FORMAT = "custody-segment/1";

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static boolean isEncrypted(int kind) {
    return kind == KIND_INIT || kind == KIND_DATA || kind == KIND_DATA_END || kind == KIND_END;
  }

  static String kindName(int kind) {
    switch (kind) {
      case KIND_INIT: return "INIT";
      case KIND_DATA: return "DATA";
      case KIND_DATA_END: return "DATA_END";
      case KIND_END: return "END";
      case KIND_FRAGMENT_INFO: return "FRAGMENT_INFO";
      case KIND_CHECKPOINT: return "CHECKPOINT";
      case KIND_MANIFEST: return "MANIFEST";
      default: return String.format(Locale.ROOT, "unknown kind 0x%02x", kind);
    }
  }

  static byte[] uuidBytes(String id) {
    UUID u = UUID.fromString(id);
    byte[] b = new byte[16];
    putLong(b, 0, u.getMostSignificantBits());
    putLong(b, 8, u.getLeastSignificantBits());
    return b;
  }

  static String uuidString(byte[] b, int off) {
    return new UUID(getLong(b, off), getLong(b, off + 8)).toString();
  }

  /** recording_id ‖ u32(segment_index): the HKDF salt. */
  static byte[] salt(byte[] recordingId, int segmentIndex) {
    byte[] s = new byte[20];
    System.arraycopy(recordingId, 0, s, 0, 16);
    putInt(s, 16, segmentIndex);
    return s;
  }

  static byte[] wrapInfo(byte[] recordingId, int segmentIndex) {
    byte[] info = new byte[WRAP_INFO_PREFIX.length + 20];
    System.arraycopy(WRAP_INFO_PREFIX, 0, info, 0, WRAP_INFO_PREFIX.length);
    System.arraycopy(salt(recordingId, segmentIndex), 0, info, WRAP_INFO_PREFIX.length, 20);
    return info;
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) (v >>> 32));
    putInt(b, at + 4, (int) v);
  }

  static int getInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  static long getUnsignedInt(byte[] b, int at) {
    return getInt(b, at) & 0xffffffffL;
  }

  static int getShort(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  static long getLong(byte[] b, int at) {
    return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xffffffffL);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Hex of {@code b[from, to)}. */
  static String hex(byte[] b, int from, int to) {
    return HexFormat.of().formatHex(b, from, to);
  }
}
