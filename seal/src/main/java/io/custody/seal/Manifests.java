package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.mp4.FrameLoss;
import io.custody.mp4.SegmentDescriptor;
import io.custody.json.Json;
import io.custody.mp4.TrackSpan;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the signed messages and the manifest JSON of docs/FORMAT.md §5 and §6. */
final class Manifests {
  private Manifests() {}

  /**
   * What a manifest states, the same for a sealed and a recovered segment: each member is set by
   * name, then {@link #json()} writes the manifest in its fixed member order. Members not set are
   * null (written as JSON null), {@code false} or 0; {@code frames_lost} is left out when null.
   */
  static final class Fields {
    private String recordingId;
    private int segmentIndex;
    private String previousRecordingId;
    private byte[] previousHeaderSha256;
    private String deviceId;
    private String operatorId;
    private String deviceKeyId;
    private Map<String, Object> trigger;
    private List<String> recipients;
    private Instant start;
    private Instant end;
    private int records;
    private String chain;
    private List<String> tailHashes;
    private List<Map<String, Object>> fragments;
    private long initPlaintextLength;
    private long plaintextLength;
    private String plaintextSha256;
    private List<Map<String, Object>> tracks;
    private boolean lastInRecording;
    private boolean recovered;
    private long lostBytes;
    private List<Object> framesLost;

    /** The members the segment's descriptor fixes: recording, index, ids, trigger and losses. */
    Fields descriptor(SegmentDescriptor d) {
      return segment(d.recording().id(), d.index(), d.recording().previousRecordingId().orElse(null))
          .people(d.deviceId(), d.operatorId())
          .trigger(Manifests.trigger(d))
          .framesLost(Manifests.framesLost(d));
    }

    /** {@code recording_id}, {@code segment_index} and {@code previous_recording_id} (null for none). */
    Fields segment(String recordingId, int segmentIndex, String previousRecordingId) {
      this.recordingId = recordingId;
      this.segmentIndex = segmentIndex;
      this.previousRecordingId = previousRecordingId;
      return this;
    }

    /** {@code previous_header_sha256}: null for a recording's first segment. */
    Fields previousHeaderSha256(byte[] sha256) {
      this.previousHeaderSha256 = sha256;
      return this;
    }

    /** {@code device_id} and {@code operator_id}. */
    Fields people(String deviceId, String operatorId) {
      this.deviceId = deviceId;
      this.operatorId = operatorId;
      return this;
    }

    /** {@code device_key_id}, hex. */
    Fields deviceKeyId(String deviceKeyId) {
      this.deviceKeyId = deviceKeyId;
      return this;
    }

    /** {@code trigger}, as {@link Manifests#trigger} makes it. */
    Fields trigger(Map<String, Object> trigger) {
      this.trigger = trigger;
      return this;
    }

    /** {@code recipients}: their key ids, hex, in header order. */
    Fields recipients(List<String> recipients) {
      this.recipients = recipients;
      return this;
    }

    /** {@code start} and {@code end}. */
    Fields span(Instant start, Instant end) {
      this.start = start;
      this.end = end;
      return this;
    }

    /** {@code records}, {@code chain_sha256} and {@code tail_record_sha256}: the chain it signs. */
    Fields chain(int records, String chain, List<String> tailHashes) {
      this.records = records;
      this.chain = chain;
      this.tailHashes = tailHashes;
      return this;
    }

    /** {@code fragments}: the fragment table, entries as {@link FragmentInfoRecord#manifestEntry} makes them. */
    Fields fragments(List<Map<String, Object>> fragments) {
      this.fragments = fragments;
      return this;
    }

    /** {@code init_plaintext_length}, {@code plaintext_length} and {@code plaintext_sha256} (null for none). */
    Fields plaintext(long initLength, long length, String sha256) {
      this.initPlaintextLength = initLength;
      this.plaintextLength = length;
      this.plaintextSha256 = sha256;
      return this;
    }

    /** {@code tracks}, entries as {@link Manifests#trackEntries} makes them. */
    Fields tracks(List<Map<String, Object>> tracks) {
      this.tracks = tracks;
      return this;
    }

    /** {@code last_in_recording}. */
    Fields lastInRecording(boolean last) {
      this.lastInRecording = last;
      return this;
    }

    /** {@code recovered} true, with the {@code lost_bytes} recovery cut off. */
    Fields recovered(long lostBytes) {
      this.recovered = true;
      this.lostBytes = lostBytes;
      return this;
    }

    /** {@code frames_lost}: null leaves the member out. */
    Fields framesLost(List<Object> framesLost) {
      this.framesLost = framesLost;
      return this;
    }

    /** The manifest JSON (§6), members in their fixed order. */
    String json() {
      return Json.object()
          .put("format", MANIFEST_FORMAT)
          .put("recording_id", recordingId)
          .put("segment_index", (long) segmentIndex)
          .put("previous_recording_id", previousRecordingId)
          .put("previous_header_sha256", previousHeaderSha256 == null ? null : hex(previousHeaderSha256))
          .put("device_id", deviceId)
          .put("operator_id", operatorId)
          .put("device_key_id", deviceKeyId)
          .put("trigger", trigger)
          .put("recipients", recipients)
          .put("start", timestamp(start))
          .put("end", timestamp(end))
          .put("records", (long) records)
          .put("chain_sha256", chain)
          .put("fragments", fragments)
          .put("init_plaintext_length", initPlaintextLength)
          .put("plaintext_length", plaintextLength)
          .put("plaintext_sha256", plaintextSha256)
          .put("tracks", tracks)
          .put("tail_record_sha256", tailHashes)
          .put("last_in_recording", lastInRecording)
          .put("recovered", recovered)
          .put("lost_bytes", lostBytes)
          .putIfPresent("frames_lost", framesLost)
          .toString();
    }
  }

