package io.custody.cli;

import io.custody.core.GpsFix;
import io.custody.core.Recorder;
import io.custody.core.RecorderListener;
import io.custody.core.RecordingInfo;
import io.custody.core.SegmentSummary;
import io.custody.core.Trigger;
import io.custody.core.crypto.DeviceSigningKey;
import io.custody.core.crypto.Ed25519;
import io.custody.core.crypto.KeyFormatException;
import io.custody.core.crypto.RecipientPublicKey;
import io.custody.core.internal.Json;
import io.custody.core.mp4.AacFormatException;
import io.custody.core.seal.SealedSegmentOutput;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody record}: H.264 in, sealed segments out, with a pre-event window and a trigger. */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = "Records an H.264 Annex-B stream (a file, or - for a live pipe) into sealed"
        + " segments in a file: store. Times are stream time: seconds from the first access unit.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:recorded", "1:bad input, keys or store (one line on stderr)", "2:usage error"})
final class RecordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE|-", description = "Annex-B H.264, or - for standard input.")
  String input;

  @Option(names = "--audio", paramLabel = "FILE.aac", description = "AAC in ADTS form, starting with the video.")
  Path audio;

  @Option(names = "--metadata", paramLabel = "FILE.jsonl",
      description = "One JSON object per line: {\"t\": SECONDS, \"type\": \"gps\", \"lat\": .., \"lon\": ..},"
          + " {\"t\": .., \"type\": \"marker\", \"label\": ..} or {\"t\": .., \"type\": \"mute\", \"on\": true}.")
  Path metadata;

  @Option(names = "--pre-event", defaultValue = "30", paramLabel = "SECONDS", description = "Pre-event window (default ${DEFAULT-VALUE}).")
  double preEvent;

  @Option(names = "--trigger-at", defaultValue = "0", paramLabel = "SECONDS", description = "When the trigger fires (default ${DEFAULT-VALUE}).")
  double triggerAt;

  @Option(names = "--stop-at", paramLabel = "SECONDS", description = "When recording stops (default: end of input).")
  Double stopAt;

  @Option(names = "--segment", defaultValue = "60", paramLabel = "SECONDS", description = "Segment length (default ${DEFAULT-VALUE}).")
  double segment;

  @Option(names = "--device-key", required = true, paramLabel = "FILE", description = "The device's Ed25519 private key (PEM).")
  Path deviceKey;

  @Option(names = "--recipient", required = true, paramLabel = "FILE", description = "A recipient's X25519 public key (PEM); repeatable.")
  List<Path> recipients;

  @Option(names = "--store", defaultValue = "file:./evidence", paramLabel = "URI", description = "Where sealed segments go (default ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--device-id", defaultValue = "", description = "Camera id written into every manifest.")
  String deviceId;

  @Option(names = "--operator-id", defaultValue = "", description = "Officer id written into every manifest.")
  String operatorId;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return record();
    } catch (NoSuchFileException e) {
      err.println("custody record: no such file: " + e.getMessage());
    } catch (KeyFormatException e) {
      err.println("custody record: bad key file: " + e.getMessage());
    } catch (H264FormatException e) {
      err.println("custody record: the input is not valid H.264 Annex-B: " + e.getMessage());
    } catch (AacFormatException e) {
      err.println("custody record: the audio is not valid AAC ADTS: " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("custody record: " + e.getMessage());
    } catch (IOException e) {
      err.println("custody record: " + e.getMessage());
    }
    return Main.BAD_INPUT;
  }

  private Integer record() throws IOException {
    StoreRef ref = StoreRef.parse(store);
    Path dir = ref.directory().orElseThrow(() -> new IllegalArgumentException(
        "record writes to a local file: store (the camera's flash); copy to " + ref.store.getScheme()
            + ": with custody upload"));
    DeviceSigningKey device = DeviceSigningKey.fromPem(Files.readString(deviceKey));
    List<RecipientPublicKey> keys = new ArrayList<>();
    for (Path p : recipients) {
      keys.add(RecipientPublicKey.fromPem(Files.readString(p)));
    }
    List<RecordingInfo> recordings = new ArrayList<>();
    List<SegmentSummary> segments = new ArrayList<>();
    Instant start = Instant.now();
    Recorder recorder = Recorder.builder(new SealedSegmentOutput(dir, Ed25519.signer(device), keys))
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
          }
        })
        .build();
    byte[] adts = audio != null ? Files.readAllBytes(audio) : new byte[0];
    List<Map<String, Object>> events = readMetadata();
    int audioPos = 0;
    int event = 0;
    boolean triggered = false;
    boolean stopped = false;
    long triggerTicks = Math.round(triggerAt * 90_000);
    try (InputStream in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        recorder.feedAnnexB(buf, 0, n);
        long now = recorder.stats().streamTime90k();
        audioPos = feedAudio(recorder, adts, audioPos, now);
        while (event < events.size() && seconds(events.get(event)) * 90_000 <= now) {
          apply(recorder, events.get(event++), start);
        }
        if (!triggered && now >= triggerTicks) {
          recorder.startRecording(Trigger.button());
          triggered = true;
        }
        if (triggered && !stopped && stopAt != null && now >= Math.round(stopAt * 90_000)) {
          recorder.stopRecording();
          stopped = true;
        }
      }
      feedAudio(recorder, adts, audioPos, Long.MAX_VALUE);
      if (!triggered) {
        recorder.startRecording(Trigger.button()); // the trigger falls at the very end of the input
      }
    } finally {
      recorder.close();
    }
    PrintWriter out = spec.commandLine().getOut();
    long frames = recorder.stats().videoFramesWritten();
    if (json) {
      out.println(Json.object()
          .put("recording", recordings.isEmpty() ? null : recordings.get(0).id())
          .put("recordings", recordings.stream().map(RecordingInfo::id).toList())
          .put("segments", segments.size())
          .put("frames", frames)
          .put("pre_event_ms", recordings.isEmpty() ? 0 : recordings.get(0).preEventMillis())
          .put("store", ref.store.toString())
          .toString());
    } else {
      for (RecordingInfo r : recordings) {
        out.printf("recording %s: %d segment(s), %.1f s of pre-event footage%n", r.id(),
            segments.stream().filter(s -> s.descriptor().recording().id().equals(r.id())).count(),
            r.preEventMillis() / 1000.0);
      }
      out.printf("%d frames sealed into %s%n", frames, dir);
    }
    out.flush();
    return recordings.isEmpty() ? Main.BAD_INPUT : Main.OK;
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

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> readMetadata() throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    if (metadata == null) {
      return events;
    }
    int line = 0;
    for (String text : Files.readAllLines(metadata)) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      Object v;
      try {
        v = Json.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(metadata + " line " + line + ": " + e.getMessage());
      }
      if (!(v instanceof Map) || !(((Map<String, Object>) v).get("t") instanceof Number)) {
        throw new IllegalArgumentException(metadata + " line " + line + ": needs an object with a number \"t\"");
      }
      events.add((Map<String, Object>) v);
    }
    events.sort(Comparator.comparingDouble(RecordCommand::seconds));
    return events;
  }

  private static double seconds(Map<String, Object> e) {
    return ((Number) e.get("t")).doubleValue();
  }

  private static double number(Map<String, Object> e, String name) {
    Object v = e.get(name);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
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
    } else {
      throw new IllegalArgumentException("unknown metadata type: " + type);
    }
  }
}
