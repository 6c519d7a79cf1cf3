package io.custody.ledger;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Entry bundles (C2SP tlog-tiles): entries, each prefixed by its big-endian uint16 length. */
final class Bundles {
  /** The largest entry a bundle can hold. */
  static final int MAX_ENTRY = 0xFFFF;

  private Bundles() {}

  static byte[] encode(List<byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      if (e.length > MAX_ENTRY) {
        throw new IllegalArgumentException("entry of " + e.length + " bytes (at most " + MAX_ENTRY + ")");
      }
      out.write(e.length >>> 8);
      out.write(e.length & 0xFF);
      out.write(e, 0, e.length);
    }
    return out.toByteArray();
  }

  /**
   * The {@code count} entries of a bundle.
   *
   * @throws LedgerFormatException if the bundle holds another count or a length runs past its end
   */
  static List<byte[]> decode(byte[] b, int count) {
    List<byte[]> entries = new ArrayList<>(count);
    int pos = 0;
    while (pos < b.length) {
      if (pos + 2 > b.length) {
        throw new LedgerFormatException("entry bundle cut inside a length prefix at byte " + pos);
      }
      int len = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      pos += 2;
      if (pos + len > b.length) {
        throw new LedgerFormatException("entry " + entries.size() + " of the bundle runs past its end");
      }
      entries.add(java.util.Arrays.copyOfRange(b, pos, pos + len));
      pos += len;
    }
    if (entries.size() != count) {
      throw new LedgerFormatException("entry bundle holds " + entries.size() + " entries, not " + count);
    }
    return entries;
  }
}
