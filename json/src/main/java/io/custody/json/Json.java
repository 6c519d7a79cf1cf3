package io.custody.json;

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
    } else if (v instanceof String) {
      string(sb, (String) v);
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
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException if the text is not valid JSON (or nests too deeply)
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
        case 't': return literal("true", Boolean.TRUE);
        case 'f': return literal("false", Boolean.FALSE);
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
        String name = string();
        ws();
        expect(':');
        ws();
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
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
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
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
            break;
          default:
            throw error("bad escape");
        }
      }
    }

    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      boolean integer = true;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c >= '0' && c <= '9') {
          pos++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integer = false;
          pos++;
        } else {
          break;
        }
      }
      String t = s.substring(start, pos);
      try {
        if (integer) {
          return Long.parseLong(t);
        }
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw error("bad number '" + t + "'");
      }
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

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at " + pos + ": " + what);
    }
  }
}
