package io.custody.cli;

import java.util.Locale;
import io.custody.mp4.FrameDrop;
import io.custody.recorder.FrameEviction;
import io.custody.mp4.FrameLoss;
import io.custody.recorder.GpsFix;
import io.custody.recorder.Recorder;
import io.custody.recorder.RecorderListener;
import io.custody.recorder.RecorderState;
import io.custody.recorder.RecorderStats;
import io.custody.mp4.RecordingInfo;
import io.custody.recorder.SegmentSummary;
import io.custody.mp4.Trigger;
import io.custody.recorder.VideoTiming;
import io.custody.crypto.Signer;
import io.custody.pkcs11.Pkcs11Exception;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.RecipientPublicKey;
import io.custody.json.Json;
import io.custody.aac.AacFormatException;
import io.custody.mp4.Mp4Demuxer;
import io.custody.mp4.Mp4FormatException;
import io.custody.upload.UploadReport;
import io.custody.seal.SealedSegmentOutput;
import io.custody.h264.H264FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody record}: H.264 in, sealed segments out, with a pre-event window and a trigger. */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = {"Records H.264 (an Annex-B file, - for a live Annex-B pipe, or an MP4 file's video"
        + " and AAC audio) into sealed segments in a store. Times are stream time: seconds from the"
        + " first access unit.",
        "Segments are sealed into a local file: store as they are made. For any other store (e.g."
        + " s3://BUCKET/PREFIX) they are sealed into a local spool directory first (the camera's"
        + " flash), uploaded while recording goes on, and released from the spool once read back"
        + " and verified in the store; after a crash, run 'custody recover' and 'custody upload' on"
        + " the spool.",
        "Progress goes to stderr: a bar on a terminal, a line every few seconds otherwise."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:recorded (and, for a remote store, every segment uploaded and verified there)",
        "1:bad input, keys or store (one line on stderr)", "2:usage error"})
