package io.custody.cli;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import io.custody.register.DeviceRegister;
import io.custody.register.Finding;
import io.custody.seal.DecryptionException;
import io.custody.seal.RecordingReport;
import io.custody.seal.SegmentClaims;
import io.custody.seal.SegmentLayout;
import io.custody.seal.SegmentManifest;
import io.custody.seal.SegmentReader;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code custody serve} knows of a store: every recording listed from what its segments claim
 * (header and manifest, never the media: {@link SegmentClaims}), each verified in the background
 * with the device's public key, and, for the recording a viewer opens, its fragments' proof, its
 * metadata track and its footage decrypted fragment by fragment in memory.
 */
final class ViewerLibrary implements AutoCloseable {
  /** Segment readers kept open (each holds a file and a content key). */
  private static final int OPEN_READERS = 64;

  private final StoreRef ref;
  private final BlobStore store;
  private final Optional<DevicePublicKey> devicePub;
  private final Optional<DeviceRegister> register;
  private final Optional<RegisterVerdicts> verdicts;
  private final Optional<RecipientPrivateKey> recipient;
  private final ExecutorService claimsPool;
  private final ExecutorService verifyPool;
  private final Path spool;
  private final Map<String, Recording> recordings = new ConcurrentHashMap<>();
  private final AtomicInteger unscanned = new AtomicInteger();
  private final Map<String, SegmentReader> readers = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SegmentReader> eldest) {
          if (size() > OPEN_READERS) {
            synchronized (eldest.getValue()) {
              closeQuietly(eldest.getValue());
            }
            return true;
          }
          return false;
        }
      });

  /** One recording: its segment keys, their claims once read, its verification once done. */
  static final class Recording {
    final String id;
    final List<String> keys;
    volatile List<SegmentClaims> claims;
    /** The first segment's descriptor, parsed once (the list filters on it at every request). */
    volatile Map<?, ?> descriptor = Map.of();
    volatile String claimsProblem;
    final CompletableFuture<Verified> verified = new CompletableFuture<>();
    volatile boolean verifying;
    volatile Map<String, Object> metadata;

    Recording(String id, List<String> keys) {
      this.id = id;
      this.keys = List.copyOf(keys);
    }
  }

  /** A recording's verification: the report, each segment's fragment table, the register's findings. */
  record Verified(RecordingReport report, List<List<SegmentManifest.Fragment>> tables, List<Finding> findings) {}

  ViewerLibrary(StoreRef ref, Optional<DevicePublicKey> devicePub, Optional<DeviceRegister> register,
      Optional<RegisterVerdicts> verdicts, Optional<RecipientPrivateKey> recipient) throws IOException {
    this.ref = ref;
    this.store = ref.open();
    this.devicePub = devicePub;
    this.register = register;
    this.verdicts = verdicts;
    this.recipient = recipient;
    int cores = Runtime.getRuntime().availableProcessors();
    boolean local = ref.directory().isPresent();
    this.claimsPool = Executors.newFixedThreadPool(local ? cores : VerifyCommand.REMOTE_JOBS, daemon("custody-claims"));
    this.verifyPool = Executors.newFixedThreadPool(Math.max(1, cores / 2), daemon("custody-verify"));
    this.spool = local ? null : Files.createTempDirectory("custody-serve");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Lists the store and queues what is new: claims first (the list needs them), then verification. */
  void scan() throws IOException {
    SortedMap<String, List<String>> byRecording = ref.segments(store);
    for (Map.Entry<String, List<String>> e : byRecording.entrySet()) {
      Recording known = recordings.get(e.getKey());
      if (known != null && known.keys.equals(e.getValue())) {
        continue;
      }
      Recording r = new Recording(e.getKey(), e.getValue());
      recordings.put(r.id, r);
      unscanned.incrementAndGet();
      claimsPool.execute(() -> {
        try {
          readClaims(r);
        } finally {
          unscanned.decrementAndGet();
        }
        verifyPool.execute(() -> verify(r));
      });
    }
  }

  private void readClaims(Recording r) {
    List<SegmentClaims> list = new ArrayList<>();
    try {
      for (String key : r.keys) {
        list.add(SegmentClaims.read(store, key, deviceKeyFor(key)));
      }
    } catch (IOException | RuntimeException e) {
      // listed as failed with this reason; the verification queued next reads what it can
      r.claimsProblem = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    if (!list.isEmpty() && Json.parse(list.get(0).header().descriptorJson()) instanceof Map<?, ?> d) {
      r.descriptor = d;
    }
    r.claims = List.copyOf(list);
  }

  /** The device key that should have signed the segment at {@code key}: --device-pub, or the register's key. */
  private DevicePublicKey deviceKeyFor(String key) throws IOException {
    if (devicePub.isPresent()) {
      return devicePub.get();
    }
    String keyId = SegmentClaims.header(store, key).deviceKeyIdHex();
    return register.orElseThrow().device(keyId).orElseThrow(() -> new IOException(
        "segment " + key + " is signed by device key " + keyId + ", which the register does not hold")).publicKey();
  }

  /** The recording's verification, now (in this thread when nobody has started it). */
  Verified verifyNow(Recording r) {
    verify(r);
    return r.verified.join();
  }

  private void verify(Recording r) {
    synchronized (r) {
      if (r.verifying || r.verified.isDone()) {
        return;
      }
      r.verifying = true;
    }
    try {
      List<VerificationReport> reports = new ArrayList<>();
      List<List<SegmentManifest.Fragment>> tables = new ArrayList<>();
      for (String key : r.keys) {
        VerificationReport report;
        try (InputStream in = store.read(key)) {
          report = new Verifier(deviceKeyFor(key)).verify(in);
        }
        reports.add(report);
        if (report.manifest().isPresent()) {
          tables.add(report.manifest().get().fragments());
        } else {
          List<SegmentManifest.Fragment> t;
          try (InputStream in = store.read(key)) {
            t = SegmentLayout.read(in).fragments();
          } catch (IOException e) {
            t = List.of(); // not even the clear layout reads: the segment shows as one failed block
          }
          tables.add(t);
        }
      }
      List<Finding> findings = verdicts.isPresent() ? verdicts.get().check(reports, r.keys, store) : List.of();
      r.verified.complete(new Verified(Verifier.checkRecording(reports), tables, findings));
    } catch (IOException | RuntimeException e) {
      r.verified.completeExceptionally(e);
    }
  }

  /** Recordings not listed yet (their claims are being read) plus those not verified yet. */
  int pending() {
    int n = unscanned.get();
    for (Recording r : recordings.values()) {
      if (!r.verified.isDone()) {
        n++;
      }
    }
    return n;
  }

  /** The recording, its claims read (now, when the background has not come to it yet). */
  Optional<Recording> recording(String id) {
    Recording r = recordings.get(id);
    if (r != null && r.claims == null) {
      readClaims(r); // the same reads as the background's, whichever finishes first
    }
    return Optional.ofNullable(r);
  }

  /** Every recording whose claims are read. */
  List<Recording> listed() {
    List<Recording> out = new ArrayList<>();
    for (Recording r : recordings.values()) {
      if (r.claims != null) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(ViewerLibrary::start).thenComparing(r -> r.id));
    return out;
  }

  // ---- what a recording claims -------------------------------------------------------------

  static Instant start(Recording r) {
    return r.claims.isEmpty() ? Instant.EPOCH : Instant.ofEpochMilli(r.claims.get(0).header().createdMillis());
  }

  static Instant end(Recording r) {
    if (r.claims.isEmpty()) {
      return Instant.EPOCH;
    }
    SegmentClaims last = r.claims.get(r.claims.size() - 1);
    return last.manifest().map(SegmentManifest::end).orElse(Instant.ofEpochMilli(last.header().createdMillis()));
  }

  /** A member of the first segment's descriptor (device_id, operator_id, trigger), or null. */
  static Object descriptor(Recording r, String member) {
    return r.descriptor.get(member);
  }

  /** The list's row: what the segments claim, and the state once verified. */
  Map<String, Object> summary(Recording r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id);
    m.put("device", descriptor(r, "device_id"));
    m.put("officer", descriptor(r, "operator_id"));
    m.put("start", start(r).toString());
    m.put("end", end(r).toString());
    m.put("duration_s", (end(r).toEpochMilli() - start(r).toEpochMilli()) / 1000.0);
    m.put("segments", (long) r.keys.size());
    m.put("trigger", descriptor(r, "trigger") instanceof Map<?, ?> t ? t.get("source") : null);
    state(r, m);
    return m;
  }

  /** {@code state}, {@code problem} and {@code lost_bytes} of a recording. */
  private void state(Recording r, Map<String, Object> m) {
    String state;
    String problem = null;
    long lost = 0;
    if (r.claimsProblem != null || r.claims.stream().anyMatch(c -> !c.signed())) {
      state = "failed";
      problem = r.claimsProblem != null ? r.claimsProblem
          : "a segment's header or manifest is not signed by the device key";
    } else if (!r.verified.isDone()) {
      state = "pending";
    } else if (r.verified.isCompletedExceptionally()) {
      state = "failed";
      problem = "cannot be read: " + r.verified.handle((v, e) -> e.getMessage()).join();
    } else {
      Verified v = r.verified.join();
      RecordingReport report = v.report();
      List<VerificationReport> segs = report.segments();
      Optional<Finding> distrusted = v.findings().stream().filter(f -> f != null && !f.trusted()).findFirst();
      boolean unfinished = !segs.isEmpty() && segs.get(segs.size() - 1).status() == VerificationReport.Status.UNFINISHED
          && segs.subList(0, segs.size() - 1).stream().allMatch(s -> s.status() == VerificationReport.Status.COMPLETE);
      for (VerificationReport s : segs) {
        lost += s.manifest().map(SegmentManifest::lostBytes).orElse(0L);
      }
      if (distrusted.isPresent()) {
        state = "failed";
        problem = "register: " + distrusted.get().verdict() + ": " + distrusted.get().explanation();
      } else if (report.ok()) {
        state = segs.stream().anyMatch(s -> s.manifest().map(SegmentManifest::recovered).orElse(false))
            ? "recovered" : "complete";
      } else if (unfinished) {
        state = "unfinished";
        problem = "segment " + (segs.size() - 1) + ": " + segs.get(segs.size() - 1).summary();
      } else {
        state = "failed";
        problem = report.problem().orElse("failed");
        for (int i = 0; i < segs.size(); i++) {
          if (segs.get(i).status() == VerificationReport.Status.FAILED) {
            problem = "segment " + i + ": " + segs.get(i).problem().orElseThrow();
            break;
          }
        }
      }
    }
    m.put("state", state);
    m.put("problem", problem);
    m.put("lost_bytes", lost);
  }

  // ---- one recording in detail ---------------------------------------------------------------

  /** The recording page's facts: segments and fragments with their proof, trigger, gaps. */
  Map<String, Object> detail(Recording r) {
    verify(r);
    Map<String, Object> m = summary(r);
    if (r.verified.isCompletedExceptionally()) {
      // not even read to its end (e.g. a key the register does not hold): the state says why
      m.put("segments", List.of());
      m.put("gaps", List.of());
      m.put("playable", false);
      m.put("exports", false);
      m.put("mime", null);
      return m;
    }
    Verified v = r.verified.join();
    List<VerificationReport> reports = v.report().segments();
    long preEventMs = r.claims.isEmpty() ? 0 : r.claims.get(0).manifest().map(SegmentManifest::preEventMillis)
        .orElseGet(() -> preEventOfDescriptor(r));
    Map<String, Object> trigger = new LinkedHashMap<>();
    Object t = descriptor(r, "trigger");
    trigger.put("source", t instanceof Map<?, ?> tm ? tm.get("source") : null);
    trigger.put("detail", t instanceof Map<?, ?> tm ? tm.get("detail") : null);
    trigger.put("t", preEventMs / 1000.0);
    m.put("trigger", trigger);
    m.put("pre_event_s", preEventMs / 1000.0);
    m.put("previous_recording_id", descriptor(r, "previous_recording_id"));
    List<Object> segments = new ArrayList<>();
    List<Object> gaps = new ArrayList<>();
    double expected = 0;
    for (int i = 0; i < reports.size(); i++) {
      VerificationReport s = reports.get(i);
      List<SegmentManifest.Fragment> table = v.tables().get(i);
      Map<String, Object> seg = new LinkedHashMap<>();
      seg.put("index", (long) i);
      seg.put("t", table.isEmpty() ? expected : seconds(table.get(0)));
      double end = table.isEmpty() ? expected : seconds(table.get(table.size() - 1))
          + table.get(table.size() - 1).videoDuration() / (double) table.get(table.size() - 1).videoTimescale();
      seg.put("duration_s", end - (double) seg.get("t"));
      Finding f = v.findings().isEmpty() ? null : v.findings().get(i);
      String segState = s.status() == VerificationReport.Status.COMPLETE
          ? (s.manifest().orElseThrow().recovered() ? "recovered" : "verified")
          : s.status() == VerificationReport.Status.UNFINISHED ? "unfinished" : "failed";
      if (f != null && !f.trusted()) {
        segState = "failed";
      }
      seg.put("state", segState);
      seg.put("problem", f != null && !f.trusted() ? "register: " + f.verdict() + ": " + f.explanation()
          : s.problem().map(Object::toString).orElse(null));
      seg.put("lost_bytes", s.manifest().map(SegmentManifest::lostBytes).orElse(0L));
      List<Object> fragments = new ArrayList<>();
      for (SegmentManifest.Fragment fr : table) {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("index", (long) fr.index());
        fm.put("t", seconds(fr));
        fm.put("duration_s", fr.videoDuration() / (double) fr.videoTimescale());
        fm.put("wall_clock", fr.wallClock().toString());
        String[] state = fragmentState(s, fr, f);
        fm.put("state", state[0]);
        fm.put("problem", state[1]);
        fragments.add(fm);
        if (seconds(fr) > expected + 0.001) {
          gaps.add(gap(expected, seconds(fr) - expected, "no footage"));
        }
        expected = Math.max(expected, seconds(fr) + fr.videoDuration() / (double) fr.videoTimescale());
      }
      seg.put("fragments", fragments);
      for (io.custody.mp4.FrameLoss l : s.manifest().map(SegmentManifest::framesLost).orElse(List.of())) {
        gaps.add(gap((double) seg.get("t"), 0, "frames lost before this segment: " + l.frames() + " ("
            + l.reason().jsonName() + ")"));
      }
      segments.add(seg);
    }
    m.put("segments", segments);
    m.put("gaps", gaps);
    m.put("playable", holdsKey());
    m.put("exports", holdsKey());
    m.put("mime", holdsKey() ? mime(r) : null);
    return m;
  }

  private static long preEventOfDescriptor(Recording r) {
    Object t = descriptor(r, "trigger");
    return t instanceof Map<?, ?> tm && tm.get("pre_event_ms") instanceof Long ms ? ms : 0;
  }

  private static Map<String, Object> gap(double t, double duration, String reason) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("t", t);
    g.put("duration_s", duration);
    g.put("reason", reason);
    return g;
  }

  private static double seconds(SegmentManifest.Fragment f) {
    return f.videoDecodeTime() / (double) f.videoTimescale();
  }

  /**
   * A fragment's proof: verified when a device signature covers it; in a failed segment the
   * fragment holding the first bad record is failed and names it, and those after it are not
   * proven; in an unfinished segment, those no signature covers were lost to the crash.
   */
  private static String[] fragmentState(VerificationReport s, SegmentManifest.Fragment fr, Finding f) {
    if (f != null && !f.trusted()) {
      return new String[] {"failed", "register: " + f.verdict() + ": " + f.explanation()};
    }
    if (s.status() == VerificationReport.Status.COMPLETE || fr.index() < s.signedFragments()) {
      return new String[] {"verified", null};
    }
    if (s.status() == VerificationReport.Status.UNFINISHED) {
      return new String[] {"lost", "lost to a crash: no signature covers it (" + s.problem().orElseThrow() + ")"};
    }
    VerificationReport.Problem p = s.problem().orElseThrow();
    if (p.record() >= fr.firstSeq() && p.record() <= fr.infoSeq()) {
      return new String[] {"failed", "record " + p.record() + " (byte " + p.offset() + "): " + p.check() + ": "
          + p.message()};
    }
    return new String[] {"failed", "not proven: the segment fails " + (p.record() >= 0 ? "at record " + p.record()
        : "") + " (" + p.check() + ")"};
  }

  // ---- footage and metadata ------------------------------------------------------------------

  /** Whether the server holds a recipient key: it can play, read the metadata track and export. */
  boolean holdsKey() {
    return recipient.isPresent();
  }

  /** Whether fragment {@code f} of segment {@code s} is proven and may be played. */
  boolean playable(Recording r, int s, int f) {
    verify(r);
    if (s < 0 || s >= r.keys.size() || r.verified.isCompletedExceptionally()) {
      return false;
    }
    Verified v = r.verified.join();
    VerificationReport report = v.report().segments().get(s);
    Finding finding = v.findings().isEmpty() ? null : v.findings().get(s);
    return recipient.isPresent() && (finding == null || finding.trusted()) && f >= 0
        && f < v.tables().get(s).size() && (report.status() == VerificationReport.Status.COMPLETE
            || f < report.signedFragments());
  }

  byte[] init(Recording r, int s) throws IOException, DecryptionException {
    SegmentReader reader = reader(r, s);
    synchronized (reader) {
      return reader.readInit();
    }
  }

  byte[] fragment(Recording r, int s, int f) throws IOException, DecryptionException {
    SegmentReader reader = reader(r, s);
    synchronized (reader) {
      return reader.readFragment(f);
    }
  }

  private SegmentReader reader(Recording r, int s) throws IOException, DecryptionException {
    String key = r.keys.get(s);
    SegmentReader reader = readers.get(key);
    if (reader != null) {
      return reader;
    }
    Verified v = verifyNow(r);
    Path file = localFile(key);
    boolean complete = v.report().segments().get(s).status() == VerificationReport.Status.COMPLETE;
    // A segment that fails or was cut short is opened without its closing proof; only the fragments
    // signatures cover are served from it (playable), each record still checked by AES-GCM.
    reader = complete ? SegmentReader.open(file, recipient.orElseThrow(), deviceKeyFor(key))
        : SegmentReader.openUnverified(file, recipient.orElseThrow());
    SegmentReader raced = readers.putIfAbsent(key, reader);
    if (raced != null) {
      closeQuietly(reader);
      return raced;
    }
    return reader;
  }

  /** The sealed (encrypted) segment as a file: in a file: store itself, else copied once to a spool. */
  private Path localFile(String key) throws IOException {
    Optional<Path> dir = ref.directory();
    if (dir.isPresent()) {
      return dir.get().resolve(key);
    }
    Path local = spool.resolve(key.replace('/', '_'));
    synchronized (this) {
      if (!Files.exists(local)) {
        Path part = spool.resolve(key.replace('/', '_') + ".part");
        try (InputStream in = store.read(key)) {
          Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(part, local, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return local;
  }

  /**
   * The MSE type of the recording's footage, from its first segment's initialization part:
   * {@code avc1.PPCCLL} from the avcC box, and {@code mp4a.40.2} when there is an AAC track.
   */
  private String mime(Recording r) {
    for (int s = 0; s < r.keys.size(); s++) {
      try {
        byte[] init = init(r, s);
        int avcc = indexOf(init, "avcC");
        if (avcc < 0 || avcc + 12 > init.length) {
          continue;
        }
        String codecs = String.format(Locale.ROOT, "avc1.%02x%02x%02x", init[avcc + 9] & 0xff, init[avcc + 10] & 0xff,
            init[avcc + 11] & 0xff);
        if (indexOf(init, "mp4a") >= 0) {
          codecs += ",mp4a.40.2";
        }
        return "video/mp4; codecs=\"" + codecs + "\"";
      } catch (IOException | DecryptionException | RuntimeException e) {
        // this segment does not open (it fails, or has no INIT): try the next
      }
    }
    return null;
  }

  private static int indexOf(byte[] b, String fourcc) {
    byte[] f = fourcc.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 4; i + 4 <= b.length; i++) {
      for (int j = 0; j < 4; j++) {
        if (b[i + j] != f[j]) {
          continue outer;
        }
      }
      return i - 4;
    }
    return -1;
  }

  /** GPS fixes, markers and mute spans from the metadata track of every playable fragment. */
  Map<String, Object> metadata(Recording r) throws IOException, DecryptionException {
    Map<String, Object> cached = r.metadata;
    if (cached != null) {
      return cached;
    }
    List<Object> gps = new ArrayList<>();
    List<Object> markers = new ArrayList<>();
    List<Object> mutes = new ArrayList<>();
    Map<String, Object> openMute = null;
    Verified v = verifyNow(r);
    for (int s = 0; s < r.keys.size(); s++) {
      if (!playable(r, s, 0)) {
        continue;
      }
      Fmp4Samples.Track track = Fmp4Samples.track(init(r, s), "meta");
      if (track == null) {
        continue;
      }
      for (int f = 0; f < v.tables().get(s).size() && playable(r, s, f); f++) {
        for (Fmp4Samples.Sample sample : Fmp4Samples.samples(fragment(r, s, f), track.id())) {
          double t = sample.decodeTime() / (double) track.timescale();
          if (!(Json.parse(sample.data()) instanceof Map<?, ?> e)) {
            continue;
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("t", t);
          out.put("time", e.get("time"));
          switch (String.valueOf(e.get("type"))) {
            case "gps" -> {
              for (String k : List.of("lat", "lon", "alt", "accuracy", "speed", "heading")) {
                out.put(k, e.get(k));
              }
              gps.add(out);
            }
            case "marker" -> {
              out.put("id", e.get("id"));
              out.put("label", e.get("label"));
              markers.add(out);
            }
            case "mute" -> {
              if (Boolean.TRUE.equals(e.get("on")) && openMute == null) {
                openMute = new LinkedHashMap<>();
                openMute.put("t", t);
                openMute.put("end_t", null);
                mutes.add(openMute);
              } else if (Boolean.FALSE.equals(e.get("on")) && openMute != null) {
                openMute.put("end_t", t);
                openMute = null;
              }
            }
            default -> {
              // a kind of event this viewer does not draw
            }
          }
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gps", gps);
    m.put("markers", markers);
    m.put("mutes", mutes);
    r.metadata = m;
    return m;
  }

  private static void closeQuietly(SegmentReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // read-only: closing has nothing to flush, and the file is released either way
    }
  }

  @Override
  public void close() throws IOException {
    claimsPool.shutdownNow();
    verifyPool.shutdownNow();
    synchronized (readers) {
      for (SegmentReader reader : readers.values()) {
        synchronized (reader) {
          reader.close();
        }
      }
      readers.clear();
    }
    store.close();
    if (spool != null) {
      try (var files = Files.walk(spool)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
