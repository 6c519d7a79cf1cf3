package io.custody.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * CBOR (RFC 8949) as C2PA uses it, through Jackson's CBOR format: values are Java maps (written in
 * their iteration order), lists, strings, byte arrays, integers, booleans and null, every map and
 * array with a definite length; {@link Tagged} wraps a tagged value (COSE_Sign1 is tag 18).
 */
final class Cbor {
  private static final CBORFactory FACTORY = new CBORFactory();
  private static final CBORMapper MAPPER = new CBORMapper();

  private Cbor() {}

  /** A value with a CBOR tag. */
  record Tagged(int tag, Object value) {}

  static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(CBORGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Tagged t) {
      g.writeTag(t.tag());
      write(g, t.value());
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject(m, m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getKey() instanceof Integer i) {
          g.writeFieldId(i);
        } else {
          g.writeFieldName((String) e.getKey());
        }
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray(l, l.size());
      for (Object o : l) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof byte[] b) {
      g.writeBinary(b);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      throw new IllegalArgumentException("no CBOR for " + v.getClass().getName());
    }
  }

  /**
   * Parses CBOR into a tree (byte strings as binary nodes; tags dropped).
   *
   * @throws IOException if it is not well-formed CBOR
   */
  static JsonNode parse(byte[] cbor) throws IOException {
    return MAPPER.readTree(cbor);
  }
}
