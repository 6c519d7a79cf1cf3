package io.custody.cli;

import java.util.Collection;

/** Writes one flat JSON object, field by field, in the order given. */
final class JsonWriter {
  private final StringBuilder sb = new StringBuilder("{");

  JsonWriter field(String name, Object value) {
    if (sb.length() > 1) {
      sb.append(", ");
    }
    string(name);
    sb.append(": ");
    value(value);
    return this;
  }

  private void value(Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      string((String) v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(Double.isFinite(d) ? String.valueOf(d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Collection) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Collection<?>) v) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        value(o);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass());
    }
  }

  private void string(String s) {
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
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb + "}";
  }
}
