package io.custody.c2pa;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JUMBF boxes (ISO/IEC 19566-5) as a C2PA manifest store uses them: superboxes ({@code jumb}) of a
 * description box ({@code jumd}: content type UUID, toggles, label, and optionally a private
 * {@code c2sh} salt box) and content boxes ({@code cbor}).
 */
final class Jumbf {
  private Jumbf() {}

  /** The tail of every C2PA JUMBF content type UUID; the first four bytes are the type's four letters. */
  private static final byte[] UUID_TAIL = {0x00, 0x11, 0x00, 0x10, (byte) 0x80, 0x00, 0x00, (byte) 0xaa, 0x00, 0x38,
      (byte) 0x9b, 0x71};

  /** An ISO BMFF box: size, four-letter type, payload. */
  static byte[] box(String type, byte[]... payloads) {
    int n = 8;
    for (byte[] p : payloads) {
      n += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
    for (byte[] p : payloads) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] typeUuid(String type) {
    byte[] u = new byte[16];
    System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, u, 0, 4);
    System.arraycopy(UUID_TAIL, 0, u, 4, 12);
    return u;
  }

  /**
   * A superbox of content type {@code type} labelled {@code label} (requestable), holding {@code
   * contents}; with a salt (assertions), its description carries a private {@code c2sh} box.
   */
  static byte[] superbox(String type, String label, byte[] salt, byte[]... contents) {
    byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.writeBytes(typeUuid(type));
    d.write(salt == null ? 0x03 : 0x13); // requestable, label present (, private box present)
    d.writeBytes(labelBytes);
    if (salt != null) {
      d.writeBytes(box("c2sh", salt));
    }
    byte[][] all = new byte[contents.length + 1][];
    all[0] = box("jumd", d.toByteArray());
    System.arraycopy(contents, 0, all, 1, contents.length);
    return box("jumb", all);
  }

  /** A CBOR content box. */
  static byte[] cbor(byte[] cbor) {
    return box("cbor", cbor);
  }
}
