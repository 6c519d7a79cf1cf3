package io.custody.recorder;

import io.custody.aac.AacConfig;
import io.custody.mp4.AudioTrackConfig;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.FrameLoss;
import io.custody.mp4.MetadataTrackConfig;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.TrackKind;
import io.custody.mp4.TrackSpan;
import io.custody.mp4.Trigger;
import io.custody.mp4.VideoTrackConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Cuts one recording into segments: it starts the recording at its first keyframe, opens each
 * segment's writer and sink, says where segments are cut (at a keyframe, once the segment's
 * duration or byte bound is reached, or when the keyframe's SPS differs) and when the recording
 * reaches its maximum length, and muxes the pictures, audio and metadata the recorder hands it,
 * on media times measured from the recording's first picture. A new segment is opened before the
 * old one ends, so a crash at any moment leaves the recording's tail recoverable. Not thread-safe
 * (the recorder's lock guards it).
 */
final class Segmenter {
  /** What outlives one recording: counts, the losses the next segment records, a writer's buffer. */
  static final class Shared {
    /** Video pictures in fragments the segment output accepted. */
    long videoSealed;
    long segmentsWritten;
    long recordings;
    /** Losses not yet recorded in a segment: the next segment opened records them in its header. */
    final List<FrameLoss> lossesToRecord = new ArrayList<>();
    /** The last segment writer that finished cleanly: the next segment takes over its buffer. */
    FragmentedMp4Writer finishedWriter;
  }

  private final RecorderOptions options;
  private final Clock90k clock;
  private final Shared shared;
  private final Trigger trigger;
  private final Optional<String> previous;
  private final String id = UUID.randomUUID().toString();
  private RecordingInfo info;
  private long startDts;
  // Presentation time of the first picture: audio and metadata before it are not written.
  private long startPts = Long.MAX_VALUE;
  private long audioOffsetSamples;
  private boolean audio;
  private FragmentedMp4Writer writer;
  private SegmentDescriptor segment;
  private CapturingSink sink;
  private int segmentIndex = -1;
  private int configId = -1;
  private SegmentConfig config;
  private long segmentStartDts;
  private long segmentVideoFrames;
  private long lastDts = Long.MIN_VALUE;
  private long prevDts = Long.MIN_VALUE;

  /** A recording started by {@code trigger}, continuing {@code previous} if present; it begins at {@link #begin}. */
  Segmenter(RecorderOptions options, Clock90k clock, Shared shared, Trigger trigger, Optional<String> previous) {
    this.options = options;
    this.clock = clock;
    this.shared = shared;
    this.trigger = trigger;
    this.previous = previous;
  }

  /** The recording, once it has begun; null before. */
  RecordingInfo info() {
    return info;
  }

  /** The recording as it will be, before it has begun (no keyframe held yet). */
  RecordingInfo pendingInfo() {
    return new RecordingInfo(id, trigger, previous, clock.now(), 0);
  }

  /** The recording begins with the picture decoded at {@code dts}, {@code preEventTicks} before the trigger. */
  void begin(long dts, long preEventTicks) {
    startDts = dts;
    info = new RecordingInfo(id, trigger, previous, clock.wallClockAt(dts),
        Clock90k.millis(Math.max(0, preEventTicks)));
    shared.recordings++;
    options.listener().recordingStarted(info);
  }

  /** Whether a segment is open. */
  boolean hasWriter() {
    return writer != null;
  }

  /** The index of the open (or last) segment, -1 before the first. */
  int segmentIndex() {
    return segmentIndex;
  }

  /** The configuration id the open (or last) segment started with, -1 before the first. */
  int configId() {
    return configId;
  }

  /** Whether a keyframe at {@code dts} reaches the recording's maximum length (a segment being open). */
  boolean reachedMaxLength(long dts) {
    return writer != null && dts - startDts >= options.maxRecordingTicks();
  }

  /** Whether a keyframe at {@code dts} with {@code c} starts a new segment. */
  boolean cutsAt(long dts, SegmentConfig c) {
    return writer == null || !c.activeSps().sameBytes(config.activeSps())
        || dts - segmentStartDts >= options.segmentTicks()
        || writer.bytesWritten() >= options.segmentMaxBytes();
  }

  /** Whether a non-sync picture of {@code len} bytes at {@code dts} would first write the pending fragment. */
  boolean cutsFragmentBefore(int len, long dts) {
    return writer.cutsBefore(len, dts - startDts, false);
  }

  /** Sets the composition offset of the open segment's video sample {@code sample}. */
  void setCompositionOffset(long sample, int cto) {
    writer.setCompositionOffset(sample, cto);
  }

  /** Whether something presented at {@code time90k} precedes the recording's first picture (so is not written). */
  boolean precedes(long time90k) {
    return time90k < startPts;
  }

  /**
   * Muxes a picture ({@code len} bytes of {@code src} from {@code off}) decoded at {@code dts} into
   * the open segment; returns its video sample number there.
   */
  long addVideo(byte[] src, int off, int len, long dts, int cto, boolean key) throws IOException {
    long sample = beforeVideo(dts, cto);
    writer.addVideo(src, off, len, dts - startDts, cto, key);
    afterVideo(dts);
    return sample;
  }

  /** As {@link #addVideo(byte[], int, int, long, int, boolean)}, the bytes copied from {@code src}. */
  long addVideo(FragmentedMp4Writer.SampleSource src, int len, long dts, int cto, boolean key) throws IOException {
    long sample = beforeVideo(dts, cto);
    writer.addVideo(src, len, dts - startDts, cto, key);
    afterVideo(dts);
    return sample;
  }

  private long beforeVideo(long dts, int cto) {
    if (segmentIndex == 0 && segmentVideoFrames == 0) {
      startPts = dts + cto;
    }
    return writer.videoSamplesAdded();
  }

  private void afterVideo(long dts) {
    prevDts = lastDts;
    lastDts = dts;
    segmentVideoFrames++;
  }

  /**
   * Muxes an audio frame, {@code samples} counted from the start of the video; returns false if it
   * cannot go into the open segment (audio began after the segment opened: it joins at the next).
   */
  boolean addAudio(byte[] frame, int len, long samples) throws IOException {
    long t = samples - audioOffsetSamples;
    if (!audio || t < 0) {
      return false;
    }
    writer.addAudio(frame, 0, len, t);
    return true;
  }

  /** Muxes a metadata sample presented at {@code time90k}. */
  void addMetadata(byte[] json, int len, long time90k) {
    writer.addMetadata(json, 0, len, Clock90k.millis(time90k - startDts));
  }

  /**
   * Starts the next segment at {@code dts} with configuration {@code configId}: the new one is
   * opened before the old one ends, so a crash at any moment leaves the recording's tail
   * recoverable (an unfinished segment is always there to be closed by recovery).
   *
   * @param audioConfig the audio track's configuration, or null for none yet
   * @param delayTicks how far presentation lags capture (the reorder delay), which audio is shifted by
   */
  void rollOver(long dts, int configId, SegmentConfig c, AacConfig audioConfig, long delayTicks)
      throws IOException {
    FragmentedMp4Writer oldWriter = writer;
    CapturingSink oldSink = sink;
    SegmentDescriptor oldSegment = segment;
    long oldFrames = segmentVideoFrames;
    openSegment(dts, configId, c, audioConfig, delayTicks);
    if (oldWriter != null) {
      try {
        oldWriter.finish(dts - startDts);
      } catch (IOException | RuntimeException e) {
        abort(oldSink, e);
        throw e;
      }
      writer.continueNumberingAfter(oldWriter); // one fragment numbering over the recording
      shared.finishedWriter = oldWriter;
      shared.segmentsWritten++;
      options.listener().segmentClosed(new SegmentSummary(oldSegment, oldSink.info, oldFrames, false));
    }
  }

  private void openSegment(long dts, int configId, SegmentConfig c, AacConfig audioConfig, long delayTicks)
      throws IOException {
    segmentIndex++;
    this.configId = configId;
    config = c;
    segmentStartDts = dts;
    segmentVideoFrames = 0;
    segment = new SegmentDescriptor(info, segmentIndex, clock.wallClockAt(dts), options.deviceId(),
        options.operatorId(), shared.lossesToRecord);
    FragmentedMp4Writer.Builder wb =
        FragmentedMp4Writer.builder(VideoTrackConfig.builder(c.record()).pictureSize(c.activeSps())
                .inBandParameterSets(true).build())
            .metadata(MetadataTrackConfig.builder().build())
            .wallClockStart(clock.wallClockAt(startDts));
    audio = audioConfig != null;
    if (audio) {
      wb.audio(AudioTrackConfig.builder(audioConfig).build());
      audioOffsetSamples = Clock90k.samplesIn(startDts - delayTicks, audioConfig.sampleRate());
    }
    wb.targetFragmentDuration(options.fragmentDuration());
    if (shared.finishedWriter != null) {
      wb.reuseBufferOf(shared.finishedWriter); // no new fragment buffer per segment
      shared.finishedWriter = null;
    }
    sink = new CapturingSink(options.output().open(segment));
    shared.lossesToRecord.clear(); // the segment's header records them
    writer = wb.open(sink);
  }

  /**
   * Closes the open segment (if any) at the end of the recording: its last picture lasts as long
   * as the one before it, or {@code defaultFrameTicks} when there is none.
   */
  void finish(long defaultFrameTicks) throws IOException {
    if (writer != null) {
      long frame = lastDts > prevDts && prevDts != Long.MIN_VALUE ? lastDts - prevDts : defaultFrameTicks;
      closeSegment(lastDts + frame, true);
    }
  }

  /** Closes the open segment (if any), its video ending at {@code endDts}. */
  void closeSegment(long endDts, boolean last) throws IOException {
    if (writer == null) {
      return;
    }
    writer.finish(endDts - startDts, last);
    shared.finishedWriter = writer;
    shared.segmentsWritten++;
    options.listener().segmentClosed(new SegmentSummary(segment, sink.info, segmentVideoFrames, last));
    writer = null;
  }

  /** After a failure: releases the open segment's sink (the segment stays unfinished, for recovery). */
  void abort(Exception cause) {
    if (writer != null) {
      abort(sink, cause);
      writer = null;
    }
  }

  private static void abort(FragmentSink s, Exception cause) {
    try {
      s.abort();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Passes everything on, counts the pictures of each fragment the output accepted as sealed, and
   * keeps the segment's final info for the listener.
   */
  private final class CapturingSink implements FragmentSink {
    private final FragmentSink delegate;
    SegmentInfo info;

    CapturingSink(FragmentSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void init(ByteBuffer ftypMoov) throws IOException {
      delegate.init(ftypMoov);
    }

    @Override
    public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
      delegate.fragment(prftMoofMdat, info);
      TrackSpan video = info.track(TrackKind.VIDEO);
      if (video != null) {
        shared.videoSealed += video.sampleCount();
      }
    }

    @Override
    public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
      this.info = info;
      delegate.end(info, lastInRecording);
    }

    @Override
    public void abort() throws IOException {
      delegate.abort();
    }
  }
}