  /** ISO 8601 UTC with exactly three fraction digits, e.g. {@code 2026-01-02T03:04:05.678Z}. */
  private static final DateTimeFormatter MILLIS = new DateTimeFormatterBuilder().appendInstant(3)
      .toFormatter(Locale.ROOT);

  /**
   * A manifest time (§6): {@code t} rounded down to the millisecond, in UTC with exactly three
   * fraction digits, whatever the default locale and time zone.
   */
  static String timestamp(Instant t) {
    return MILLIS.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * A manifest time read back, as {@link Instant#parse} reads it, with the form {@link #timestamp}
   * writes ({@code yyyy-MM-ddTHH:mm:ss.SSSZ}) read directly; any other form goes to {@code
   * Instant.parse}. A manifest holds one per fragment, and the JDK's formatter costs a process that
   * verifies a store more than its signatures do: 4,200 parses take ~0.15 s in a fresh JVM, and
   * about as much again to compile (benchmarks/README.md, Stage 7).
   *
   * @throws java.time.format.DateTimeParseException if it is not an ISO 8601 instant
   */
  static Instant parseTimestamp(String s) {
    if (s.length() == 24 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
        && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(19) == '.' && s.charAt(23) == 'Z') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      int hour = digits(s, 11, 2);
      int minute = digits(s, 14, 2);
      int second = digits(s, 17, 2);
      int millis = digits(s, 20, 3);
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1
          && day <= java.time.Month.of(month).length(java.time.Year.isLeap(year))
          && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && millis >= 0) {
        long seconds = java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
      }
    }
    return Instant.parse(s);
  }

  /** The {@code n} ASCII digits of {@code s} at {@code at} as a number; -1 if one is not a digit. */
  private static int digits(String s, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * The manifest's {@code end}: {@code start} plus {@code duration} ticks of {@code timescale},
   * rounded down to the millisecond.
   */
  static Instant end(Instant start, long duration, long timescale) {
    return start.truncatedTo(ChronoUnit.MILLIS).plusMillis(Math.multiplyExact(duration, 1000L) / timescale);
  }

  /** The descriptor's losses as JSON entries, or null when there are none (the member is left out). */
  static List<Object> framesLost(SegmentDescriptor d) {
    if (d.framesLostBefore().isEmpty()) {
      return null;
    }
    List<Object> out = new ArrayList<>();
    for (FrameLoss l : d.framesLostBefore()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("recording_id", l.recordingId());
      m.put("segment_index", (long) l.segmentIndex());
      m.put("reason", l.reason().jsonName());
      m.put("frames", l.frames());
      m.put("stream_time_ms", l.streamTime().toMillis());
      out.add(m);
    }
    return out;
  }

  /** The header's descriptor JSON: the context members of the manifest, known at the start. */
  static String descriptorJson(SegmentDescriptor d, byte[] previousHeaderSha256) {
    return Json.object()
        .put("device_id", d.deviceId())
        .put("operator_id", d.operatorId())
        .put("trigger", trigger(d))
        .put("previous_recording_id", d.recording().previousRecordingId().orElse(null))
        .put("previous_header_sha256", previousHeaderSha256 == null ? null : hex(previousHeaderSha256))
        .putIfPresent("frames_lost", framesLost(d))
        .toString();
  }

  /**
   * The {@code trigger} member: {@code source}, {@code detail} and, when the recording starts with
   * footage from before the trigger, {@code pre_event_ms} (left out when 0, as earlier writers wrote).
   */
  static Map<String, Object> trigger(SegmentDescriptor d) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("source", d.recording().trigger().source().name());
    t.put("detail", d.recording().trigger().detail());
    if (d.recording().preEventMillis() > 0) {
      t.put("pre_event_ms", d.recording().preEventMillis());
    }
    return t;
  }

  static List<Map<String, Object>> trackEntries(List<TrackSpan> tracks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TrackSpan t : tracks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
      m.put("timescale", (long) t.timescale());
      m.put("samples", (long) t.sampleCount());
      m.put("base_decode_time", t.baseDecodeTime());
      m.put("duration", t.duration());
      out.add(m);
    }
    return out;
  }

  /**
   * Writes the checkpoint message into {@code out} and returns its length: "custody/v1
   * checkpoint\0" ‖ recording_id ‖ u32(segment) ‖ u32(seq) ‖ u32(fragments) ‖ chain.
   */
  static int checkpointMessage(byte[] out, byte[] recordingId, int segmentIndex, int seq, int fragments,
      byte[] chain) {
    int at = CHECKPOINT_SIG_PREFIX.length;
    System.arraycopy(CHECKPOINT_SIG_PREFIX, 0, out, 0, at);
    System.arraycopy(recordingId, 0, out, at, 16);
    putInt(out, at + 16, segmentIndex);
    putInt(out, at + 20, seq);
    putInt(out, at + 24, fragments);
    System.arraycopy(chain, 0, out, at + 28, HASH);
    return at + 28 + HASH;
  }

  static byte[] checkpointMessageBuffer() {
    return new byte[CHECKPOINT_SIG_PREFIX.length + 28 + HASH];
  }

  /** "custody/v1 manifest\0" ‖ chain ‖ json. */
  static byte[] manifestMessage(byte[] chain, byte[] json) {
    byte[] m = new byte[MANIFEST_SIG_PREFIX.length + HASH + json.length];
    System.arraycopy(MANIFEST_SIG_PREFIX, 0, m, 0, MANIFEST_SIG_PREFIX.length);
    System.arraycopy(chain, 0, m, MANIFEST_SIG_PREFIX.length, HASH);
    System.arraycopy(json, 0, m, MANIFEST_SIG_PREFIX.length + HASH, json.length);
    return m;
  }
}
