package io.custody.cli;

import java.util.Locale;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import io.custody.seal.DecryptionException;
import io.custody.seal.SealedFormatException;
import io.custody.seal.SegmentHeader;
import io.custody.seal.SegmentLayout;
import io.custody.seal.SegmentManifest;
import io.custody.seal.SegmentReader;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.h264.H264FormatException;
import io.custody.h264.SequenceParameterSet;
import io.custody.storage.BlobStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code custody inspect} of sealed evidence: one segment file, a recording in a store, or a whole
 * store. Reads the clear parts ({@link SegmentLayout}); with the device public key also verifies,
 * and with a recipient key decrypts the initialization part for the stream facts.
 */
final class SealedInspection {
  private static final byte[] MAGIC = "CSTDYSEG".getBytes(StandardCharsets.US_ASCII);

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;
  private final Path devicePub;
  private final Path key;
  private final TokenOptions tokens;

  SealedInspection(PrintWriter out, PrintWriter err, boolean json, Path devicePub, Path key, TokenOptions tokens) {
    this.out = out;
    this.err = err;
    this.json = json;
    this.devicePub = devicePub;
    this.key = key;
    this.tokens = tokens;
  }

  /**
   * Whether {@code arg} names sealed evidence rather than an H.264 stream: a store URI (a scheme,
   * or {@code #ID}), a directory (a file: store), or a file that starts with the segment magic.
   */
  static boolean names(String arg) {
    if (arg.equals("-")) {
      return false;
    }
    if (arg.contains("#") || arg.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return true;
    }
    Path p = Path.of(arg);
    if (Files.isDirectory(p)) {
      return true;
    }
    if (!Files.isRegularFile(p)) {
      return false;
    }
    byte[] head = new byte[MAGIC.length];
    try (InputStream in = Files.newInputStream(p)) {
      return in.readNBytes(head, 0, head.length) == head.length && Arrays.equals(head, MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  int inspect(String arg) {
    try {
      DevicePublicKey device = devicePub == null ? null : DevicePublicKey.fromPem(Files.readString(devicePub));
      RecipientPrivateKey recipient = key == null ? null : tokens.recipientKey(key.toString());
      Path file = !arg.contains("#") && Files.isRegularFile(Path.of(arg)) ? Path.of(arg) : null;
      if (file != null) {
        Map<String, Object> facts = segment(file.toString(), () -> Files.newInputStream(file), file, device, recipient);
        print(facts);
        return problem(facts) ? Main.BAD_INPUT : Main.OK;
      }
      StoreRef ref = StoreRef.parse(arg);
      List<Map<String, Object>> all = new ArrayList<>();
      try (BlobStore store = ref.open()) {
        Map<String, List<String>> byRecording = ref.segments(store);
        if (byRecording.isEmpty()) {
          err.println("custody inspect: no recording at " + ref);
          return Main.BAD_INPUT;
        }
        for (List<String> keys : byRecording.values()) {
          for (String k : keys) {
            all.add(segment(k, () -> store.read(k), null, device, recipient));
          }
        }
      }
      if (json) {
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("store", ref.toString());
        whole.put("segments", all);
        out.println(Json.write(whole));
      } else {
        for (Map<String, Object> facts : all) {
          print(facts);
          out.println();
        }
      }
      out.flush();
      return all.stream().anyMatch(SealedInspection::problem) ? Main.BAD_INPUT : Main.OK;
    } catch (SealedFormatException e) {
      err.println("custody inspect: " + arg + ": " + e.getMessage());
    } catch (KeyFormatException e) {
      err.println("custody inspect: bad key file: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      err.println("custody inspect: " + arg + ": " + e.getMessage());
    }
    return Main.BAD_INPUT;
  }

  /** A failed verification or decryption (the clear parts alone never fail the command). */
  private static boolean problem(Map<String, Object> facts) {
    return facts.get("verified") == Boolean.FALSE || facts.containsKey("decryption_error");
  }

  private interface Source {
    InputStream open() throws IOException;
  }

  private Map<String, Object> segment(String name, Source source, Path file, DevicePublicKey device,
      RecipientPrivateKey recipient) throws IOException {
    SegmentLayout layout;
    try (InputStream in = new BufferedInputStream(source.open(), 1 << 16)) {
      layout = SegmentLayout.read(in);
    } catch (SealedFormatException e) {
      throw new SealedFormatException(e.reason(), name + ": " + e.getMessage(), e.offset());
    }
    SegmentHeader h = layout.header();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("segment", name);
    m.put("bytes", layout.bytes());
    m.put("recording_id", h.recordingId());
    m.put("segment_index", h.segmentIndex());
    m.put("created", Instant.ofEpochMilli(h.createdMillis()).toString());
    m.put("device_key_id", h.deviceKeyIdHex());
    m.put("recipients", h.recipients().stream().map(SegmentHeader.Recipient::keyIdHex).toList());
    m.put("descriptor", descriptor(h.descriptorJson()));
    m.put("records", layout.records());
    m.put("encrypted_records", layout.encryptedRecords());
    m.put("checkpoints", layout.checkpoints());
    m.put("ciphertext_bytes", layout.ciphertextBytes());
    List<Map<String, Object>> fragments = new ArrayList<>();
    for (SegmentManifest.Fragment f : layout.fragments()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("index", f.index());
      row.put("wall_clock", f.wallClock().toString());
      row.put("start_s", f.videoTimescale() == 0 ? 0.0 : f.videoDecodeTime() / (double) f.videoTimescale());
      row.put("duration_s", f.videoTimescale() == 0 ? 0.0 : f.videoDuration() / (double) f.videoTimescale());
      row.put("video_samples", f.videoSamples());
      row.put("starts_with_sync", f.startsWithSync());
      row.put("bytes", f.plaintextLength());
      fragments.add(row);
    }
    m.put("fragments", fragments);
    if (!layout.fragments().isEmpty()) {
      SegmentManifest.Fragment first = layout.fragments().get(0);
      SegmentManifest.Fragment last = layout.fragments().get(layout.fragments().size() - 1);
      long endMillis = last.videoTimescale() == 0 ? 0 : last.videoDuration() * 1000 / last.videoTimescale();
      m.put("time_range", List.of(first.wallClock().toString(), last.wallClock().plusMillis(endMillis).toString()));
    }
    m.put("finished", layout.finished());
    layout.problem().ifPresent(p -> m.put("structure_problem", p));
    layout.manifest().ifPresent(man -> {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("start", man.start().toString());
      mm.put("end", man.end().toString());
      mm.put("tracks", man.tracks());
      mm.put("last_in_recording", man.lastInRecording());
      mm.put("recovered", man.recovered());
      mm.put("lost_bytes", man.lostBytes());
      mm.put("plaintext_bytes", man.plaintextLength());
      mm.put("previous_recording_id", man.previousRecordingId().orElse(null));
      mm.put("sha256", man.sha256Hex());
      m.put("manifest", mm);
    });
    if (device != null) {
      VerificationReport r;
      try (InputStream in = new BufferedInputStream(source.open(), 1 << 16)) {
        r = new Verifier(device).verify(in);
      }
      boolean complete = r.status() == VerificationReport.Status.COMPLETE;
      m.put("verified", complete);
      m.put("verification", r.summary());
      if (recipient != null && complete) {
        stream(m, source, file, recipient, device);
      }
    }
    return m;
  }

  /** The header's descriptor as a JSON object, or its text when it is not one (it is not verified here). */
  private static Object descriptor(String json) {
    try {
      Object d = Json.parse(json);
      return d instanceof Map ? d : json;
    } catch (IllegalArgumentException e) {
      return json;
    }
  }

  /** Decrypts the INIT record and adds what its sample descriptions say. */
  private static void stream(Map<String, Object> m, Source source, Path file, RecipientPrivateKey recipient,
      DevicePublicKey device) throws IOException {
    Path temp = null;
    try {
      Path path = file;
      if (path == null) {
        temp = Files.createTempFile("custody-inspect", ".sealed");
        try (InputStream in = source.open()) {
          Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        path = temp;
      }
      try (SegmentReader reader = SegmentReader.open(path, recipient, device)) {
        byte[] init = reader.readInit();
        Map<String, Object> s = new LinkedHashMap<>();
        Optional<byte[]> avcC = box(init, "avcC");
        if (avcC.isPresent()) {
          SequenceParameterSet sps = AvcDecoderConfigurationRecord.parse(avcC.get()).sequenceParameterSets().get(0);
          s.put("codec", "h264");
          s.put("width", sps.width());
          s.put("height", sps.height());
          s.put("profile", sps.profileName());
          s.put("level_idc", sps.levelIdc());
        }
        long samples = 0;
        double seconds = 0;
        for (SegmentManifest.Fragment f : reader.manifest().fragments()) {
          samples += f.videoSamples();
          seconds += f.videoTimescale() == 0 ? 0 : f.videoDuration() / (double) f.videoTimescale();
        }
        s.put("frames", samples);
        s.put("duration_s", seconds);
        s.put("fps", seconds > 0 ? Math.round(samples / seconds * 1000) / 1000.0 : 0);
        s.put("audio", box(init, "mp4a").isPresent());
        m.put("stream", s);
      }
    } catch (DecryptionException | H264FormatException e) {
      m.put("decryption_error", e.getMessage());
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** The payload of the first box of this type anywhere in an init segment (a byte search, as boxes nest). */
  private static Optional<byte[]> box(byte[] b, String type) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    for (int i = 4; i + 4 <= b.length; i++) {
      if (b[i] == t[0] && b[i + 1] == t[1] && b[i + 2] == t[2] && b[i + 3] == t[3]) {
        int size = ((b[i - 4] & 0xff) << 24) | ((b[i - 3] & 0xff) << 16) | ((b[i - 2] & 0xff) << 8) | (b[i - 1] & 0xff);
        if (size >= 8 && i - 4 + size <= b.length) {
          return Optional.of(Arrays.copyOfRange(b, i + 4, i - 4 + size));
        }
      }
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private void print(Map<String, Object> m) {
    if (json) {
      out.println(Json.write(m));
      out.flush();
      return;
    }
    out.printf(Locale.ROOT, "segment:       %s (%,d bytes)%n", m.get("segment"), (Long) m.get("bytes"));
    out.printf(Locale.ROOT, "recording:     %s, segment %s%n", m.get("recording_id"), m.get("segment_index"));
    out.printf(Locale.ROOT, "created:       %s%n", m.get("created"));
    out.printf(Locale.ROOT, "device key:    %s%n", m.get("device_key_id"));
    out.printf(Locale.ROOT, "recipients:    %s%n", String.join(", ", (List<String>) m.get("recipients")));
    Object descriptor = m.get("descriptor");
    out.printf(Locale.ROOT, "descriptor:    %s%n", !(descriptor instanceof Map) ? descriptor
        : ((Map<String, Object>) descriptor).entrySet().stream().filter(e -> e.getValue() != null && !"".equals(e.getValue()))
            .map(e -> e.getKey() + "=" + (e.getValue() instanceof Map ? Json.write(e.getValue()) : e.getValue()))
            .collect(Collectors.joining(", ")));
    out.printf(Locale.ROOT, "records:       %d (%d encrypted, %,d bytes of ciphertext; %d checkpoints)%n", count(m, "records"),
        count(m, "encrypted_records"), count(m, "ciphertext_bytes"), count(m, "checkpoints"));
    List<Map<String, Object>> fragments = (List<Map<String, Object>>) m.get("fragments");
    out.printf(Locale.ROOT, "fragments:     %d%n", fragments.size());
    for (Map<String, Object> f : fragments.subList(0, Math.min(fragments.size(), 8))) {
      out.printf(Locale.ROOT, "  #%-4s %s  %7.3f s +%.3f s  %4s frames%s  %,d bytes%n", f.get("index"), f.get("wall_clock"),
          (Double) f.get("start_s"), (Double) f.get("duration_s"), f.get("video_samples"),
          Boolean.TRUE.equals(f.get("starts_with_sync")) ? " (keyframe first)" : "", (Long) f.get("bytes"));
    }
    if (fragments.size() > 8) {
      out.printf(Locale.ROOT, "  ... %d more%n", fragments.size() - 8);
    }
    if (m.containsKey("time_range")) {
      List<String> range = (List<String>) m.get("time_range");
      Duration span = Duration.between(Instant.parse(range.get(0)), Instant.parse(range.get(1)));
      out.printf(Locale.ROOT, "time range:    %s to %s (%.3f s)%n", range.get(0), range.get(1), span.toMillis() / 1000.0);
    }
    Map<String, Object> man = (Map<String, Object>) m.get("manifest");
    if (man != null) {
      out.printf(Locale.ROOT, "manifest:      %s%s%s%n", Boolean.TRUE.equals(man.get("last_in_recording")) ? "last segment of its recording" : "more segments follow",
          Boolean.TRUE.equals(man.get("recovered")) ? ", recovered (" + man.get("lost_bytes") + " bytes lost)" : "",
          man.get("previous_recording_id") != null ? ", continues recording " + man.get("previous_recording_id") : "");
      for (Map<String, Object> t : (List<Map<String, Object>>) man.get("tracks")) {
        out.printf(Locale.ROOT, "  track %-8s %s samples, timescale %s%n", t.get("kind"), t.get("samples"), t.get("timescale"));
      }
    }
    out.printf(Locale.ROOT, "state:         %s%n", Boolean.TRUE.equals(m.get("finished")) ? "finished"
        : "unfinished: " + m.getOrDefault("structure_problem", "no manifest") + " (custody recover closes it)");
    out.printf(Locale.ROOT, "signatures:    %s%n", m.containsKey("verification") ? m.get("verification")
        : "not checked (these are the file's claims; give --device-pub to verify)");
    Map<String, Object> s = (Map<String, Object>) m.get("stream");
    if (s != null) {
      out.printf(Locale.ROOT, "stream:        %sx%s H.264 %s (level %s), %s fps, %s frames in %.3f s%s%n", s.get("width"), s.get("height"),
          s.get("profile"), s.get("level_idc"), s.get("fps"), s.get("frames"), (Double) s.get("duration_s"),
          Boolean.TRUE.equals(s.get("audio")) ? ", with AAC audio" : "");
    } else if (m.containsKey("decryption_error")) {
      out.printf(Locale.ROOT, "stream:        cannot decrypt: %s%n", m.get("decryption_error"));
    }
    out.flush();
  }

  private static long count(Map<String, Object> m, String name) {
    return ((Number) m.get(name)).longValue();
  }
}
