package io.custody.seal;

import io.custody.json.Json;
import io.custody.mp4.FrameDrop;
import io.custody.mp4.FrameLoss;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A segment's signed manifest (docs/FORMAT.md §6), parsed. Immutable. {@link #json()} is the exact
 * signed text; {@link #sha256()} its hash, which the next segment of the recording names.
 */
public final class SegmentManifest {
  /**
   * One row of the fragment table; {@code chainSha256} is the chain value just after the
   * fragment's FRAGMENT_INFO record, which commits to every byte of the segment up to there.
   */
  public record Fragment(int index, int firstSeq, int infoSeq, long plaintextOffset, long plaintextLength,
      long videoDecodeTime, long videoDuration, long videoTimescale, long videoSamples,
      boolean startsWithSync, Instant wallClock, String chainSha256) {}

  private final String json;
  private final byte[] sha256;
  private final Map<String, Object> m;
  private final List<Fragment> fragments;

  private SegmentManifest(String json, Map<String, Object> m) {
    this.json = json;
    this.m = m;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<Fragment> list = new ArrayList<>();
    for (Object o : (List<?>) require("fragments", List.class)) {
      Map<?, ?> f = (Map<?, ?>) o;
      list.add(new Fragment(intOf(f, "index"), intOf(f, "first_seq"), intOf(f, "info_seq"),
          longOf(f, "plaintext_offset"), longOf(f, "plaintext_length"), longOf(f, "video_decode_time"),
          longOf(f, "video_duration"), longOf(f, "video_timescale"), longOf(f, "video_samples"),
          (Boolean) f.get("starts_with_sync"), Manifests.parseTimestamp((String) f.get("wall_clock")),
          (String) java.util.Objects.requireNonNull(f.get("chain_sha256"))));
    }
    this.fragments = Collections.unmodifiableList(list);
    // Every member is checked once here, so an accessor never fails later.
    recordingId();
    segmentIndex();
    previousRecordingId();
    previousHeaderSha256();
    deviceId();
    operatorId();
    deviceKeyId();
    triggerSource();
    triggerDetail();
    for (Object r : (List<?>) recipients()) {
      if (!(r instanceof String)) {
        throw new ClassCastException("a recipient that is not a string");
      }
    }
    start();
    end();
    records();
    chainSha256();
    initPlaintextLength();
    plaintextLength();
    plaintextSha256();
    tailRecordHashes();
    lastInRecording();
    recovered();
    lostBytes();
    tracks();
  }

  /**
   * Parses manifest JSON.
   *
   * @throws IllegalArgumentException if it is not a version-1 manifest with the required members
   */
  static SegmentManifest parse(byte[] json) {
    Object v = Json.parse(json); // strict: UTF-8 only, no repeated member names
    String text = new String(json, StandardCharsets.UTF_8);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("the manifest is not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) v;
    if (!SealFormat.MANIFEST_FORMAT.equals(map.get("format"))) {
      throw new IllegalArgumentException("the manifest format is not " + SealFormat.MANIFEST_FORMAT);
    }
    try {
      return new SegmentManifest(text, map);
    } catch (ClassCastException | NullPointerException | ArithmeticException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("the manifest lacks a member or has one of the wrong type", e);
    }
  }

  /** Whether the manifest has member {@code name} (null or not). */
  boolean has(String name) {
    return m.containsKey(name);
  }

  /** Member {@code name} as parsed (null when it is null or absent). */
  Object member(String name) {
    return m.get(name);
  }

  private <T> T require(String name, Class<T> type) {
    Object v = m.get(name);
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException("manifest member " + name + " is missing or not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  private static int intOf(Map<?, ?> f, String name) {
    return Math.toIntExact((Long) f.get(name));
  }

  private static long longOf(Map<?, ?> f, String name) {
    return (Long) f.get(name);
  }

  private Optional<String> optionalString(String name) {
    return Optional.ofNullable((String) m.get(name));
  }

  /** The exact signed JSON text. */
  public String json() {
    return json;
  }

  /** SHA-256 of {@link #json()}'s UTF-8 bytes. */
  public byte[] sha256() {
    return sha256.clone();
  }

  public String sha256Hex() {
    return SealFormat.hex(sha256);
  }

  public String recordingId() {
    return require("recording_id", String.class);
  }

  public int segmentIndex() {
    return Math.toIntExact(require("segment_index", Long.class));
  }

  public Optional<String> previousRecordingId() {
    return optionalString("previous_recording_id");
  }

  public Optional<String> previousHeaderSha256() {
    return optionalString("previous_header_sha256");
  }

  public String deviceId() {
    return require("device_id", String.class);
  }

  public String operatorId() {
    return require("operator_id", String.class);
  }

  public String deviceKeyId() {
    return require("device_key_id", String.class);
  }

  public String triggerSource() {
    return (String) require("trigger", Map.class).get("source");
  }

  public String triggerDetail() {
    return (String) require("trigger", Map.class).get("detail");
  }

  /**
   * Footage before the trigger at the recording's start, in milliseconds: the trigger was pressed
   * this long after the recording's first frame (0 when the manifest does not say, as before
   * {@code pre_event_ms} was written).
   */
  public long preEventMillis() {
    return require("trigger", Map.class).get("pre_event_ms") instanceof Long ms ? ms : 0;
  }

  @SuppressWarnings("unchecked")
  public List<String> recipients() {
    return Collections.unmodifiableList((List<String>) require("recipients", List.class));
  }

  public Instant start() {
    return Manifests.parseTimestamp(require("start", String.class));
  }

  public Instant end() {
    return Manifests.parseTimestamp(require("end", String.class));
  }

  /** Records before the manifest. */
  public int records() {
    return Math.toIntExact(require("records", Long.class));
  }

  public String chainSha256() {
    return require("chain_sha256", String.class);
  }

  public List<Fragment> fragments() {
    return fragments;
  }

  public long initPlaintextLength() {
    return require("init_plaintext_length", Long.class);
  }

  public long plaintextLength() {
    return require("plaintext_length", Long.class);
  }

  /** Empty for a recovered segment (the device could not decrypt to hash it). */
  public Optional<String> plaintextSha256() {
    return optionalString("plaintext_sha256");
  }

  /** The signed hashes of the records after the last checkpoint, concatenated (32 bytes each). */
  byte[] tailRecordHashes() {
    List<?> list = require("tail_record_sha256", List.class);
    byte[] out = new byte[list.size() * SealFormat.HASH];
    for (int i = 0; i < list.size(); i++) {
      byte[] h = java.util.HexFormat.of().parseHex((String) list.get(i));
      if (h.length != SealFormat.HASH) {
        throw new IllegalArgumentException("a tail record hash is not 32 bytes");
      }
      System.arraycopy(h, 0, out, i * SealFormat.HASH, SealFormat.HASH);
    }
    return out;
  }

  /** Whether the recorder ended the recording with this segment. */
  public boolean lastInRecording() {
    return require("last_in_recording", Boolean.class);
  }

  public boolean recovered() {
    return require("recovered", Boolean.class);
  }

  public long lostBytes() {
    return require("lost_bytes", Long.class);
  }

  /**
   * The pictures the recorder lost after a trigger before this segment opened (its output
   * failed), as the optional {@code frames_lost} member records them; empty when there were none.
   *
   * @throws IllegalArgumentException if the member is present but malformed
   */
  public List<FrameLoss> framesLost() {
    Object v = m.get("frames_lost");
    if (v == null) {
      return List.of();
    }
    try {
      List<FrameLoss> out = new java.util.ArrayList<>();
      for (Object o : (List<?>) v) {
        Map<?, ?> e = (Map<?, ?>) o;
        out.add(new FrameLoss((String) e.get("recording_id"), intOf(e, "segment_index"),
            FrameDrop.valueOf(((String) e.get("reason")).toUpperCase(java.util.Locale.ROOT)),
            longOf(e, "frames"), java.time.Duration.ofMillis(longOf(e, "stream_time_ms"))));
      }
      return List.copyOf(out);
    } catch (ClassCastException | NullPointerException | ArithmeticException e) {
      throw new IllegalArgumentException("manifest member frames_lost is malformed", e);
    }
  }

  /** The per-track summary objects as parsed (kind, timescale, samples, ...). */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> tracks() {
    return Collections.unmodifiableList((List<Map<String, Object>>) require("tracks", List.class));
  }
}
