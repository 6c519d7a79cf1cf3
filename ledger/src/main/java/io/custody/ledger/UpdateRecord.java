package io.custody.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The object {@code log/<seq>} that sequences one tree update: the entries it appends and the
 * checkpoint signed over the tree that results. Created with the store's conditional create, it is
 * the compare-and-swap that orders concurrent appenders ({@code docs/LEDGER.md} §4):
 *
 * <pre>
 * custody-ledger-update/v1 LF
 * count LF                      (decimal, the number of entries)
 * count × (uint16 length, entry bytes)
 * signed checkpoint note        (UTF-8, to the end of the object)
 * </pre>
 */
record UpdateRecord(List<byte[]> entries, String checkpointNote) {
  private static final String MAGIC = "custody-ledger-update/v1\n";

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((MAGIC + entries.size() + "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(Bundles.encode(entries));
    out.writeBytes(checkpointNote.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static UpdateRecord decode(byte[] b) {
    byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
    if (b.length < magic.length || !java.util.Arrays.equals(b, 0, magic.length, magic, 0, magic.length)) {
      throw new LedgerFormatException("not a ledger update record");
    }
    int pos = magic.length;
    int nl = pos;
    while (nl < b.length && nl - pos < 8 && b[nl] != '\n') {
      nl++;
    }
    String countText = new String(b, pos, nl - pos, StandardCharsets.US_ASCII);
    if (nl >= b.length || !countText.matches("0|[1-9][0-9]{0,6}")) {
      throw new LedgerFormatException("update record without a valid entry count");
    }
    int count = Integer.parseInt(countText);
    pos = nl + 1;
    List<byte[]> entries = new ArrayList<>(Math.min(count, 4096));
    for (int i = 0; i < count; i++) {
      if (pos + 2 > b.length) {
        throw new LedgerFormatException("update record cut in entry " + i);
      }
      int len = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      pos += 2;
      if (pos + len > b.length) {
        throw new LedgerFormatException("update record cut in entry " + i);
      }
      entries.add(java.util.Arrays.copyOfRange(b, pos, pos + len));
      pos += len;
    }
    return new UpdateRecord(entries, new String(b, pos, b.length - pos, StandardCharsets.UTF_8));
  }
}
