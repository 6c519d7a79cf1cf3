package io.custody.ledger;

import io.custody.json.Json;
import io.custody.json.JsonFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One event about a piece of evidence: its type, time (UTC, milliseconds), actor, reason, node, the
 * recording and segment it is about, and type-specific details. Encoded canonically ({@link
 * #toBytes()}): RFC 8785 JSON, so the same entry always has the same bytes and leaf hash ({@code
 * docs/LEDGER.md} §2). Immutable.
 */
public final class LedgerEntry {
  /** The entry format version written in member {@code v}. */
  public static final int VERSION = 1;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", java.util.Locale.ROOT)
      .withZone(java.time.ZoneOffset.UTC);

  private final EntryType type;
  private final Instant time;
  private final String actor;
  private final String reason;
  private final String node;
  private final String recordingId;
  private final Long segmentIndex;
  private final Map<String, Object> details;
  private final byte[] bytes;

  private LedgerEntry(Builder b) {
    this.type = Objects.requireNonNull(b.type, "type");
    this.time = Objects.requireNonNull(b.time, "time").truncatedTo(ChronoUnit.MILLIS);
    this.actor = text("actor", b.actor, false);
    this.reason = text("reason", b.reason, true);
    this.node = text("node", b.node, true);
    this.recordingId = text("recording_id", b.recordingId, false);
    this.segmentIndex = b.segmentIndex;
    if (type.segmentRequired() && segmentIndex == null) {
      throw new IllegalArgumentException(type + " names a segment index");
    }
    if (segmentIndex != null && segmentIndex < 0) {
      throw new IllegalArgumentException("negative segment index");
    }
    for (String required : type.requiredDetails()) {
      if (!b.details.containsKey(required)) {
        throw new IllegalArgumentException(type + " needs detail " + required);
      }
    }
    this.details = Collections.unmodifiableMap(new TreeMap<>(b.details));
    this.bytes = encode().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > Bundles.MAX_ENTRY) {
      throw new IllegalArgumentException("entry of " + bytes.length + " bytes (at most " + Bundles.MAX_ENTRY + ")");
    }
  }

  private static String text(String name, String value, boolean optional) {
    if (value == null) {
      if (optional) {
        return null;
      }
      throw new IllegalArgumentException(name + " is required");
    }
    if (value.isEmpty() && !optional) {
      throw new IllegalArgumentException(name + " is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
        throw new IllegalArgumentException(name + " holds control character U+" + Integer.toHexString(c));
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          throw new IllegalArgumentException(name + " holds an unpaired surrogate");
        }
        i++;
      }
    }
    return value;
  }

  /** A builder for an entry of {@code type}; the time defaults to now. */
  public static Builder builder(EntryType type) {
    return new Builder(type);
  }

  /** Builds an entry; {@link #build()} checks the members the type requires. */
  public static final class Builder {
    private final EntryType type;
    private Instant time = Instant.now();
    private String actor;
    private String reason;
    private String node;
    private String recordingId;
    private Long segmentIndex;
    private final Map<String, Object> details = new TreeMap<>();

    private Builder(EntryType type) {
      this.type = type;
    }

    public Builder time(Instant t) {
      this.time = t;
      return this;
    }

    /** Who did it (a person or service account, as the force names them). Required. */
    public Builder actor(String a) {
      this.actor = a;
      return this;
    }

    /** Why (a case reference, a request); optional. */
    public Builder reason(String r) {
      this.reason = r;
      return this;
    }

    /** Which back-office node appended it; optional. */
    public Builder node(String n) {
      this.node = n;
      return this;
    }

    /** The recording the event is about. Required. */
    public Builder recording(String id) {
      this.recordingId = id;
      return this;
    }

    /** The segment the event is about, when it is about one. */
    public Builder segment(long index) {
      this.segmentIndex = index;
      return this;
    }

    /** A type-specific member: a String, a whole number or a boolean. */
    public Builder detail(String name, Object value) {
      if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
        throw new IllegalArgumentException("detail names are lower-case ASCII words: " + name);
      }
      Object v = value instanceof Integer i ? Long.valueOf(i) : value;
      if (v instanceof String s) {
        text(name, s, true);
      } else if (!(v instanceof Long) && !(v instanceof Boolean)) {
        throw new IllegalArgumentException("detail " + name + " is not a string, whole number or boolean");
      }
      if (v instanceof Long l && Math.abs(l) > (1L << 53)) {
        throw new IllegalArgumentException("detail " + name + " is beyond 2^53 (not exact in JSON)");
      }
      details.put(name, v);
      return this;
    }

    public LedgerEntry build() {
      return new LedgerEntry(this);
    }
  }

  private String encode() {
    Map<String, Object> m = new TreeMap<>();
    m.put("actor", actor);
    m.put("details", details);
    if (node != null) {
      m.put("node", node);
    }
    if (reason != null) {
      m.put("reason", reason);
    }
    m.put("recording_id", recordingId);
    if (segmentIndex != null) {
      m.put("segment_index", segmentIndex);
    }
    m.put("time", TIME.format(time));
    m.put("type", type.name());
    m.put("v", (long) VERSION);
    return Json.write(m);
  }

  /**
   * Reads an entry from its canonical bytes.
   *
   * @throws LedgerFormatException if the bytes are not a canonical entry of a known version
   */
  public static LedgerEntry parse(byte[] bytes) {
    Map<?, ?> m;
    try {
      Object o = Json.parse(bytes);
      if (!(o instanceof Map<?, ?> map)) {
        throw new LedgerFormatException("an entry is a JSON object");
      }
      m = map;
    } catch (JsonFormatException e) {
      throw new LedgerFormatException("an entry is not JSON: " + e.getMessage());
    }
    try {
      if (!Long.valueOf(VERSION).equals(m.get("v"))) {
        throw new LedgerFormatException("unknown entry version " + m.get("v"));
      }
      Builder b = builder(EntryType.valueOf(string(m, "type")));
      b.time(Instant.from(TIME.parse(string(m, "time"))));
      b.actor(string(m, "actor"));
      b.reason(optional(m, "reason"));
      b.node(optional(m, "node"));
      b.recording(string(m, "recording_id"));
      if (m.get("segment_index") instanceof Long s) {
        b.segment(s);
      }
      if (!(m.get("details") instanceof Map<?, ?> d)) {
        throw new LedgerFormatException("entry without details");
      }
      for (Map.Entry<?, ?> e : d.entrySet()) {
        b.detail((String) e.getKey(), e.getValue());
      }
      LedgerEntry entry = b.build();
      if (!Arrays.equals(entry.bytes, bytes)) {
        throw new LedgerFormatException("entry bytes are not canonical (RFC 8785) or hold unknown members");
      }
      return entry;
    } catch (IllegalArgumentException | DateTimeParseException | ClassCastException e) {
      if (e instanceof LedgerFormatException lfe) {
        throw lfe;
      }
      throw new LedgerFormatException("not a valid entry: " + e.getMessage());
    }
  }

  private static String string(Map<?, ?> m, String name) {
    if (!(m.get(name) instanceof String s)) {
      throw new LedgerFormatException("entry member " + name + " is missing or not a string");
    }
    return s;
  }

  private static String optional(Map<?, ?> m, String name) {
    return m.containsKey(name) ? string(m, name) : null;
  }

  /** The canonical bytes: what the log's leaf hash covers (a copy). */
  public byte[] toBytes() {
    return bytes.clone();
  }

  byte[] bytesNoCopy() {
    return bytes;
  }

  public EntryType type() {
    return type;
  }

  public Instant time() {
    return time;
  }

  /** The time as written in the entry (RFC 3339, UTC, milliseconds). */
  public String timeText() {
    return TIME.format(time);
  }

  public String actor() {
    return actor;
  }

  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  public Optional<String> node() {
    return Optional.ofNullable(node);
  }

  public String recordingId() {
    return recordingId;
  }

  public OptionalLong segmentIndex() {
    return segmentIndex == null ? OptionalLong.empty() : OptionalLong.of(segmentIndex);
  }

  /** The type-specific members, sorted by name. */
  public Map<String, Object> details() {
    return details;
  }

  /** The entry as an ordered map for reports: the canonical members, plus {@code index} first. */
  public Map<String, Object> toMap(long index) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("type", type.name());
    m.put("time", timeText());
    m.put("actor", actor);
    m.put("recording_id", recordingId);
    m.put("segment_index", segmentIndex);
    m.put("reason", reason);
    m.put("node", node);
    m.put("details", details);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LedgerEntry e && Arrays.equals(e.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
