package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.mp4.FrameLoss;
import io.custody.mp4.SegmentDescriptor;
import io.custody.json.Json;
import io.custody.mp4.TrackSpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the signed messages and the manifest JSON of docs/FORMAT.md §5 and §6. */
final class Manifests {
  private Manifests() {}

  /** What a manifest states; the same for a sealed and a recovered segment. */
  static final class Fields {
    final String recordingId;
    final int segmentIndex;
    final String previousRecordingId;
    final byte[] previousHeaderSha256;
    final String deviceId;
    final String operatorId;
    final String deviceKeyId;
    final Map<String, Object> trigger;
    final List<String> recipients;
    final Instant start;
    final Instant end;
    final int records;
    final String chain;
    final List<String> tailHashes;
    final List<Map<String, Object>> fragments;
    final long initPlaintextLength;
    final long plaintextLength;
    final String plaintextSha256;
    final List<Map<String, Object>> tracks;
    final boolean lastInRecording;
    final boolean recovered;
    final long lostBytes;
    final List<Object> framesLost;

    Fields(SegmentDescriptor d, String deviceKeyId, List<String> recipients, byte[] previousHeaderSha256,
        Instant start, Instant end, int records, String chain, List<String> tailHashes,
        List<Map<String, Object>> fragments, long initPlaintextLength, long plaintextLength,
        String plaintextSha256, List<TrackSpan> tracks, boolean lastInRecording, boolean recovered,
        long lostBytes) {
      this(d.recording().id(), d.index(), d.recording().previousRecordingId().orElse(null),
          previousHeaderSha256, d.deviceId(), d.operatorId(), deviceKeyId,
          trigger(d.recording().trigger().source().name(), d.recording().trigger().detail()),
          recipients, start, end, records, chain, tailHashes, fragments, initPlaintextLength,
          plaintextLength, plaintextSha256, trackEntries(tracks), lastInRecording, recovered, lostBytes,
          framesLost(d));
    }

    Fields(String recordingId, int segmentIndex, String previousRecordingId, byte[] previousHeaderSha256,
        String deviceId, String operatorId, String deviceKeyId, Map<String, Object> trigger,
        List<String> recipients, Instant start, Instant end, int records, String chain,
        List<String> tailHashes, List<Map<String, Object>> fragments, long initPlaintextLength,
        long plaintextLength,
        String plaintextSha256, List<Map<String, Object>> tracks, boolean lastInRecording,
        boolean recovered, long lostBytes, List<Object> framesLost) {
      this.recordingId = recordingId;
      this.segmentIndex = segmentIndex;
      this.previousRecordingId = previousRecordingId;
      this.previousHeaderSha256 = previousHeaderSha256;
      this.deviceId = deviceId;
      this.operatorId = operatorId;
      this.deviceKeyId = deviceKeyId;
      this.trigger = trigger;
      this.recipients = recipients;
      this.start = start;
      this.end = end;
      this.records = records;
      this.chain = chain;
      this.tailHashes = tailHashes;
      this.fragments = fragments;
      this.initPlaintextLength = initPlaintextLength;
      this.plaintextLength = plaintextLength;
      this.plaintextSha256 = plaintextSha256;
      this.tracks = tracks;
      this.lastInRecording = lastInRecording;
      this.recovered = recovered;
      this.lostBytes = lostBytes;
      this.framesLost = framesLost;
    }
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
        .put("trigger", trigger(d.recording().trigger().source().name(), d.recording().trigger().detail()))
        .put("previous_recording_id", d.recording().previousRecordingId().orElse(null))
        .put("previous_header_sha256", previousHeaderSha256 == null ? null : hex(previousHeaderSha256))
        .putIfPresent("frames_lost", framesLost(d))
        .toString();
  }

  static Map<String, Object> trigger(String source, String detail) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("source", source);
    t.put("detail", detail);
    return t;
  }

  static List<Map<String, Object>> trackEntries(List<TrackSpan> tracks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TrackSpan t : tracks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", t.kind().name().toLowerCase(java.util.Locale.ROOT));
      m.put("timescale", (long) t.timescale());
      m.put("samples", (long) t.sampleCount());
      m.put("base_decode_time", t.baseDecodeTime());
      m.put("duration", t.duration());
      out.add(m);
    }
    return out;
  }

  /**
   * The manifest entry of a fragment from its fragment-info record: {@code body} from {@code off}
   * is the record's {@link SealFormat#FRAGMENT_INFO_LENGTH}-byte body, {@code infoSeq} its
   * sequence number, {@code chainAfter} the hex chain value after it.
   */
  static Map<String, Object> fragmentEntry(byte[] body, int off, int infoSeq, String chainAfter) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", (long) getInt(body, off));
    m.put("first_seq", (long) getInt(body, off + 4));
    m.put("info_seq", (long) infoSeq);
    m.put("plaintext_offset", getLong(body, off + 8));
    m.put("plaintext_length", getUnsignedInt(body, off + 16));
    m.put("video_decode_time", getLong(body, off + 20));
    m.put("video_duration", getUnsignedInt(body, off + 28));
    m.put("video_timescale", getUnsignedInt(body, off + 32)); // u32, as the verifier reads them (§3.3)
    m.put("video_samples", getUnsignedInt(body, off + 36));
    m.put("starts_with_sync", body[off + 40] == 1);
    m.put("wall_clock", Instant.ofEpochMilli(getLong(body, off + 41)).toString());
    m.put("chain_sha256", chainAfter);
    return m;
  }

  static String manifestJson(Fields f) {
    return Json.object()
        .put("format", MANIFEST_FORMAT)
        .put("recording_id", f.recordingId)
        .put("segment_index", (long) f.segmentIndex)
        .put("previous_recording_id", f.previousRecordingId)
        .put("previous_header_sha256", f.previousHeaderSha256 == null ? null : hex(f.previousHeaderSha256))
        .put("device_id", f.deviceId)
        .put("operator_id", f.operatorId)
        .put("device_key_id", f.deviceKeyId)
        .put("trigger", f.trigger)
        .put("recipients", f.recipients)
        .put("start", f.start.toString())
        .put("end", f.end.toString())
        .put("records", (long) f.records)
        .put("chain_sha256", f.chain)
        .put("fragments", f.fragments)
        .put("init_plaintext_length", f.initPlaintextLength)
        .put("plaintext_length", f.plaintextLength)
        .put("plaintext_sha256", f.plaintextSha256)
        .put("tracks", f.tracks)
        .put("tail_record_sha256", f.tailHashes)
        .put("last_in_recording", f.lastInRecording)
        .put("recovered", f.recovered)
        .put("lost_bytes", f.lostBytes)
        .putIfPresent("frames_lost", f.framesLost)
        .toString();
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