final class RecordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE|-",
      description = "Annex-B H.264 or an MP4 file (told apart by content), or - for Annex-B on standard input.")
  String input;

  @Option(names = "--audio", paramLabel = "FILE.aac",
      description = "AAC in ADTS form, starting with the video (default for an MP4 input: its own AAC track).")
  Path audio;

  @Option(names = "--metadata", paramLabel = "FILE.jsonl|FILE.csv",
      description = "Events in stream time, one JSON object per line: {\"t\": SECONDS, \"type\": \"gps\", \"lat\": .., \"lon\": ..},"
          + " {\"t\": .., \"type\": \"marker\", \"label\": ..}, {\"t\": .., \"type\": \"mute\", \"on\": true},"
          + " {\"t\": .., \"type\": \"trigger\", \"source\": \"HOLSTER\"} (source optional, default BUTTON)"
          + " or {\"t\": .., \"type\": \"stop\"}; or CSV whose header names the same fields"
          + " (t,type,lat,lon,alt,accuracy,speed,heading,label,on,source), empty cells left out.")
  Path metadata;

  @Option(names = "--pre-event", defaultValue = "30", paramLabel = "SECONDS", description = "Pre-event window (default ${DEFAULT-VALUE}).")
  double preEvent;

  @Option(names = "--trigger-at", paramLabel = "SECONDS",
      description = "When the trigger fires: at the first access unit whose stream time is SECONDS or"
          + " later, whatever the input's chunking; repeatable, each after a stop starts a new"
          + " recording (default: 0, unless the metadata holds trigger events).")
  List<Double> triggerAt = new ArrayList<>();

  @Option(names = "--stop-at", paramLabel = "SECONDS",
      description = "When recording stops: before the first access unit whose stream time is SECONDS or"
          + " later; repeatable (default: end of input).")
  List<Double> stopAt = new ArrayList<>();

  @Option(names = "--fps", paramLabel = "RATE",
      description = "Frame rate of a stream without VUI timing: a number (25, 29.97) or a fraction"
          + " (30000/1001). A stream with VUI timing keeps its own. Default: 30, reported as assumed.")
  String fps;

  @Option(names = "--segment", defaultValue = "60", paramLabel = "SECONDS", description = "Segment length (default ${DEFAULT-VALUE}).")
  double segment;

  @Option(names = "--device-key", required = true, paramLabel = "FILE|URI",
      description = "The device's private key: a PEM file (Ed25519 or P-256), or pkcs11:token=T;object=O for a key"
          + " held in a token (with --pkcs11-module and --pin-file, or their environment variables).")
  String deviceKey;

  @Mixin TokenOptions tokens;

  @Option(names = "--recipient", required = true, paramLabel = "FILE", description = "A recipient's X25519 public key (PEM); repeatable.")
  List<Path> recipients;

  @Option(names = "--store", defaultValue = "file:./evidence", paramLabel = "URI", description = "Where sealed segments go (default ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--device-id", defaultValue = "", description = "Camera id written into every manifest.")
  String deviceId;

  @Option(names = "--operator-id", defaultValue = "", description = "Officer id written into every manifest.")
  String operatorId;

  @Option(names = "--spool", defaultValue = "custody-spool", paramLabel = "DIR",
      description = "Local directory where segments for a non-file store wait for upload (default ${DEFAULT-VALUE}).")
  Path spool;

  @Mixin ProgressOption progress;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  // Pictures lost after a trigger, as the recorder reported them.
  private final List<FrameLoss> losses = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return record();
    } catch (Pkcs11Exception e) {
      err.println("custody record: " + e.getMessage());
    } catch (io.custody.crypto.SigningException e) {
      err.println("custody record: " + e.getMessage() + lossText());
    } catch (NoSuchFileException e) {
      err.println("custody record: no such file: " + e.getMessage());
    } catch (Mp4FormatException e) {
      err.println("custody record: the input MP4 cannot be recorded: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("custody record: interrupted");
    } catch (KeyFormatException e) {
      err.println("custody record: bad key file: " + e.getMessage());
    } catch (H264FormatException e) {
      err.println("custody record: the input is not valid H.264 Annex-B: " + e.getMessage());
    } catch (AacFormatException e) {
      err.println("custody record: the audio is not valid AAC ADTS: " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("custody record: " + e.getMessage());
    } catch (IOException e) {
      err.println("custody record: " + e.getMessage() + lossText());
    } finally {
      tokens.close();
    }
    return Main.BAD_INPUT;
  }

  /** "; N frame(s) lost after the trigger (...)" for every loss reported, or "". */
  private String lossText() {
    StringBuilder b = new StringBuilder();
    for (FrameLoss l : losses) {
      b.append("; ").append(l.frames()).append(" frame(s) lost after the trigger (")
          .append(l.reason().jsonName()).append(") in recording ").append(l.recordingId())
          .append(", segment ").append(l.segmentIndex()).append(", at ")
          .append(String.format(java.util.Locale.ROOT, "%.3f", l.streamTime().toNanos() / 1e9))
          .append(" s of stream time");
    }
    return b.toString();
  }

  private Integer record() throws IOException, InterruptedException, Pkcs11Exception {
    StoreRef ref = StoreRef.parse(store);
    Signer signer = tokens.deviceSigner(deviceKey);
    List<RecipientPublicKey> keys = new ArrayList<>();
    for (Path p : recipients) {
      keys.add(RecipientPublicKey.fromPem(Files.readString(p)));
    }
    Progress bar = progress.open(spec.commandLine().getErr());
    Path dir = ref.directory().orElse(spool);
    try (Input in = Input.open(input, audio); SpoolUpload upload = SpoolUpload.to(ref, dir)) {
      List<RecordingInfo> recordings = new ArrayList<>();
      List<SegmentSummary> segments = new ArrayList<>();
      Instant start = Instant.now();
      Recorder.Builder options = Recorder.builder(new SealedSegmentOutput(dir, signer, keys));
      if (fps != null) {
        long[] rate = frameRate(fps);
        options.frameRate(rate[0], rate[1]);
      }
      Recorder recorder = options
          .preEvent(Duration.ofMillis(Math.round(preEvent * 1000)))
          .segmentDuration(Duration.ofMillis(Math.round(segment * 1000)))
          .streamStart(start)
          .deviceId(deviceId)
          .operatorId(operatorId)
          .listener(new RecorderListener() {
            @Override
            public void recordingStarted(RecordingInfo r) {
              recordings.add(r);
            }

            @Override
            public void segmentClosed(SegmentSummary s) {
              segments.add(s);
              upload.segmentClosed(s.descriptor().recording().id());
            }

            @Override
            public void framesDropped(FrameLoss loss) {
              losses.add(loss);
            }
          })
          .build();
      long fed = 0;
      try {
        byte[] adts = in.adts();
        List<Map<String, Object>> events = readMetadata();
        for (double t : triggerAt) {
          events.add(Map.of("t", t, "type", "trigger"));
        }
        for (double t : stopAt) {
          events.add(Map.of("t", t, "type", "stop"));
        }
        if (events.stream().noneMatch(e -> "trigger".equals(e.get("type")))) {
          events.add(Map.of("t", 0.0, "type", "trigger"));
        }
        events.sort(Comparator.comparingDouble(RecordCommand::seconds));
        // Triggers and stops fire at the exact access unit, inside the recorder; the rest (which
        // carry their own times) as the stream reaches them.
        Trigger first = null;
        for (Map<String, Object> e : events) {
          Duration at = Duration.ofNanos(Math.round(Math.max(0, seconds(e)) * 1e9));
          if ("trigger".equals(e.get("type"))) {
            Trigger t = e.get("source") == null ? Trigger.button() : Trigger.of(triggerSource(e.get("source")));
            recorder.startRecordingAt(at, t);
            first = first == null ? t : first;
          } else if ("stop".equals(e.get("type"))) {
            recorder.stopRecordingAt(at);
          }
        }
        events.removeIf(e -> "trigger".equals(e.get("type")) || "stop".equals(e.get("type")));
        int audioPos = 0;
        int event = 0;
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.video.read(buf)) >= 0; ) {
          recorder.feedAnnexB(buf, 0, n);
          fed += n;
          long now = recorder.stats().streamTime90k();
          audioPos = feedAudio(recorder, adts, audioPos, now);
          while (event < events.size() && seconds(events.get(event)) * 90_000 <= now) {
            apply(recorder, events.get(event++), start);
          }
          bar.update(now / 90_000.0, segments.size(), fed, in.size);
        }
        feedAudio(recorder, adts, audioPos, Long.MAX_VALUE);
        if (recordings.isEmpty() && recorder.state() == RecorderState.BUFFERING && first != null) {
          // the first trigger falls after the last complete access unit: it fires at the end of the input
          recorder.startRecording(first);
        }
      } finally {
        recorder.close();
        bar.update(recorder.stats().streamTime90k() / 90_000.0, segments.size(), fed, in.size);
        bar.done();
      }
      if (recordings.isEmpty()) {
        throw new IllegalArgumentException("nothing recorded: the input held no complete H.264 access unit"
            + (fed == 0 ? " (it was empty)" : ""));
      }
      Optional<UploadReport> uploaded = upload.finish(recordings.stream().map(RecordingInfo::id).toList());
      RecorderStats stats = recorder.stats();
      report(ref, dir, recordings, segments, stats, recorder.videoTiming(), uploaded);
      if (stats.videoFramesDroppedTotal() > 0 || !stats.accountedFor()) {
        spec.commandLine().getErr().println("custody record: footage was lost: "
            + stats.videoFramesDroppedTotal() + " frame(s) dropped after the trigger" + lossText());
        return Main.BAD_INPUT;
      }
      if (uploaded.isPresent() && !uploaded.get().complete()) {
        spec.commandLine().getErr().println("custody record: " + uploaded.get().failed().size()
            + " segment(s) not uploaded to " + ref.store + "; they are kept in " + dir
            + "; run: custody upload --delete-local file:" + dir + " " + ref.store);
        return Main.BAD_INPUT;
      }
      return Main.OK;
    }
  }

  private void report(StoreRef ref, Path dir, List<RecordingInfo> recordings, List<SegmentSummary> segments,
      RecorderStats stats, Optional<VideoTiming> timing, Optional<UploadReport> uploaded) {
    PrintWriter out = spec.commandLine().getOut();
    long frames = stats.videoFramesSealed();
    if (timing.isPresent() && timing.get().source() == VideoTiming.Source.DEFAULT) {
      spec.commandLine().getErr().println("custody record: the stream carries no frame rate (no VUI timing);"
          + " assumed " + timing.get().numerator() + "/" + timing.get().denominator() + " fps (set it with --fps)");
    }
    if (json) {
      Map<String, Object> evicted = new java.util.LinkedHashMap<>();
      stats.videoFramesEvicted().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> evicted.put(e.getKey().jsonName(), e.getValue()));
      Map<String, Object> dropped = new java.util.LinkedHashMap<>();
      stats.videoFramesDropped().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> dropped.put(e.getKey().jsonName(), e.getValue()));
      Json.ObjectWriter o = Json.object()
          .put("recording", recordings.isEmpty() ? null : recordings.get(0).id())
          .put("recordings", recordings.stream().map(RecordingInfo::id).toList())
          .put("segments", segments.size())
          .put("frames", frames)
          .put("frames_in", stats.videoFramesFed())
          .put("frames_sealed", frames)
          .put("frames_evicted", evicted)
          .put("frames_dropped", dropped)
          .put("pre_event_ms", recordings.isEmpty() ? 0 : recordings.get(0).preEventMillis())
          .put("store", ref.store.toString());
      timing.ifPresent(t -> o.put("fps", t.numerator() + "/" + t.denominator()).put("fps_source", t.source().jsonName()));
      uploaded.ifPresent(u -> o.put("uploaded", u.uploaded() + u.alreadyThere()).put("upload_failed", u.failed().size()));
      out.println(o.toString());
    } else {
      for (RecordingInfo r : recordings) {
        out.printf(Locale.ROOT, "recording %s: %d segment(s), %.1f s of pre-event footage%n", r.id(),
            segments.stream().filter(s -> s.descriptor().recording().id().equals(r.id())).count(),
            r.preEventMillis() / 1000.0);
      }
      out.printf(Locale.ROOT, "%d frames sealed into %s (%d fed, %d evicted before a trigger or keyframe)%n", frames,
          uploaded.isPresent() ? ref.store : dir, stats.videoFramesFed(), stats.videoFramesEvictedTotal());
    }
    out.flush();
  }

  /** The video as Annex-B and the audio as ADTS, from an Annex-B file or pipe or from an MP4 file. */
  private static final class Input implements java.io.Closeable {
    final InputStream video;
    final long size;
    private final Mp4Demuxer mp4;
    private final Path audio;

    private Input(InputStream video, long size, Mp4Demuxer mp4, Path audio) {
      this.video = video;
      this.size = size;
      this.mp4 = mp4;
      this.audio = audio;
    }

    static Input open(String input, Path audio) throws IOException {
      if (input.equals("-")) {
        return new Input(System.in, -1, null, audio);
      }
      Path path = Path.of(input);
      if (Files.isDirectory(path)) {
        throw new IOException(input + " is a directory");
      }
      if (isMp4(path)) {
        Mp4Demuxer d = Mp4Demuxer.open(path);
        return new Input(new java.io.BufferedInputStream(d.videoAnnexB(), 1 << 16), Files.size(path), d, audio);
      }
      return new Input(Files.newInputStream(path), Files.size(path), null, audio);
    }

    /** An ISO BMFF file starts with a box whose type is one of these (an Annex-B stream with 00 00 01). */
    private static boolean isMp4(Path path) throws IOException {
      byte[] head = new byte[8];
      try (InputStream in = Files.newInputStream(path)) {
        if (in.readNBytes(head, 0, 8) < 8) {
          return false;
        }
      }
      String type = new String(head, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      return List.of("ftyp", "styp", "moov", "mdat", "free", "skip", "wide").contains(type);
    }

    byte[] adts() throws IOException {
      if (audio != null) {
        return Files.readAllBytes(audio);
      }
      if (mp4 != null) {
        try (InputStream a = mp4.audioAdts()) {
          return a.readAllBytes();
        }
      }
      return new byte[0];
    }

    @Override
    public void close() throws IOException {
      try {
        if (video != System.in) {
          video.close();
        }
      } finally {
        if (mp4 != null) {
          mp4.close();
        }
      }
    }
  }

  // AAC frames fed so far, counted in samples (1,024 per frame), and the stream's sampling rate.
  private long audioSamples;
  private int audioRate;

  private static final int[] ADTS_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050,
      16000, 12000, 11025, 8000, 7350, 8000, 8000, 8000};

  /** Feeds whole ADTS frames whose start time is not after {@code now90k}; returns the new position. */
  private int feedAudio(Recorder r, byte[] adts, int pos, long now90k) throws IOException {
    int start = pos;
    while (pos + 7 <= adts.length) {
      int len = ((adts[pos + 3] & 3) << 11) | ((adts[pos + 4] & 0xff) << 3) | ((adts[pos + 5] & 0xff) >> 5);
      if (len < 7 || pos + len > adts.length) {
        break; // not a frame: the recorder's ADTS reader reports it below
      }
      if (audioRate == 0) {
        audioRate = ADTS_RATES[(adts[pos + 2] >> 2) & 0xf];
      }
      if (now90k != Long.MAX_VALUE && audioSamples * 90_000 / audioRate > now90k) {
        break;
      }
      pos += len;
      audioSamples += 1024;
    }
    if (now90k == Long.MAX_VALUE) {
      pos = adts.length; // the rest, so a malformed tail is reported rather than dropped
    }
    if (pos > start) {
      r.feedAdts(adts, start, pos - start);
    }
    return pos;
  }

  private List<Map<String, Object>> readMetadata() throws IOException {
    if (metadata == null) {
      return new ArrayList<>();
    }
    // trigger sources are checked before anything is recorded, so a bad line never cuts a recording short
    return MetadataFile.read(metadata, e -> {
      if ("trigger".equals(e.get("type")) && e.get("source") != null) {
        triggerSource(e.get("source"));
      }
    });
  }

  /** "25", "29.97" or "30000/1001" as a numerator and denominator. */
  static long[] frameRate(String text) {
    try {
      int slash = text.indexOf('/');
      if (slash >= 0) {
        long num = Long.parseLong(text.substring(0, slash).trim());
        long den = Long.parseLong(text.substring(slash + 1).trim());
        if (num > 0 && den > 0) {
          return new long[] {num, den};
        }
      } else {
        java.math.BigDecimal rate = new java.math.BigDecimal(text.trim());
        if (rate.signum() > 0 && rate.scale() <= 6) {
          java.math.BigDecimal scaled = rate.movePointRight(Math.max(0, rate.scale()));
          return new long[] {scaled.longValueExact(), java.math.BigInteger.TEN.pow(Math.max(0, rate.scale())).longValueExact()};
        }
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException("--fps takes a positive number or fraction (25, 29.97, 30000/1001): " + text);
  }

  private static double seconds(Map<String, Object> e) {
    return ((Number) e.get("t")).doubleValue();
  }

  private static double number(Map<String, Object> e, String name) {
    Object v = e.get(name);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static Trigger.Source triggerSource(Object name) {
    try {
      return Trigger.Source.valueOf(String.valueOf(name).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException("unknown trigger source " + name + "; one of "
          + java.util.Arrays.toString(Trigger.Source.values()));
    }
  }

  private static void apply(Recorder r, Map<String, Object> e, Instant start) throws IOException {
    Instant at = start.plusNanos(Math.round(seconds(e) * 1e9));
    Object type = e.get("type");
    if ("gps".equals(type)) {
      r.gps(new GpsFix(at, number(e, "lat"), number(e, "lon"), number(e, "alt"), number(e, "accuracy"),
          number(e, "speed"), number(e, "heading")));
    } else if ("marker".equals(type)) {
      r.marker(e.get("label") == null ? null : String.valueOf(e.get("label")), at);
    } else if ("mute".equals(type)) {
      r.mute(Boolean.TRUE.equals(e.get("on")));
    }
  }
}
