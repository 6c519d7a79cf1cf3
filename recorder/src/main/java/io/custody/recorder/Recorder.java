package io.custody.recorder;

import io.custody.mp4.FrameDrop;
import io.custody.mp4.FrameLoss;
import io.custody.mp4.InvalidSettingException;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import io.custody.recorder.internal.EncryptedSpillStore;
import io.custody.recorder.internal.PayloadStore;
import io.custody.recorder.internal.PreEventBuffer;
import io.custody.recorder.internal.SlabPayloadStore;
import io.custody.recorder.internal.VideoTimestamper;
import io.custody.aac.AacConfig;
import io.custody.aac.AdtsFrame;
import io.custody.aac.AdtsReader;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.TimedMetadata;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AnnexBScanner;
import io.custody.h264.NalUnitType;
import io.custody.h264.SequenceParameterSet;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embeddable body-worn camera recorder: feed it the encoder's output all shift; on a trigger
 * it writes the pre-event window and everything after it as segments of fragmented MP4 until
 * stopped.
 *
 * <h2>Feeding</h2>
 *
 * Video comes either as raw Annex-B bytes ({@link #feedAnnexB}: decode times from the frame rate,
 * presentation order from picture order count) or as access units with the encoder's timestamps
 * ({@link #feedAccessUnit}); one recorder uses one of the two. Audio comes as ADTS bytes ({@link
 * #feedAdts}: times from the sample count, starting with the video) and is dropped while {@link
 * #mute muted}. GPS fixes, markers and mute switches go to a timed metadata track. Times are on
 * one stream timeline in 90 kHz ticks; {@link Builder#streamStart} anchors it to the wall clock.
 *
 * <h2>States</h2>
 *
 * {@link RecorderState#BUFFERING} keeps a keyframe-aligned pre-event window ({@link
 * Builder#preEvent}, bounded by {@link Builder#preEventMaxBytes} too). {@link #startRecording}
 * switches to {@link RecorderState#RECORDING}: the recording starts at the newest keyframe that
 * still covers the window (or the oldest one held; with no keyframe held yet, at the next one).
 * A second trigger while recording adds a marker and returns the running recording. {@link
 * #stopRecording} writes out everything fed so far, closes the last segment and goes back to
 * buffering from the next keyframe; stopping while not recording is an {@link
 * IllegalStateException}. Segments are cut at keyframes once {@link Builder#segmentDuration} or
 * {@link Builder#segmentMaxBytes} is reached, and whenever the SPS/PPS change. At {@link
 * Builder#maxRecordingDuration} the recording ends at a keyframe and a new one, linked to it by
 * {@link RecordingInfo#previousRecordingId()}, starts with the same frame: nothing is lost between
 * them. {@link #close} stops a running recording and releases the buffer; anything fed afterwards
 * is an {@link IllegalStateException}.
 *
 * <h2>Threads and back-pressure</h2>
 *
 * Thread-safe: every method takes one lock, so video, audio and metadata may come from different
 * threads. Segments are written on the calling thread. The back-pressure policy is to block: a
 * slow {@link SegmentOutput} makes the feeding call wait, so memory never grows with a slow sink
 * (at most one fragment per track plus the reorder window is held while recording). Nothing is
 * dropped silently: every discarded frame is counted in {@link #stats()}.
 *
 * <h2>Errors</h2>
 *
 * Malformed video raises {@link io.custody.h264.H264FormatException}, malformed audio {@link
 * io.custody.aac.AacFormatException}; a failing output raises {@link IOException} from the
 * feeding call, after which the recording is abandoned (its unfinished segment never gets a
 * final name from {@link FileSegmentOutput}) and the recorder is back to buffering.
 */
public final class Recorder implements Closeable {
  private enum Mode { UNSET, ANNEX_B, TIMED }

  private final ReentrantLock lock = new ReentrantLock();
  private final RecorderOptions options;
  private final PreEventBuffer buffer;
  // Decoder configurations by id, taken at keyframes (a segment starts with one); pruned to those
  // a buffered frame or the open segment may still need.
  private final Map<Integer, SegmentConfig> configs = new HashMap<>();
  private int configId = -1;
  private SegmentConfig currentConfig; // configs.get(configId), without boxing the id per access unit
  private long configGeneration = -1;
  // Stream-time events (exact triggers and stops), in time order, and the next one due.
  private final List<Scheduled> schedule = new ArrayList<>();
  private int nextScheduled;
  private RecorderState state = RecorderState.BUFFERING;
  private Mode mode = Mode.UNSET;

  // Raw Annex-B input.
  private AnnexBScanner scanner;
  private AccessUnitAssembler assembler;
  private VideoTimestamper timestamper;
  private VideoTiming timing;
  private IOException pendingFailure;
  private long lastTimedDts = Long.MIN_VALUE;

  // Audio.
  private AdtsReader adts;
  private AacConfig audioConfig;
  private long audioSamples;
  private boolean muted;

  private final Clock90k clock;
  private long markerCount;

  private byte[] scratch = new byte[256 * 1024];
  // The oldest buffered frame's bytes, copied by the segment writer straight into its fragment.
  private final FragmentedMp4Writer.SampleSource bufferHead = this::copyBufferHead;
  // Raw input: pictures muxed before the timestamper knew their composition offsets.
  private final VideoTimestamper.Output offsets = this::compositionOffsetKnown;
  private final LiveOffsets liveOffsets = new LiveOffsets();
  private Segmenter recording;
  private final Segmenter.Shared segments = new Segmenter.Shared();

  // Counters.
  private long videoFed;
  private long audioFed;
  private long videoWritten;
  // Lost when the output failed: pictures written but not sealed, and pictures on their way in.
  private long videoLostInWriter;
  private long videoLostPassing;
  private long videoBeforeKeyframe; // after a trigger with no keyframe held (the buffer counts the rest)
  private long videoUntriggeredAtClose;
  private long audioDropped;

  private Recorder(RecorderOptions options) throws IOException {
    this.options = options;
    this.clock = new Clock90k(options.clock(), options.streamStart());
    PreEventStorage storage = options.storage();
    PayloadStore store =
        storage.spillDirectory().isPresent()
            ? EncryptedSpillStore.create(storage.spillDirectory().get(), options.preEventMaxBytes() + (1 << 20))
            : new SlabPayloadStore(SlabPayloadStore.slabSizeFor(options.preEventMaxBytes()), storage.isDirect());
    this.buffer = new PreEventBuffer(store, options.preEventTicks(), options.preEventMaxBytes());
  }

  /** A builder that writes segments to {@code output}. */
  public static Builder builder(SegmentOutput output) {
    return new Builder(output);
  }

  // -------------------------------------------------------------------------------------------
  // Feeding

  /**
   * Feeds raw H.264 Annex-B bytes (any chunking). Access units are complete when the next one
   * starts, so the last one waits for more input or {@link #close}/{@link #stopRecording}.
   *
   * @throws io.custody.h264.H264FormatException on malformed input
   * @throws IOException if writing a segment fails
   */
  public void feedAnnexB(byte[] chunk, int offset, int length) throws IOException {
    lock.lock();
    try {
      checkOpen();
      useMode(Mode.ANNEX_B);
      if (scanner == null) {
        assembler = new AccessUnitAssembler(this::onAccessUnit);
        scanner = new AnnexBScanner(assembler);
      }
      scanner.feed(chunk, offset, length);
      rethrowPending();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Feeds one access unit with the encoder's timestamps (90 kHz; decode times must increase).
   * The access unit may be the assembler's transient view.
   *
   * @throws IOException if writing a segment fails
   */
  public void feedAccessUnit(AccessUnit au, long pts90k, long dts90k) throws IOException {
    lock.lock();
    try {
      checkOpen();
      useMode(Mode.TIMED);
      if (dts90k <= lastTimedDts) {
        throw new IllegalArgumentException("decode time " + dts90k + " not after " + lastTimedDts);
      }
      if (pts90k < dts90k) {
        throw new IllegalArgumentException("presentation time " + pts90k + " before decode time " + dts90k);
      }
      lastTimedDts = dts90k;
      stopsDue(dts90k);
      appendVideo(au, dts90k, true, Math.toIntExact(pts90k - dts90k));
      drain();
      triggersDue(dts90k);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Feeds AAC audio in ADTS form (any chunking). Frame times count samples from the start of the
   * video stream. Dropped (and counted) while muted.
   *
   * @throws io.custody.aac.AacFormatException on malformed input
   * @throws IOException if writing a segment fails
   */
  public void feedAdts(byte[] chunk, int offset, int length) throws IOException {
    lock.lock();
    try {
      checkOpen();
      if (adts == null) {
        adts = new AdtsReader(this::onAudioFrame);
      }
      adts.feed(chunk, offset, length);
      rethrowPending();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Feeds one raw AAC frame (no ADTS header) with the encoder's presentation time (90 kHz, on the
   * same timeline as {@link #feedAccessUnit}'s; increasing by one frame each call). Dropped (and
   * counted) while muted or when its configuration differs from the first frame's.
   *
   * @throws IOException if writing a segment fails
   */
  public void feedAudioFrame(byte[] frame, int offset, int length, AacConfig config, long pts90k)
      throws IOException {
    Objects.checkFromIndexSize(offset, length, frame.length);
    Objects.requireNonNull(config, "config");
    lock.lock();
    try {
      checkOpen();
      audioFed++;
      if (audioConfig == null) {
        audioConfig = config;
      }
      if (!config.equals(audioConfig) || muted
          || (state == RecorderState.BUFFERING && !options.audioInPreEvent())) {
        audioDropped++;
        return;
      }
      long samples = Clock90k.samplesNearest(pts90k, config.sampleRate());
      buffer.appendOther(PreEventBuffer.AUDIO, frame, offset, length, pts90k, samples);
      drain();
    } finally {
      lock.unlock();
    }
  }

  /** Records a GPS fix in the metadata track, at the stream time of its wall-clock time. */
  public void gps(GpsFix fix) throws IOException {
    metadata(TimedMetadata.gps(fix.time(), fix.latitude(), fix.longitude(), fix.altitudeMetres(),
        fix.accuracyMetres(), fix.speedMetresPerSecond(), fix.headingDegrees()), fix.time());
  }

  /** Records an event marker now; returns its id (unique within the recorder). */
  public String marker(String label) throws IOException {
    return marker(label, null);
  }

  /** Records an event marker at {@code time} (null: now); returns its id. */
  public String marker(String label, Instant time) throws IOException {
    lock.lock();
    try {
      checkOpen();
      String id = "m" + ++markerCount;
      if (time == null) {
        metadataAt(TimedMetadata.marker(clock.wallClockAt(nowTicks()), id, label), nowTicks());
      } else {
        metadata(TimedMetadata.marker(time, id, label), time);
      }
      return id;
    } finally {
      lock.unlock();
    }
  }

  /** Mutes the microphone (audio fed while muted is dropped) or unmutes it, and records it. */
  public void mute(boolean on) throws IOException {
    lock.lock();
    try {
      checkOpen();
      if (muted != on) {
        muted = on;
        metadataAt(TimedMetadata.mute(clock.wallClockAt(nowTicks()), on), nowTicks());
      }
    } finally {
      lock.unlock();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Recording

  /**
   * Starts a recording with the pre-event window, or, if one is running, marks the trigger in it
   * and returns it.
   *
   * @throws IOException if writing fails
   */
  public RecordingInfo startRecording(Trigger trigger) throws IOException {
    Objects.requireNonNull(trigger, "trigger");
    lock.lock();
    try {
      checkOpen();
      if (state == RecorderState.RECORDING) {
        marker("trigger: " + trigger.source().name().toLowerCase(Locale.ROOT)
            + (trigger.detail().isEmpty() ? "" : " (" + trigger.detail() + ")"));
        return recording.info();
      }
      long startDts = buffer.beginRecording();
      state = RecorderState.RECORDING;
      recording = new Segmenter(options, clock, segments, trigger, Optional.empty());
      long now = nowTicks();
      if (startDts != Long.MIN_VALUE) {
        recording.begin(startDts, now - startDts);
      }
      metadataAt(TimedMetadata.marker(clock.wallClockAt(now), "trigger",
          trigger.source().name().toLowerCase(Locale.ROOT) + (trigger.detail().isEmpty() ? "" : ": " + trigger.detail())),
          now);
      return recording.info() != null ? recording.info() : recording.pendingInfo();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a recording at a stream time, exactly: the trigger fires once the first video access
   * unit whose decode time is {@code streamTime} or later has been fed, as {@link #startRecording}
   * would then, so the pre-event window is measured back from that picture, however the input is
   * chunked. A trigger that finds a recording running marks it, as {@link #startRecording} does.
   * Events fire in time order (stops before triggers at the same picture); ones never reached
   * when the recorder closes do not fire.
   *
   * @param streamTime time since the first access unit fed (0 or more)
   */
  public void startRecordingAt(Duration streamTime, Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    scheduleAt(streamTime, trigger);
  }

  /**
   * Stops the running recording at a stream time, exactly: before the first video access unit
   * whose decode time is {@code streamTime} or later, which goes to the pre-event window instead.
   * A stop that finds no recording running does nothing.
   *
   * @param streamTime time since the first access unit fed (0 or more)
   */
  public void stopRecordingAt(Duration streamTime) {
    scheduleAt(streamTime, null);
  }

  private void scheduleAt(Duration streamTime, Trigger trigger) {
    if (streamTime.isNegative()) {
      throw new IllegalArgumentException("stream time must not be negative: " + streamTime);
    }
    lock.lock();
    try {
      checkOpen();
      Scheduled e = new Scheduled(Clock90k.ticks(streamTime), trigger);
      int at = schedule.size();
      while (at > nextScheduled && schedule.get(at - 1).time90k > e.time90k) {
        at--;
      }
      schedule.add(at, e);
    } finally {
      lock.unlock();
    }
  }

  /** A stream-time event: a trigger, or a stop when {@code trigger} is null. */
  private record Scheduled(long time90k, Trigger trigger) {}

  /** Fires the scheduled events due at a picture decoded at {@code dts}: stops before it is fed. */
  private void stopsDue(long dts) throws IOException {
    for (int i = nextScheduled; i < schedule.size() && schedule.get(i).time90k <= dts; i++) {
      Scheduled e = schedule.get(i);
      if (e.trigger == null && state == RecorderState.RECORDING) {
        finishRecording();
      }
    }
  }

  /** ... and triggers after it is fed. */
  private void triggersDue(long dts) throws IOException {
    while (nextScheduled < schedule.size() && schedule.get(nextScheduled).time90k <= dts) {
      Scheduled e = schedule.get(nextScheduled++);
      if (e.trigger != null) {
        startRecording(e.trigger);
      }
    }
    if (nextScheduled == schedule.size() && nextScheduled > 0) {
      schedule.clear(); // all fired: a shift of scheduled triggers holds no memory
      nextScheduled = 0;
    }
  }

  /**
   * Stops the running recording: writes out every complete access unit fed so far and closes its
   * last segment. (With Annex-B input the access unit still arriving is complete only when the
   * next one starts; it stays for buffering. At the end of the input, {@link #close} writes it.)
   *
   * @throws IllegalStateException if no recording is running
   * @throws IOException if writing fails
   */
  public void stopRecording() throws IOException {
    lock.lock();
    try {
      checkOpen();
      if (state != RecorderState.RECORDING) {
        throw new IllegalStateException("no recording is running (state " + state + ")");
      }
      finishRecording();
    } finally {
      lock.unlock();
    }
  }

  /** The current state. */
  public RecorderState state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /** The running recording, if any. */
  public Optional<RecordingInfo> currentRecording() {
    lock.lock();
    try {
      return state == RecorderState.RECORDING ? Optional.ofNullable(recording.info()) : Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the counters. */
  public RecorderStats stats() {
    lock.lock();
    try {
      Map<FrameEviction, Long> evicted = new EnumMap<>(FrameEviction.class);
      evicted.put(FrameEviction.PRE_EVENT_WINDOW,
          buffer.videoFramesGone(PreEventBuffer.OUT_OF_WINDOW) + videoUntriggeredAtClose);
      evicted.put(FrameEviction.PRE_EVENT_BYTES, buffer.videoFramesGone(PreEventBuffer.OVER_BYTES));
      evicted.put(FrameEviction.BEFORE_KEYFRAME,
          buffer.videoFramesGone(PreEventBuffer.BEFORE_KEYFRAME) + videoBeforeKeyframe);
      Map<FrameDrop, Long> dropped = new EnumMap<>(FrameDrop.class);
      dropped.put(FrameDrop.OUTPUT_FAILED,
          videoLostInWriter + videoLostPassing + buffer.videoFramesGone(PreEventBuffer.AT_RECORDING_END));
      long inWriter = videoWritten - segments.videoSealed - videoLostInWriter;
      long held = state == RecorderState.CLOSED ? 0 : buffer.videoFramesHeld();
      return new RecorderStats(videoFed, segments.videoSealed, held + inWriter, evicted, dropped,
          audioFed, audioDropped + buffer.discardedOtherFrames(),
          buffer.evictedGops(), buffer.payloadBytes(), buffer.allocatedBytes(), segments.segmentsWritten,
          segments.recordings, buffer.newestVideoTime90k() == Long.MIN_VALUE ? -1 : buffer.newestVideoTime90k());
    } finally {
      lock.unlock();
    }
  }

  /**
   * The frame rate raw Annex-B video is timed with, and where it came from; empty before the first
   * access unit, and for access units fed with the encoder's timestamps.
   */
  public Optional<VideoTiming> videoTiming() {
    lock.lock();
    try {
      return Optional.ofNullable(timing);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the input: the last Annex-B access unit is complete now; stops a running recording
   * (writing out everything fed), releases the buffer and closes the recorder. Idempotent.
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (state == RecorderState.CLOSED) {
        return;
      }
      Segmenter open = recording;
      try {
        if (scanner != null) {
          // End of input: the access unit in progress is complete now.
          scanner.finish();
          assembler.finish();
          rethrowPending();
        }
        if (state == RecorderState.RECORDING) {
          finishRecording();
        }
      } catch (IOException | RuntimeException e) {
        if (open != null) {
          open.abort(e);
        }
        throw e;
      } finally {
        videoUntriggeredAtClose = buffer.videoFramesHeld();
        state = RecorderState.CLOSED;
        buffer.close();
      }
    } finally {
      lock.unlock();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private void checkOpen() {
    if (state == RecorderState.CLOSED) {
      throw new IllegalStateException("the recorder is closed");
    }
  }

  private void useMode(Mode m) {
    if (mode == Mode.UNSET) {
      mode = m;
    } else if (mode != m) {
      throw new IllegalStateException("this recorder is fed " + (mode == Mode.ANNEX_B
          ? "raw Annex-B bytes" : "timed access units") + "; do not mix the two");
    }
  }

  private void rethrowPending() throws IOException {
    if (pendingFailure != null) {
      IOException e = pendingFailure;
      pendingFailure = null;
      throw e;
    }
  }

  /** Assembler callback (raw Annex-B input): derive times, buffer, mux what is ready. */
  private void onAccessUnit(AccessUnit au) {
    if (pendingFailure != null) {
      return;
    }
    try {
      if (timestamper == null) {
        SequenceParameterSet sps = au.sps();
        timing = sps.timingInfoPresent() && sps.frameRateNumerator() > 0 && sps.frameRateDenominator() > 0
            ? new VideoTiming(sps.frameRateNumerator(), sps.frameRateDenominator(), VideoTiming.Source.STREAM)
            : new VideoTiming(options.frameRateNum(), options.frameRateDen(),
                options.frameRateSet() ? VideoTiming.Source.SETTING : VideoTiming.Source.DEFAULT);
        timestamper = new VideoTimestamper(timing.numerator(), timing.denominator());
      }
      long dts = timestamper.nextDecodeTime();
      stopsDue(dts);
      boolean periodStart = au.isIdr() || au.hasMemoryManagementReset();
      if (periodStart) {
        timestamper.flush(offsets); // as next() would: every offset is settled before the cut
      }
      long seq = appendVideo(au, dts, false, 0);
      // a picture with memory management operation 5 opens its period with POC 0 (§8.2.1)
      int poc = au.hasMemoryManagementReset() ? 0 : au.picOrderCnt();
      timestamper.next(seq, periodStart, poc, au.sps().maxNumReorderFrames(), offsets);
      drain();
      triggersDue(dts);
    } catch (IOException e) {
      pendingFailure = e;
    }
  }

  private void onAudioFrame(AdtsFrame frame) {
    if (pendingFailure != null) {
      return;
    }
    try {
      audioFed++;
      if (audioConfig == null) {
        audioConfig = frame.config();
      }
      long samples = audioSamples;
      audioSamples += AacConfig.SAMPLES_PER_FRAME;
      if (!frame.config().equals(audioConfig) || muted
          || (state == RecorderState.BUFFERING && !options.audioInPreEvent())) {
        audioDropped++;
        return;
      }
      long time90k = Clock90k.ticksOfSamples(samples, audioConfig.sampleRate()) + delayTicks();
      buffer.appendOther(PreEventBuffer.AUDIO, frame.array(), frame.offset(), frame.length(),
          time90k, samples);
      drain();
    } catch (IOException e) {
      pendingFailure = e;
    }
  }

  private void metadata(byte[] json, Instant time) throws IOException {
    lock.lock();
    try {
      checkOpen();
      metadataAt(json, clock.ticksAt(time));
    } finally {
      lock.unlock();
    }
  }

  private void metadataAt(byte[] json, long time90k) throws IOException {
    long presented = time90k + delayTicks();
    buffer.appendOther(PreEventBuffer.METADATA, json, 0, json.length, presented, presented);
    drain();
  }

  /** Stream time of the newest video frame, and its wall-clock time: "now" on the stream. */
  private long nowTicks() {
    long t = buffer.newestVideoTime90k();
    return t == Long.MIN_VALUE ? 0 : t;
  }

  /**
   * How far presentation lags capture on the media timeline (the reorder delay of raw input):
   * audio and metadata, which have no reordering, are shifted by it to stay in sync.
   */
  private long delayTicks() {
    return timestamper != null ? timestamper.ticks(Math.max(0, timestamper.delayFrames())) : 0;
  }

  /**
   * Takes an access unit without its SPS, PPS and delimiters; returns its sequence or -1. The
   * units kept are usually one run of the access unit's buffer (the dropped ones lead), taken
   * straight from it; otherwise they are gathered first. While recording with nothing queued, a
   * picture that can be muxed at once goes straight to the segment writer; otherwise it is
   * buffered.
   *
   * @param ctoKnown whether {@code cto} is the picture's composition offset (timed input) or it is
   *     yet to come from the timestamper
   */
  private long appendVideo(AccessUnit au, long dts90k, boolean ctoKnown, int cto) throws IOException {
    videoFed++;
    clock.start(); // the first frame fed fixes stream time 0, unless the builder did
    int config = configIdOf(au);
    int len = 0;
    int runStart = 0;
    int runEnd = -1;
    boolean oneRun = true;
    int n = au.nalUnitCount();
    for (int i = 0; i < n; i++) {
      if (keepsNal(au.nalUnitType(i))) {
        int from = au.nalUnitOffset(i) - 4;
        if (runEnd < 0) {
          runStart = from;
        } else if (from != runEnd) {
          oneRun = false;
        }
        runEnd = au.nalUnitOffset(i) + au.nalUnitLength(i);
        len += 4 + au.nalUnitLength(i);
      }
    }
    byte[] src = au.data();
    if (!oneRun) {
      src = scratch(len);
      runStart = 0;
      int at = 0;
      for (int i = 0; i < n; i++) {
        if (keepsNal(au.nalUnitType(i))) {
          int unit = 4 + au.nalUnitLength(i);
          System.arraycopy(au.data(), au.nalUnitOffset(i) - 4, src, at, unit);
          at += unit;
        }
      }
    }
    boolean key = au.isKeyframe();
    if (state == RecorderState.RECORDING && buffer.size() == 0 && recording.hasWriter()
        && liveOffsets.canMux(recording, len, dts90k, key, ctoKnown)) {
      long seq = buffer.passVideo(dts90k);
      long written = videoWritten;
      try {
        muxVideo(seq, src, runStart, len, dts90k, key, config, ctoKnown, cto);
      } catch (IOException | RuntimeException e) {
        abandonRecording(recording, e, videoWritten == written ? 1 : 0); // it is in no buffer
        throw e;
      }
      return seq;
    }
    long seq = buffer.appendVideo(src, runStart, len, dts90k, key, config);
    if (ctoKnown) {
      buffer.setCompositionOffset(seq, cto);
    }
    return seq;
  }

  /** Timestamper callback: a picture's composition offset, for the writer or the buffer. */
  private void compositionOffsetKnown(long seq, int cto) {
    if (recording == null || !liveOffsets.settle(seq, cto, recording)) {
      buffer.setCompositionOffset(seq, cto);
    }
  }

  /**
   * Every NAL unit the encoder sent for a picture goes into its sample, parameter sets included
   * (the sample entry is {@code avc3}), so a stream that redefines or switches parameter sets
   * between pictures decodes exactly; only access unit delimiters are left out.
   */
  private static boolean keepsNal(int type) {
    return type != NalUnitType.AUD;
  }

  /**
   * The id of the decoder configuration a segment starting at this picture would use: taken anew
   * at a keyframe when the stream's parameter sets changed since the last one. Other pictures get
   * the current id; their own parameter sets travel in their samples.
   */
  private int configIdOf(AccessUnit au) {
    SegmentConfig last = currentConfig;
    if (au.isKeyframe() && (last == null || au.parameterSetGeneration() != configGeneration
        || last.activeSps() != au.sps())) {
      SegmentConfig c = new SegmentConfig(au.decoderConfiguration(), au.sps());
      if (last == null || last.activeSps() != c.activeSps()
          || !Arrays.equals(last.record().toByteArray(), c.record().toByteArray())) {
        configs.put(++configId, c);
        currentConfig = c;
        pruneConfigs();
      }
      configGeneration = au.parameterSetGeneration();
    }
    return configId;
  }

  /** Forgets configurations older than every buffered frame's and the open segment's. */
  private void pruneConfigs() {
    int keep = configId;
    for (int i = 0; i < buffer.size(); i++) {
      if (buffer.kind(i) == PreEventBuffer.VIDEO) {
        keep = Math.min(keep, buffer.configId(i));
        break; // frames are in decode order, so the oldest video frame has the oldest id
      }
    }
    if (recording != null && recording.configId() >= 0) {
      keep = Math.min(keep, recording.configId());
    }
    int oldest = keep;
    configs.keySet().removeIf(id -> id < oldest);
  }

  /**
   * Muxes the frames at the head of the buffer while recording: audio and metadata at once,
   * video as {@link LiveOffsets#canMux} allows.
   */
  private void drain() throws IOException {
    if (state != RecorderState.RECORDING) {
      return;
    }
    try {
      while (buffer.size() > 0) {
        boolean ready = buffer.isReady(0);
        if (buffer.kind(0) == PreEventBuffer.VIDEO
            ? !liveOffsets.canMux(recording, buffer.length(0), buffer.time90k(0), buffer.isKeyframe(0), ready)
            : !ready) {
          break;
        }
        muxHead();
        buffer.removeFirst();
      }
    } catch (IOException | RuntimeException e) {
      abandonRecording(e);
      throw e;
    }
  }

  /** The scratch array, grown to hold at least {@code len} bytes. */
  private byte[] scratch(int len) {
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    return scratch;
  }

  private void copyBufferHead(byte[] dst, int off) throws IOException {
    buffer.read(0, dst, off);
  }

  private void muxHead() throws IOException {
    byte kind = buffer.kind(0);
    int len = buffer.length(0);
    Segmenter r = recording;
    if (kind == PreEventBuffer.VIDEO) {
      muxVideo(buffer.seq(0), null, 0, len, buffer.time90k(0), buffer.isKeyframe(0),
          buffer.configId(0), buffer.isReady(0), buffer.compositionOffset(0));
    } else if (r.hasWriter()) {
      long time90k = buffer.time90k(0);
      if (r.precedes(time90k)) {
        return; // captured before the recording's first picture
      }
      byte[] bytes = scratch(len);
      buffer.read(0, bytes, 0);
      if (kind == PreEventBuffer.AUDIO) {
        if (!r.addAudio(bytes, len, buffer.nativeTime(0))) {
          audioDropped++; // audio began after the segment opened: it joins at the next segment
        }
      } else {
        r.addMetadata(bytes, len, time90k);
      }
    }
  }

  /**
   * Muxes a picture: {@code len} bytes of {@code src} from {@code off}, or the buffer's oldest
   * frame when {@code src} is null. Starts the recording at its first keyframe, rolls segments
   * over and continues recordings at keyframes. Without its composition offset ({@code
   * !ctoKnown}) the picture is added with a provisional one that the timestamper settles later.
   */
  private void muxVideo(long seq, byte[] src, int off, int len, long dts, boolean key, int config,
      boolean ctoKnown, int cto) throws IOException {
    Segmenter r = recording;
    if (r.info() == null) {
      if (!key) {
        videoBeforeKeyframe++; // triggered with no keyframe held: the recording starts at the next
        return;
      }
      r.begin(dts, 0);
    }
    if (key) {
      if (r.reachedMaxLength(dts)) {
        continueRecording(dts);
        r = recording;
      }
      SegmentConfig c = configs.get(config);
      if (r.cutsAt(dts, c)) {
        r.rollOver(dts, config, c, audioConfig, delayTicks());
      }
    }
    long sample = src == null ? r.addVideo(bufferHead, len, dts, cto, key) : r.addVideo(src, off, len, dts, cto, key);
    if (!ctoKnown) {
      liveOffsets.defer(seq, sample);
    }
    videoWritten++;
  }

  /** Flushes the reorder window and the last access unit, writes everything, closes the segment. */
  private void finishRecording() throws IOException {
    Segmenter r = recording;
    try {
      if (timestamper != null) {
        timestamper.flush(offsets);
      }
      drain();
      r.finish(timestamper != null ? timestamper.ticks(1) : Clock90k.HZ / 30);
    } catch (IOException | RuntimeException e) {
      abandonRecording(r, e, 0);
      throw e;
    }
    recording = null;
    liveOffsets.clear();
    state = RecorderState.BUFFERING;
    buffer.endRecording();
    if (r.info() != null) {
      options.listener().recordingStopped(r.info());
    }
  }

  /**
   * The write path failed: the open segment stays unfinished (for recovery) and is released, and
   * the pictures that went down with it, or were still waiting for it, are counted and reported
   * as lost.
   */
  private void abandonRecording(Exception cause) {
    abandonRecording(recording, cause, 0);
  }

  /** @param passing pictures lost on their way to the writer, held nowhere else */
  private void abandonRecording(Segmenter r, Exception cause, int passing) {
    if (r != null) {
      r.abort(cause);
    }
    liveOffsets.clear(); // their pictures went down with the segment
    recording = null;
    state = RecorderState.BUFFERING;
    long heldBefore = buffer.videoFramesGone(PreEventBuffer.AT_RECORDING_END);
    buffer.endRecording();
    long inWriter = videoWritten - segments.videoSealed - videoLostInWriter;
    long lost = inWriter + passing + buffer.videoFramesGone(PreEventBuffer.AT_RECORDING_END) - heldBefore;
    videoLostInWriter += inWriter;
    videoLostPassing += passing;
    if (lost > 0 && r != null && r.info() != null) {
      FrameLoss loss = new FrameLoss(r.info().id(), Math.max(0, r.segmentIndex()), FrameDrop.OUTPUT_FAILED,
          lost, Clock90k.duration(nowTicks()));
      segments.lossesToRecord.add(loss);
      try {
        options.listener().framesDropped(loss);
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
  }

  /** The maximum length was reached at this keyframe: end the recording and continue it. */
  private void continueRecording(long dts) throws IOException {
    Segmenter old = recording;
    old.closeSegment(dts, true);
    options.listener().recordingStopped(old.info());
    recording = new Segmenter(options, clock, segments,
        new Trigger(Trigger.Source.CONTINUATION, "after " + old.info().id()), Optional.of(old.info().id()));
    recording.begin(dts, 0);
  }

  /**
   * Settings for a {@link Recorder}. Defaults suit an Axon-class camera. Each setting is checked
   * as it is set: an out-of-range value raises {@link InvalidSettingException} naming it. {@link
   * #build()} copies the settings, so changing the builder afterwards changes no recorder built
   * from it. Not thread-safe.
   */
  public static final class Builder {
    private final SegmentOutput output;
    private long preEventTicks = 30 * Clock90k.HZ;
    private long preEventMaxBytes = 64L << 20;
    private boolean audioInPreEvent = true;
    private PreEventStorage storage = PreEventStorage.heap();
    private long segmentTicks = 60 * Clock90k.HZ;
    private long segmentMaxBytes = Long.MAX_VALUE;
    private long maxRecordingTicks = 4 * 3600 * Clock90k.HZ;
    private Duration fragmentDuration = Duration.ZERO;
    private long frameRateNum = 30;
    private long frameRateDen = 1;
    private boolean frameRateSet;
    private Clock clock = Clock.systemUTC();
    private Instant streamStart;
    private String deviceId = "";
    private String operatorId = "";
    private RecorderListener listener = new RecorderListener() {};

    private Builder(SegmentOutput output) {
      this.output = Objects.requireNonNull(output, "output");
    }

    /** The pre-event window, 0 to 120 s (default 30 s). */
    public Builder preEvent(Duration window) {
      Objects.requireNonNull(window, "preEvent");
      if (window.isNegative() || window.compareTo(Duration.ofMinutes(2)) > 0) {
        throw new InvalidSettingException("preEvent", "the pre-event window must be 0 to 120 s: " + window);
      }
      this.preEventTicks = Clock90k.ticks(window);
      return this;
    }

    /** The pre-event buffer's byte bound, at least 64 KiB (default 64 MiB, 60 s at 8 Mbit/s). */
    public Builder preEventMaxBytes(long maxBytes) {
      if (maxBytes < 64 * 1024) {
        throw new InvalidSettingException("preEventMaxBytes", "the pre-event byte bound is too small: " + maxBytes);
      }
      this.preEventMaxBytes = maxBytes;
      return this;
    }

    /** Whether audio is kept in the pre-event buffer (default true; some forces record none). */
    public Builder audioInPreEvent(boolean keep) {
      this.audioInPreEvent = keep;
      return this;
    }

    /** Where the pre-event buffer keeps bytes (default: the heap). */
    public Builder preEventStorage(PreEventStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** Target segment length; segments are cut at the first keyframe after it (default 60 s). */
    public Builder segmentDuration(Duration target) {
      this.segmentTicks = positiveTicks("segmentDuration", target);
      return this;
    }

    /** Segments are also cut at the first keyframe after this many bytes (default: no limit). */
    public Builder segmentMaxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new InvalidSettingException("segmentMaxBytes", "the segment byte bound must be positive: " + maxBytes);
      }
      this.segmentMaxBytes = maxBytes;
      return this;
    }

    /** A recording ends at the first keyframe after this and a linked one continues (default 4 h). */
    public Builder maxRecordingDuration(Duration max) {
      this.maxRecordingTicks = positiveTicks("maxRecordingDuration", max);
      return this;
    }

    /**
     * Cut fragments at the first keyframe after this duration instead of at every keyframe
     * (default zero: at every keyframe). Not negative.
     */
    public Builder fragmentDuration(Duration target) {
      Objects.requireNonNull(target, "fragmentDuration");
      if (target.isNegative()) {
        throw new InvalidSettingException("fragmentDuration", "the fragment duration must not be negative: " + target);
      }
      this.fragmentDuration = target;
      return this;
    }

    /**
     * Frame rate for raw Annex-B streams without VUI timing (default 30/1, which {@link
     * Recorder#videoTiming()} then reports as {@link VideoTiming.Source#DEFAULT assumed}); a stream
     * with VUI timing keeps its own. Both terms positive.
     */
    public Builder frameRate(long numerator, long denominator) {
      if (numerator <= 0 || denominator <= 0) {
        throw new InvalidSettingException("frameRate", "the frame rate must be positive: " + numerator + "/" + denominator);
      }
      this.frameRateNum = numerator;
      this.frameRateDen = denominator;
      this.frameRateSet = true;
      return this;
    }

    /** The clock for wall-clock times (default: the system's UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** When stream time 0 (the first frame fed) was captured (default: when it is fed). */
    public Builder streamStart(Instant start) {
      this.streamStart = Objects.requireNonNull(start, "start");
      return this;
    }

    /** The camera's id, carried into every segment descriptor. */
    public Builder deviceId(String id) {
      this.deviceId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The officer's id, carried into every segment descriptor. */
    public Builder operatorId(String id) {
      this.operatorId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Who hears about recordings and segments. */
    public Builder listener(RecorderListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the recorder, in {@link RecorderState#BUFFERING}, with a copy of the settings.
     *
     * @throws IOException if the spill file cannot be created
     */
    public Recorder build() throws IOException {
      return new Recorder(new RecorderOptions(output, preEventTicks, preEventMaxBytes, audioInPreEvent, storage,
          segmentTicks, segmentMaxBytes, maxRecordingTicks, fragmentDuration, frameRateNum, frameRateDen,
          frameRateSet, clock, streamStart, deviceId, operatorId, listener));
    }

    /** A positive duration in 90 kHz ticks, or {@link InvalidSettingException} naming the setting. */
    private static long positiveTicks(String setting, Duration d) {
      Objects.requireNonNull(d, setting);
      if (d.isNegative() || d.isZero()) {
        throw new InvalidSettingException(setting, "must be positive: " + d);
      }
      return Clock90k.ticks(d);
    }
  }
}
