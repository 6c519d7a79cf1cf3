package io.custody.cli;

import io.custody.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The side file of {@code record --metadata}: GPS fixes, markers, mute, triggers and stops, as JSON
 * lines (one object per line) or as CSV with a header row naming the same fields. The form is told
 * by content: a first non-blank line that starts with <code>{</code> is JSON lines, anything else
 * is a CSV header. In CSV, empty cells are absent fields, cells may be double-quoted (with
 * {@code ""} for a quote), the numeric fields ({@link #NUMBERS}) must be numbers and {@code on} is
 * {@code true} or {@code false}. Each event is a map with a number {@code t} and a {@code type}.
 */
final class MetadataFile {
  static final List<String> TYPES = List.of("gps", "marker", "mute", "trigger", "stop");
  static final Set<String> NUMBERS = Set.of("t", "lat", "lon", "alt", "accuracy", "speed", "heading");

  private MetadataFile() {}

  /**
   * Reads every event, in file order, passing each to {@code check}; a bad line (or one that
   * {@code check} refuses with an {@link IllegalArgumentException}) is an {@link
   * IllegalArgumentException} naming the file and line.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> read(Path file, Consumer<Map<String, Object>> check) throws IOException {
    List<String> lines = lines(file);
    String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    boolean csv = !first.isEmpty() && !first.startsWith("{");
    List<String> header = null;
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1) + ": ";
      Object v;
      try {
        if (!csv) {
          v = Json.parse(text);
        } else if (header == null) {
          header = cells(text);
          if (!header.contains("t") || !header.contains("type")) {
            throw new IllegalArgumentException("a CSV header needs the columns t and type, not " + header);
          }
          continue;
        } else {
          v = row(header, cells(text));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage());
      }
      if (!(v instanceof Map) || !(((Map<String, Object>) v).get("t") instanceof Number)) {
        throw new IllegalArgumentException(where + "needs an object with a number \"t\"");
      }
      Map<String, Object> e = (Map<String, Object>) v;
      if (!TYPES.contains(String.valueOf(e.get("type")))) {
        throw new IllegalArgumentException(where + "unknown metadata type: " + e.get("type"));
      }
      try {
        check.accept(e);
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(where + x.getMessage());
      }
      events.add(e);
    }
    return events;
  }

  /**
   * The file's lines (split as {@link Files#readAllLines} splits them); bytes that are not UTF-8
   * are an {@link IllegalArgumentException} naming the file and line, like any other bad line.
   */
  private static List<String> lines(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    CoderResult result = utf8.decode(in, out, true);
    if (!result.isError()) {
      result = utf8.flush(out);
    }
    if (result.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new IllegalArgumentException(file + " line " + line + ": not UTF-8 text (byte " + in.position() + ")");
    }
    return out.flip().toString().lines().toList();
  }

  private static Map<String, Object> row(List<String> header, List<String> cells) {
    if (cells.size() > header.size()) {
      throw new IllegalArgumentException(cells.size() + " cells under a header of " + header.size());
    }
    Map<String, Object> e = new LinkedHashMap<>();
    for (int c = 0; c < cells.size(); c++) {
      String name = header.get(c);
      String cell = cells.get(c);
      if (cell.isEmpty()) {
        continue;
      }
      if (NUMBERS.contains(name)) {
        try {
          e.put(name, Double.parseDouble(cell));
        } catch (NumberFormatException x) {
          throw new IllegalArgumentException(name + " is a number, not '" + cell + "'");
        }
      } else if (name.equals("on")) {
        if (!cell.equals("true") && !cell.equals("false")) {
          throw new IllegalArgumentException("on is true or false, not '" + cell + "'");
        }
        e.put(name, Boolean.parseBoolean(cell));
      } else {
        e.put(name, cell);
      }
    }
    return e;
  }

  /** One CSV line's cells, trimmed unless quoted. */
  static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int i = 0;
    while (true) {
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("a quoted cell is not closed");
          }
          char ch = line.charAt(i++);
          if (ch == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cell.append(ch);
          }
        }
        while (i < line.length() && line.charAt(i) == ' ') {
          i++;
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after a quoted cell");
        }
      } else {
        int end = line.indexOf(',', i);
        end = end < 0 ? line.length() : end;
        cell.append(line.substring(i, end).strip());
        i = end;
      }
      out.add(cell.toString());
      cell.setLength(0);
      if (i >= line.length()) {
        return out;
      }
      i++; // the comma
    }
  }
}
