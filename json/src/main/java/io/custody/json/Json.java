package io.custody.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset Custody writes and reads (manifests, reports): objects whose members keep
 * their order, arrays, strings, integers (as {@code Long}), other numbers (as {@code Double}),
 * booleans and null. Writing is deterministic (member order as given, no white space), which is
 * what signatures over manifest bytes need. Parsing is strict RFC 8259 and bounded in depth.
 */
public final class Json {
  private static final int MAX_DEPTH = 64;

  private Json() {}

  /** An ordered object under construction. */
  public static final class ObjectWriter {
    private final StringBuilder sb = new StringBuilder("{");

    public ObjectWriter put(String name, Object value) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      string(sb, name);
      sb.append(':');
      value(sb, value);
      return this;
    }

    /** Adds the member unless {@code value} is null (an optional member is left out, not null). */
    public ObjectWriter putIfPresent(String name, Object value) {
      return value == null ? this : put(name, value);
    }

    @Override
    public String toString() {
      return sb + "}";
    }
  }

  public static ObjectWriter object() {
    return new ObjectWriter();
  }

  /** The JSON text of a value: String, Number, Boolean, null, Map, Collection or ObjectWriter. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    value(sb, value);
    return sb.toString();
  }

  private static void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String str) {
      string(sb, str);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("not a JSON number: " + d);
      }
      sb.append(d);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof ObjectWriter) {
      sb.append(v);
    } else if (v instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        value(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof Collection) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Collection<?>) v) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        value(sb, o);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /**
   * Parses one JSON value, strictly (RFC 8259; see the package documentation for every rule).
   *
   * @throws JsonFormatException if the text is not valid JSON, repeats a member name, or nests
   *     deeper than 64
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) {
      throw p.error("trailing characters");
    }
    return v;
  }

  /**
   * Parses one JSON value from UTF-8 bytes: {@link #parse(String)} after a strict decoding (a
   * malformed or overlong sequence, an encoded surrogate or a byte-order mark is refused).
   *
   * @throws JsonFormatException if the bytes are not UTF-8 or the text is not valid JSON
   */
  public static Object parse(byte[] utf8) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      text = decoder.decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw new JsonFormatException("not UTF-8: " + e.getMessage(), 0);
    }
    return parse(text);
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested too deeply");
      }
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{': return object(depth);
        case '[': return array(depth);
        case '"': return string();
        case 't': return literal("true", true);
        case 'f': return literal("false", false);
        case 'n': return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected character '" + c + "'");
      }
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      ws();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        ws();
        if (peek() != '"') {
          throw error("expected a member name");
        }
        int at = pos;
        String name = string();
        ws();
        expect(':');
        ws();
        if (m.containsKey(name)) {
          pos = at;
          throw error("member name \"" + name + "\" repeated");
        }
        m.put(name, value(depth + 1));
        ws();
        char c = next();
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<Object> array(int depth) {
      List<Object> list = new ArrayList<>();
      pos++;
      ws();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        ws();
        list.add(value(depth + 1));
        ws();
        char c = next();
        if (c == ']') {
          return list;
        }
        if (c != ',') {
          throw error("expected ',' or ']'");
        }
      }
    }

    private String string() {
      expect('"');
      int start = pos;
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          String value = sb.toString();
          if (!wellFormed(value)) {
            pos = start;
            throw error("a surrogate without its pair (no Unicode scalar value)");
          }
          return value;
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"': sb.append('"'); break;
          case '\\': sb.append('\\'); break;
          case '/': sb.append('/'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'u':
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int digit = pos < s.length() ? hexDigit(s.charAt(pos)) : -1;
              if (digit < 0) {
                throw error("a \\u escape needs four hex digits");
              }
              code = code << 4 | digit;
              pos++;
            }
            sb.append((char) code);
            break;
          default:
            throw error("bad escape");
        }
      }
    }

    /** number = [ "-" ] int [ frac ] [ exp ]; int = "0" / digit1-9 *digit (RFC 8259 §6). */
    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (pos < s.length() && s.charAt(pos) == '0') {
        pos++;
        if (pos < s.length() && isDigit(s.charAt(pos))) {
          throw error("leading zero");
        }
      } else if (!digits()) {
        throw error("a number needs a digit");
      }
      boolean integer = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        integer = false;
        if (!digits()) {
          throw error("a fraction needs a digit");
        }
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        integer = false;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        if (!digits()) {
          throw error("an exponent needs a digit");
        }
      }
      String t = s.substring(start, pos);
      if (integer) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException e) {
          pos = start;
          throw error("integer out of the 64-bit range");
        }
      }
      double d = Double.parseDouble(t);
      if (Double.isInfinite(d)) {
        pos = start;
        throw error("number out of the double range");
      }
      return d;
    }

    private boolean digits() {
      int from = pos;
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        pos++;
      }
      return pos > from;
    }

    /** Whether every surrogate in {@code v} is half of a high-low pair: text UTF-8 can carry. */
    private static boolean wellFormed(String v) {
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          return false;
        }
      }
      return true;
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would take other scripts' digits). */
    private static int hexDigit(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw error("expected " + word);
      }
      pos += word.length();
      return value;
    }

    void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return;
        }
        pos++;
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    private char next() {
      char c = peek();
      pos++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw error("expected '" + c + "'");
      }
    }

    JsonFormatException error(String what) {
      return new JsonFormatException(what, pos);
    }
  }
}
