package io.custody.mp4;

import io.custody.aac.AacConfig;
import io.custody.aac.AdtsFrame;
import io.custody.aac.AdtsReader;
import io.custody.h264.AccessUnit;
import io.custody.h264.NalUnitType;
import io.custody.h264.PictureParameterSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes one independently playable fragmented MP4 segment (ISO/IEC 14496-12, {@code iso6}) of
 * H.264 video, optional AAC audio and optional JSON timed metadata, fragment by fragment, to a
 * {@link FragmentSink}.
 *
 * <p>Layout: {@code ftyp} and {@code moov} (one {@code trak} per track with empty sample tables,
 * {@code mvex}/{@code trex}) go to the sink when the writer opens. Then every fragment is {@code
 * prft} (wall-clock time of the fragment's first video sample), {@code moof} ({@code mfhd}
 * sequence number from 1, or on from the previous segment's, see {@link #continueNumberingAfter}; one {@code traf} per track with samples: {@code tfhd} with
 * default-base-is-moof, {@code tfdt} version 1, one {@code trun} whose data offset points into
 * the {@code mdat}) and one {@code mdat} holding the video samples, then the audio samples, then
 * the metadata samples. Video {@code trun}s are version 1: per-sample duration, size, flags and
 * signed composition offset.
 *
 * <p>Timing: every sample carries its decode time in its track's timescale; decode times must
 * strictly increase per track (metadata excepted, see below) and be non-negative. A sample's
 * duration is the next sample's decode time minus its own, so a sample is complete only when its
 * successor arrives; the last video sample ends at the time given to {@link #finish(long)}.
 * Composition offsets are the caller's: presentation time = decode time + offset; they may be
 * negative (trun version 1), but players that ignore edit lists show non-negative presentation
 * times best, so callers usually shift decode times by the reorder delay (see the tests).
 *
 * <p>Fragmenting: a fragment ends when a sync video sample arrives and the fragment has reached
 * the {@linkplain Builder#targetFragmentDuration target duration} (default zero: one fragment per
 * GOP), or when the next video sample would push it past {@linkplain Builder#maxFragmentBytes
 * the size limit} (then the next fragment starts with a non-sync sample). At a cut at video
 * decode time {@code T}, the complete audio samples that start before {@code T} and the metadata
 * samples that start before {@code T} go into the fragment; later ones wait for the next. Audio
 * that arrives late (decode time before an earlier cut) simply goes into the next fragment: each
 * {@code traf} has its own {@code tfdt}, and tracks need not be cut at the same instant.
 *
 * <p>Metadata samples are sparse: one that has no successor yet when its fragment is cut lasts
 * until the cut. A metadata sample whose decode time is not after the previous one's end is
 * moved to that end (its JSON keeps the exact wall-clock time) and counted in {@link
 * #metadataSamplesMoved()}, so late events are never lost.
 *
 * <p>Memory: at most one fragment is held. Video samples are copied once, into the fragment
 * buffer right behind room reserved for the header, so the finished fragment is handed to the
 * sink in place; audio and metadata bytes wait in one small buffer per track and are copied in
 * when the fragment is cut. Buffers and the per-sample tables (decode times, sizes, flags,
 * composition offsets, in growable primitive arrays) are reused: nothing is allocated per sample
 * in steady state. Audio that keeps arriving while video stalls is held until the next cut.
 *
 * <p>Errors: invalid arguments (non-monotonic decode times, a first video sample that is not
 * sync, parameter sets other than the track's) throw {@link IllegalArgumentException} and leave
 * the writer usable; calls after {@link #finish} throw {@link IllegalStateException}; an {@link
 * IOException} (or any exception) from the sink fails the writer, after which every call throws
 * {@link IllegalStateException}.
 *
 * <p>Not thread-safe: one thread feeds a writer.
 */
public final class FragmentedMp4Writer {
  /** sample_depends_on = 2 (depends on no other sample), sample_is_non_sync_sample = 0. */
  static final int SYNC_SAMPLE_FLAGS = 0x0200_0000;
  /** sample_depends_on = 1 (depends on others), sample_is_non_sync_sample = 1. */
  static final int NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;

  static final int TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT = 0x00_0020;
  static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
  static final int TRUN_DATA_OFFSET_PRESENT = 0x00_0001;
  static final int TRUN_SAMPLE_DURATION_PRESENT = 0x00_0100;
  static final int TRUN_SAMPLE_SIZE_PRESENT = 0x00_0200;
  static final int TRUN_SAMPLE_FLAGS_PRESENT = 0x00_0400;
  static final int TRUN_SAMPLE_CTS_PRESENT = 0x00_0800;

  /** Seconds from the MP4 epoch (1904-01-01 UTC) to the Unix epoch. */
  static final long MP4_EPOCH_TO_UNIX_SECONDS = 2_082_844_800L;
  /** Seconds from the NTP epoch (1900-01-01 UTC) to the Unix epoch. */
  static final long NTP_EPOCH_TO_UNIX_SECONDS = 2_208_988_800L;

  /** Timescale of {@code mvhd}: durations there are 0 (unknown when fragmenting) anyway. */
  static final int MOVIE_TIMESCALE = 1000;

  /** Default size limit of one fragment: 64 MiB, about two minutes of 4.5 Mbit/s video. */
  public static final int DEFAULT_MAX_FRAGMENT_BYTES = 64 << 20;

  /**
   * Initial room before the video bytes for prft + moof + mdat header. A 60-frame GOP's video
   * trun takes about 1 KB; the room grows (one move of the video bytes) if a fragment needs more.
   */
  private static final int INITIAL_HEADER_ROOM = 8 * 1024;

  private static final int MDAT_HEADER_BYTES = 8;

  private final VideoTrackConfig videoConfig;
  private final AudioTrackConfig audioConfig;
  private final MetadataTrackConfig metadataConfig;
  private final FragmentSink sink;
  private final long targetFragmentTicks;
  private final int maxFragmentBytes;
  private final Track video;
  private final Track audio;
  private final Track metadata;
  private final Track[] tracks;
  private final BoxWriter header = new BoxWriter(INITIAL_HEADER_ROOM);

  // The fragment: header room, then the pending video samples (then, while cutting, audio and
  // metadata). Grows as needed, never shrinks.
  private byte[] fragment;
  // Size of the header room at the front of `fragment`; video bytes start there.
  private int headerRoom = INITIAL_HEADER_ROOM;
  // Video bytes pending in `fragment`, from headerRoom.
  private int videoBytes;
  // Decode time of the first video sample of the pending fragment.
  private long fragmentStartTime;

  // Wall-clock anchor: wallClockAnchor is when the video sample presented at anchorMediaTime
  // (video ticks) was captured.
  private Instant wallClockAnchor;
  private long anchorMediaTime;

  // mfhd sequence number of the last fragment written: the one before the first (0 unless
  // continueNumberingAfter says otherwise) while none is.
  private long sequenceNumber;
  private long fragmentCount;
  private long bytesWritten;
  private long metadataSamplesMoved;
  // Parameter sets last checked against the track's, by identity, to skip repeated comparisons.
  private Object checkedSps;
  private Object checkedPps;
  private boolean finished;
  private boolean failed;

  private FragmentedMp4Writer(Builder b, FragmentSink sink) {
    this.videoConfig = b.video;
    this.audioConfig = b.audio;
    this.metadataConfig = b.metadata;
    this.sink = sink;
    this.wallClockAnchor = b.wallClockStart;
    this.maxFragmentBytes = b.maxFragmentBytes;
    this.targetFragmentTicks = ticks(b.targetFragmentDuration, videoConfig.timescale());
    int id = 1;
    video = new Track(TrackKind.VIDEO, id++, videoConfig.timescale());
    audio = audioConfig == null ? null : new Track(TrackKind.AUDIO, id++, audioConfig.timescale());
    metadata = metadataConfig == null ? null
        : new Track(TrackKind.METADATA, id, metadataConfig.timescale());
    List<Track> list = new ArrayList<>(3);
    list.add(video);
    if (audio != null) {
      list.add(audio);
    }
    if (metadata != null) {
      list.add(metadata);
    }
    tracks = list.toArray(new Track[0]);
    FragmentedMp4Writer old = b.recycled;
    if (old != null && old.finished && !old.failed && old.fragment != null) {
      fragment = old.fragment;
      headerRoom = old.headerRoom;
      old.fragment = null;
    } else {
      fragment = new byte[INITIAL_HEADER_ROOM + 1024 * 1024];
    }
  }

  /** The fragment buffer (for tests of its reuse); null once another writer took it. */
  byte[] buffer() {
    return fragment;
  }

  /** A builder for a segment with the given video track. */
  public static Builder builder(VideoTrackConfig video) {
    return new Builder(Objects.requireNonNull(video, "video"));
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /**
   * Adds a video sample: {@code len} bytes of {@code data} from {@code off}, one access unit as
   * 4-byte length-prefixed NAL units without SPS, PPS or access unit delimiters (they are in the
   * {@code avcC}). The bytes are copied; {@code data} may be reused when this returns. May cut and
   * write the pending fragment first.
   *
   * @param decodeTime decode time in video timescale ticks, greater than the previous sample's
   * @param compositionOffset presentation time minus decode time, in ticks
   * @param sync whether decoding can start here (IDR or recovery point)
   * @throws IllegalArgumentException if the first sample is not sync or times go backwards
   * @throws IOException if the sink fails writing a fragment
   */
  public void addVideo(byte[] data, int off, int len, long decodeTime, int compositionOffset,
      boolean sync) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    int at = beginVideoSample(len, decodeTime, compositionOffset, sync);
    System.arraycopy(data, off, fragment, at, len);
  }

  /**
   * Where a video sample's bytes come from when the caller keeps them in storage of its own (a
   * ring buffer, a memory-mapped file): {@link #addVideo(SampleSource, int, long, int, boolean)}
   * has them copied straight into the fragment, with no array in between.
   */
  @FunctionalInterface
  public interface SampleSource {
    /**
     * Copies the sample's bytes (the length given to {@code addVideo}) into {@code dst} from
     * {@code off}.
     *
     * @throws IOException if the storage fails; the writer then fails too
     */
    void copyTo(byte[] dst, int off) throws IOException;
  }

  /**
   * As {@link #addVideo(byte[], int, int, long, int, boolean)}, with the {@code len} bytes copied
   * from {@code source} straight into the fragment. If the source throws, the sample is half
   * added: the writer fails (every later call throws {@link IllegalStateException}) and the
   * exception is passed on.
   *
   * @throws IOException if the source or the sink fails
   */
  public void addVideo(SampleSource source, int len, long decodeTime, int compositionOffset,
      boolean sync) throws IOException {
    Objects.requireNonNull(source, "source");
    int at = beginVideoSample(len, decodeTime, compositionOffset, sync);
    try {
      source.copyTo(fragment, at);
    } catch (IOException | RuntimeException | Error e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Adds an access unit from the codec as a video sample, leaving out its SPS, PPS and access
   * unit delimiter NAL units; sync is {@link AccessUnit#isKeyframe()}. The access unit may be the
   * assembler's transient view.
   *
   * <p>One access unit is one sample. That is right for frames, MBAFF included; for field
   * pictures (PAFF, {@link AccessUnit#isField()}) MP4 wants both fields of a frame in one sample,
   * so such streams must pair the fields themselves and use the byte-array form.
   *
   * @throws IllegalArgumentException if the access unit uses an SPS or PPS other than the track's
   *     (start a new segment), or as {@link #addVideo(byte[], int, int, long, int, boolean)}
   * @throws IOException if the sink fails writing a fragment
   */
  public void addVideo(AccessUnit au, long decodeTime, int compositionOffset) throws IOException {
    checkParameterSets(au);
    byte[] src = au.data();
    int n = au.nalUnitCount();
    int len = 0;
    for (int i = 0; i < n; i++) {
      if (!isParameterSetOrDelimiter(au.nalUnitType(i))) {
        len += 4 + au.nalUnitLength(i);
      }
    }
    if (len == 0) {
      throw new IllegalArgumentException("access unit " + au.decodeIndex() + " has no picture");
    }
    int at = beginVideoSample(len, decodeTime, compositionOffset, au.isKeyframe());
    for (int i = 0; i < n; i++) {
      if (!isParameterSetOrDelimiter(au.nalUnitType(i))) {
        int unit = 4 + au.nalUnitLength(i);
        System.arraycopy(src, au.nalUnitOffset(i) - 4, fragment, at, unit);
        at += unit;
      }
    }
  }

  /**
   * Adds an audio sample: one raw AAC frame (no ADTS header), copied.
   *
   * @param decodeTime decode time in audio ticks (the sampling rate), greater than the previous
   * @throws IllegalArgumentException if the segment has no audio track or times go backwards
   */
  public void addAudio(byte[] data, int off, int len, long decodeTime) {
    Objects.checkFromIndexSize(off, len, data.length);
    checkOpen();
    if (audio == null) {
      throw new IllegalArgumentException("the segment has no audio track");
    }
    checkTime(audio, decodeTime);
    audio.appendSample(data, off, len, decodeTime);
  }

  /** Same as {@code addAudio(frame, 0, frame.length, decodeTime)}. */
  public void addAudio(byte[] frame, long decodeTime) {
    addAudio(frame, 0, frame.length, decodeTime);
  }

  /**
   * Adds a frame from an {@link AdtsReader} as an audio sample (the view may be transient).
   *
   * @throws IllegalArgumentException if its configuration differs from the track's, or as {@link
   *     #addAudio(byte[], int, int, long)}
   */
  public void addAudio(AdtsFrame frame, long decodeTime) {
    if (audioConfig != null && !audioConfig.aacConfig().equals(frame.config())) {
      throw new IllegalArgumentException("AAC frame " + frame.index() + " is " + frame.config()
          + ", the track is " + audioConfig.aacConfig() + ": start a new segment");
    }
    addAudio(frame.array(), frame.offset(), frame.length(), decodeTime);
  }

  /**
   * Adds a metadata sample: one UTF-8 JSON object (see the package documentation; the writer
   * does not parse it), copied. A decode time not after the end of the previous metadata sample
   * is moved there and counted in {@link #metadataSamplesMoved()}.
   *
   * @param decodeTime decode time in metadata ticks
   * @throws IllegalArgumentException if the segment has no metadata track, the sample is empty or
   *     the time negative
   */
  public void addMetadata(byte[] json, int off, int len, long decodeTime) {
    Objects.checkFromIndexSize(off, len, json.length);
    checkOpen();
    if (metadata == null) {
      throw new IllegalArgumentException("the segment has no metadata track");
    }
    if (len == 0) {
      throw new IllegalArgumentException("empty metadata sample");
    }
    if (decodeTime < 0) {
      throw new IllegalArgumentException("negative decode time: " + decodeTime);
    }
    long earliest = metadata.count > 0 ? metadata.dts[metadata.count - 1] + 1 : metadata.endTime;
    if (decodeTime < earliest) {
      decodeTime = earliest;
      metadataSamplesMoved++;
    }
    metadata.appendSample(json, off, len, decodeTime);
  }

  /** Same as {@code addMetadata(json, 0, json.length, decodeTime)}. */
  public void addMetadata(byte[] json, long decodeTime) {
    addMetadata(json, 0, json.length, decodeTime);
  }

  /**
   * Re-anchors the wall clock: {@code wallClock} is when the video sample presented at {@code
   * videoPresentationTime} (video ticks) was captured. Applies to the {@code prft} of fragments
   * cut from now on; the builder's {@linkplain Builder#wallClockStart start} anchors time 0.
   */
  public void anchorWallClock(Instant wallClock, long videoPresentationTime) {
    checkOpen();
    this.wallClockAnchor = Objects.requireNonNull(wallClock, "wallClock");
    this.anchorMediaTime = videoPresentationTime;
  }

  /**
   * Writes the last fragment and ends the segment; the last video sample ends at {@code
   * videoEndDecodeTime}. Pending audio and metadata all go into the last fragment: the last audio
   * sample lasts as long as the one before it (one AAC frame if it is alone), the last metadata
   * sample until {@code videoEndDecodeTime} (at least one tick).
   *
   * @throws IllegalArgumentException if {@code videoEndDecodeTime} is not after the last video
   *     sample's decode time
   * @throws IOException if the sink fails
   */
  public void finish(long videoEndDecodeTime) throws IOException {
    finish(videoEndDecodeTime, false);
  }

  /**
   * Like {@link #finish(long)}, telling the sink whether this segment is the last of its recording
   * ({@link FragmentSink#end}).
   *
   * @throws IllegalArgumentException if {@code videoEndDecodeTime} is not after the last video
   *     sample's decode time
   * @throws IOException if the sink fails
   */
  public void finish(long videoEndDecodeTime, boolean lastInRecording) throws IOException {
    checkOpen();
    if (video.count > 0 && videoEndDecodeTime <= video.dts[video.count - 1]) {
      throw new IllegalArgumentException("end time " + videoEndDecodeTime
          + " is not after the last video sample at " + video.dts[video.count - 1]);
    }
    finished = true;
    try {
      cut(videoEndDecodeTime, true);
      List<TrackSpan> spans = new ArrayList<>(tracks.length);
      for (Track t : tracks) {
        long base = Math.max(0, t.firstTime);
        spans.add(new TrackSpan(t.id, t.kind, t.timescale, base,
            t.samplesWritten == 0 ? 0 : t.endTime - base, t.samplesWritten, t.bytesWritten));
      }
      sink.end(new SegmentInfo(fragmentCount, bytesWritten, spans), lastInRecording);
    } catch (RuntimeException | IOException | Error e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Like {@link #finish(long)}, with the last video sample lasting as long as the one before it.
   *
   * @throws IllegalStateException if fewer than two video samples are pending (nothing to measure
   *     the last duration by): use {@link #finish(long)}
   */
  public void finish() throws IOException {
    checkOpen();
    int n = video.count;
    if (n == 0 && video.samplesWritten == 0) {
      finish(0);
      return;
    }
    if (n < 2) {
      throw new IllegalStateException(
          "cannot infer the last video sample's duration: call finish(endDecodeTime)");
    }
    finish(video.dts[n - 1] + (video.dts[n - 1] - video.dts[n - 2]));
  }

  /**
   * Whether adding a video sample of {@code len} bytes at {@code decodeTime} would first write the
   * pending fragment: it is a sync sample and the fragment has reached the target duration, or it
   * would push the fragment past the size limit. A caller that {@linkplain #setCompositionOffset
   * settles composition offsets late} holds such a sample back until every pending offset is
   * known.
   */
  public boolean cutsBefore(int len, long decodeTime, boolean sync) {
    return video.count > 0
        && ((sync && decodeTime - fragmentStartTime >= targetFragmentTicks)
            || (long) videoBytes + len > maxFragmentBytes);
  }

  /**
   * Video samples added so far: the next one added is sample number {@code videoSamplesAdded()}
   * of the segment, counted from 0.
   */
  public long videoSamplesAdded() {
    return (long) video.samplesWritten + video.count;
  }

  /**
   * Sets the composition offset of video sample {@code sample} (numbered as by {@link
   * #videoSamplesAdded()}), which must not be written yet: it replaces the offset it was added
   * with. For callers that learn a picture's presentation order only after later pictures have
   * arrived (a decoder's reorder window) and add the sample at once with a provisional offset,
   * settling it before a {@linkplain #cutsBefore cut} writes the fragment.
   *
   * @throws IllegalArgumentException if the sample is not one of the pending fragment's
   */
  public void setCompositionOffset(long sample, int compositionOffset) {
    checkOpen();
    long i = sample - video.samplesWritten;
    if (i < 0 || i >= video.count) {
      throw new IllegalArgumentException("video sample " + sample + " is not pending (samples "
          + video.samplesWritten + " to " + (videoSamplesAdded() - 1) + " are)");
    }
    video.cts[(int) i] = compositionOffset;
  }

  /** Fragments written so far. */
  public long fragmentsWritten() {
    return fragmentCount;
  }

  /** The {@code mfhd} sequence number of the last fragment written (of the one before the first while none is). */
  public long lastSequenceNumber() {
    return sequenceNumber;
  }

  /**
   * Numbers this segment's fragments on from {@code previous}'s: its first {@code mfhd} sequence
   * number is {@code previous}'s last plus one, so that the segments of a recording joined into one
   * file (the first whole, then the fragments of the others) number their fragments 1, 2, 3, …
   * across segment boundaries, as their {@code tfdt}s continue. Called before this writer writes
   * its first fragment, once {@code previous} has finished.
   *
   * @throws IllegalStateException if this writer has written a fragment or {@code previous} has not finished
   */
  public void continueNumberingAfter(FragmentedMp4Writer previous) {
    if (fragmentCount > 0) {
      throw new IllegalStateException("this writer has written fragments already");
    }
    if (!previous.finished) {
      throw new IllegalStateException("the previous segment's writer has not finished");
    }
    sequenceNumber = previous.sequenceNumber;
  }

  /** Bytes handed to the sink so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Metadata samples whose decode time was moved forward (see {@link #addMetadata}). */
  public long metadataSamplesMoved() {
    return metadataSamplesMoved;
  }

  // ---------------------------------------------------------------------------------------------
  // Video sample bookkeeping

  /**
   * Validates a video sample, cuts the pending fragment if this sample starts a new one, records
   * the sample and returns where in {@link #fragment} its {@code len} bytes go.
   */
  private int beginVideoSample(int len, long decodeTime, int compositionOffset, boolean sync)
      throws IOException {
    checkOpen();
    if (len <= 0) {
      throw new IllegalArgumentException("empty video sample");
    }
    boolean first = video.count == 0 && video.samplesWritten == 0;
    if (first && !sync) {
      throw new IllegalArgumentException("the first video sample must be a sync sample");
    }
    checkTime(video, decodeTime);
    if (cutsBefore(len, decodeTime, sync)) {
      try {
        cut(decodeTime, false);
      } catch (RuntimeException | IOException | Error e) {
        failed = true;
        throw e;
      }
    }
    if (video.count == 0) {
      fragmentStartTime = decodeTime;
    }
    int at = headerRoom + videoBytes;
    if (at + len > fragment.length || at + len < 0) {
      long want = Math.max((long) at + len, fragment.length * 2L);
      fragment = Arrays.copyOf(fragment, (int) Math.min(want, Integer.MAX_VALUE - 8));
    }
    video.appendTiming(decodeTime, len, compositionOffset,
        sync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
    videoBytes += len;
    return at;
  }

  private void checkParameterSets(AccessUnit au) {
    if (au.sps() != checkedSps) {
      if (!au.sps().sameBytes(videoConfig.sps())) {
        throw new IllegalArgumentException("access unit " + au.decodeIndex()
            + " uses an SPS other than the track's: start a new segment");
      }
      checkedSps = au.sps();
    }
    if (au.pps() != checkedPps) {
      boolean known = false;
      for (PictureParameterSet p : videoConfig.ppsList()) {
        known |= p.sameBytes(au.pps());
      }
      if (!known) {
        throw new IllegalArgumentException("access unit " + au.decodeIndex()
            + " uses a PPS other than the track's: start a new segment");
      }
      checkedPps = au.pps();
    }
  }

  private static boolean isParameterSetOrDelimiter(int nalType) {
    return nalType == NalUnitType.SPS || nalType == NalUnitType.PPS || nalType == NalUnitType.AUD;
  }

  private void checkOpen() {
    if (failed) {
      throw new IllegalStateException("the writer failed earlier");
    }
    if (finished) {
      throw new IllegalStateException("the segment is finished");
    }
  }

  private static void checkTime(Track t, long decodeTime) {
    if (decodeTime < 0) {
      throw new IllegalArgumentException(t.kind + " decode time is negative: " + decodeTime);
    }
    long last = t.count > 0 ? t.dts[t.count - 1] : t.endTime - 1;
    if (decodeTime <= last) {
      throw new IllegalArgumentException(t.kind + " decode time " + decodeTime
          + " is not after the previous sample's " + last);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Fragment output

  /**
   * Writes the pending fragment, whose video ends at {@code videoEnd} (video ticks): all pending
   * video samples, and the audio and metadata samples that belong before {@code videoEnd} (all of
   * them when {@code last}).
   */
  private void cut(long videoEnd, boolean last) throws IOException {
    int vs = videoConfig.timescale();
    video.emit = video.count;
    if (audio != null) {
      int n = 0;
      while (n < audio.count && (last || (n + 1 < audio.count
          && before(audio.dts[n], audio.timescale, videoEnd, vs)))) {
        n++;
      }
      audio.emit = n;
    }
    if (metadata != null) {
      int n = 0;
      while (n < metadata.count && (last || before(metadata.dts[n], metadata.timescale, videoEnd,
          vs))) {
        n++;
      }
      metadata.emit = n;
    }
    boolean any = false;
    for (Track t : tracks) {
      any |= t.emit > 0;
    }
    if (!any) {
      return;
    }
    video.computeDurations(videoEnd);
    if (audio != null) {
      audio.computeDurations(audio.emit < audio.count ? audio.dts[audio.emit] : -1);
    }
    if (metadata != null) {
      long end = metadata.emit < metadata.count ? metadata.dts[metadata.emit]
          : Math.max(ceilTicks(videoEnd, vs, metadata.timescale),
              metadata.emit > 0 ? metadata.dts[metadata.emit - 1] + 1 : 0);
      metadata.computeDurations(end);
    }

    // Payload layout: video, audio, metadata, each one contiguous run.
    int payload = 0;
    for (Track t : tracks) {
      t.mdatOffset = payload;
      payload = Math.addExact(payload, Math.toIntExact(t.emitBytes));
    }
    sequenceNumber++;
    fragmentCount++;
    Instant wallClock = null;
    header.reset();
    if (video.emit > 0) {
      long mediaTime = video.dts[0] + video.cts[0];
      wallClock = wallClockAt(mediaTime);
      writePrft(mediaTime, wallClock);
    }
    int moofStart = header.position();
    header.start("moof");
    header.startFull("mfhd", 0, 0).u32(sequenceNumber).end();
    for (Track t : tracks) {
      if (t.emit > 0) {
        writeTraf(t);
      }
    }
    header.end();
    int moofSize = header.position() - moofStart;
    for (Track t : tracks) {
      if (t.emit > 0) {
        header.patchU32(t.dataOffsetField, moofSize + MDAT_HEADER_BYTES + t.mdatOffset);
      }
    }
    header.u32(MDAT_HEADER_BYTES + (long) payload).fourcc("mdat");
    int headerSize = header.position();

    if (headerSize > headerRoom) {
      int room = Math.max(headerSize, headerRoom * 2);
      byte[] grown = new byte[Math.max(fragment.length, room + payload)];
      System.arraycopy(fragment, headerRoom, grown, room, videoBytes);
      fragment = grown;
      headerRoom = room;
    }
    int needed = headerRoom + payload;
    if (needed > fragment.length) {
      fragment = Arrays.copyOf(fragment, Math.max(needed, fragment.length + fragment.length / 2));
    }
    for (Track t : tracks) {
      if (t != video && t.emit > 0) {
        System.arraycopy(t.data, 0, fragment, headerRoom + t.mdatOffset, (int) t.emitBytes);
      }
    }
    int start = headerRoom - headerSize;
    System.arraycopy(header.array(), 0, fragment, start, headerSize);

    List<TrackSpan> spans = new ArrayList<>(tracks.length);
    for (Track t : tracks) {
      if (t.emit > 0) {
        spans.add(new TrackSpan(t.id, t.kind, t.timescale, t.dts[0], t.emitDuration, t.emit,
            t.emitBytes));
      }
    }
    boolean startsWithSync = video.emit > 0 && video.flags[0] == SYNC_SAMPLE_FLAGS;
    FragmentInfo info =
        new FragmentInfo(sequenceNumber, spans, startsWithSync, wallClock, headerSize + payload);
    sink.fragment(
        ByteBuffer.wrap(fragment, start, headerSize + payload).slice(), info);
    bytesWritten += headerSize + payload;

    for (Track t : tracks) {
      t.consumeEmitted();
    }
    videoBytes = 0;
  }

  private void writePrft(long mediaTime, Instant wallClock) {
    long seconds = wallClock.getEpochSecond() + NTP_EPOCH_TO_UNIX_SECONDS;
    long fraction = ntpFraction(wallClock.getNano());
    // Version 1: 64-bit media_time. Flags 0: the time the sample was input to the encoder, the
    // closest of the defined associations to a camera's capture time.
    header.startFull("prft", 1, 0)
        .u32(video.id)
        .u64((seconds << 32) | fraction)
        .u64(mediaTime)
        .end();
  }

  /**
   * The 32-bit NTP fraction of {@code nanos}, rounded up, so that the time read back and rounded
   * down, to the nanosecond or to the millisecond, is the wall clock's (the sealer's FRAGMENT_INFO
   * states it in milliseconds).
   */
  static long ntpFraction(int nanos) {
    return (((long) nanos << 32) + 999_999_999L) / 1_000_000_000L;
  }

  private void writeTraf(Track t) {
    boolean isVideo = t.kind == TrackKind.VIDEO;
    header.start("traf");
    if (isVideo) {
      header.startFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(t.id).end();
    } else {
      header.startFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF | TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT)
          .u32(t.id)
          .u32(SYNC_SAMPLE_FLAGS)
          .end();
    }
    header.startFull("tfdt", 1, 0).u64(t.dts[0]).end();
    int flags = TRUN_DATA_OFFSET_PRESENT | TRUN_SAMPLE_DURATION_PRESENT | TRUN_SAMPLE_SIZE_PRESENT;
    if (isVideo) {
      flags |= TRUN_SAMPLE_FLAGS_PRESENT | TRUN_SAMPLE_CTS_PRESENT;
    }
    header.startFull("trun", isVideo ? 1 : 0, flags).u32(t.emit);
    t.dataOffsetField = header.position();
    header.u32(0); // patched once the moof size is known
    for (int i = 0; i < t.emit; i++) {
      header.u32(t.durations[i]).u32(t.sizes[i]);
      if (isVideo) {
        header.u32(t.flags[i]).u32(t.cts[i]);
      }
    }
    header.end();
    header.end();
  }

  private Instant wallClockAt(long mediaTime) {
    int ts = videoConfig.timescale();
    long delta = mediaTime - anchorMediaTime;
    long seconds = Math.floorDiv(delta, ts);
    long nanos = Math.floorMod(delta, ts) * 1_000_000_000L / ts;
    return wallClockAnchor.plusSeconds(seconds).plusNanos(nanos);
  }

  /** Whether {@code a / scaleA < b / scaleB}, exactly. */
  static boolean before(long a, int scaleA, long b, int scaleB) {
    return Math.multiplyExact(a, (long) scaleB) < Math.multiplyExact(b, (long) scaleA);
  }

  /** {@code t} ticks of {@code from} as ticks of {@code to}, rounded up. */
  static long ceilTicks(long t, int from, int to) {
    return Math.floorDiv(Math.multiplyExact(t, (long) to) + from - 1, from);
  }

  private static long ticks(Duration d, int timescale) {
    return d.getSeconds() * timescale + (long) d.getNano() * timescale / 1_000_000_000L;
  }

  // ---------------------------------------------------------------------------------------------
  // Initialization segment

  private byte[] initSegment(Instant created) {
    long time = created.getEpochSecond() + MP4_EPOCH_TO_UNIX_SECONDS;
    BoxWriter w = new BoxWriter(2048);
    w.start("ftyp").fourcc("iso6").u32(0);
    for (String brand : new String[] {"iso6", "isom", "avc1", "mp41"}) {
      w.fourcc(brand);
    }
    w.end();
    w.start("moov");
    w.startFull("mvhd", 1, 0)
        .u64(time)
        .u64(time)
        .u32(MOVIE_TIMESCALE)
        .u64(0) // duration: unknown, the fragments say
        .u32(0x0001_0000) // rate 1.0
        .u16(0x0100) // volume 1.0
        .zeros(2 + 8);
    matrix(w);
    w.zeros(6 * 4).u32(tracks[tracks.length - 1].id + 1).end();
    for (Track t : tracks) {
      writeTrak(w, t, time);
    }
    w.start("mvex");
    for (Track t : tracks) {
      w.startFull("trex", 0, 0)
          .u32(t.id)
          .u32(1) // default_sample_description_index
          .u32(0)
          .u32(0)
          .u32(t.kind == TrackKind.VIDEO ? NON_SYNC_SAMPLE_FLAGS : SYNC_SAMPLE_FLAGS)
          .end();
    }
    w.end();
    w.end();
    return w.toByteArray();
  }

  private void writeTrak(BoxWriter w, Track t, long time) {
    w.start("trak");
    long width = 0;
    long height = 0;
    if (t.kind == TrackKind.VIDEO) {
      // tkhd holds the display size: the picture stretched by the sample aspect ratio.
      width = (long) videoConfig.width() * videoConfig.sarWidth() / videoConfig.sarHeight();
      height = videoConfig.height();
    }
    w.startFull("tkhd", 1, 0x3) // track_enabled | track_in_movie
        .u64(time)
        .u64(time)
        .u32(t.id)
        .u32(0)
        .u64(0) // duration: unknown
        .zeros(8)
        .u16(0) // layer
        .u16(0) // alternate_group
        .u16(t.kind == TrackKind.AUDIO ? 0x0100 : 0)
        .u16(0);
    matrix(w);
    w.u32(width << 16).u32(height << 16).end();
    w.start("mdia");
    w.startFull("mdhd", 1, 0)
        .u64(time)
        .u64(time)
        .u32(t.timescale)
        .u64(0)
        .u16(0x55c4) // language 'und'
        .u16(0)
        .end();
    String handler = t.kind == TrackKind.VIDEO ? "vide" : t.kind == TrackKind.AUDIO ? "soun" : "meta";
    String name = t.kind == TrackKind.VIDEO ? "Custody video"
        : t.kind == TrackKind.AUDIO ? "Custody audio" : "Custody metadata";
    w.startFull("hdlr", 0, 0).u32(0).fourcc(handler).zeros(12).cstring(name).end();
    w.start("minf");
    if (t.kind == TrackKind.VIDEO) {
      w.startFull("vmhd", 0, 1).zeros(8).end();
    } else if (t.kind == TrackKind.AUDIO) {
      w.startFull("smhd", 0, 0).zeros(4).end();
    } else {
      w.startFull("nmhd", 0, 0).end();
    }
    w.start("dinf").startFull("dref", 0, 0).u32(1).startFull("url ", 0, 1).end().end().end();
    w.start("stbl");
    w.startFull("stsd", 0, 0).u32(1);
    if (t.kind == TrackKind.VIDEO) {
      writeAvc1(w);
    } else if (t.kind == TrackKind.AUDIO) {
      writeMp4a(w, t);
    } else {
      w.start("mett").zeros(6).u16(1).cstring("").cstring(metadataConfig.mimeFormat()).end();
    }
    w.end();
    w.startFull("stts", 0, 0).u32(0).end();
    w.startFull("stsc", 0, 0).u32(0).end();
    w.startFull("stsz", 0, 0).u32(0).u32(0).end();
    w.startFull("stco", 0, 0).u32(0).end();
    w.end(); // stbl
    w.end(); // minf
    w.end(); // mdia
    w.end(); // trak
  }

  private void writeAvc1(BoxWriter w) {
    w.start(videoConfig.sampleEntryType())
        .zeros(6)
        .u16(1) // data_reference_index
        .zeros(16) // pre_defined, reserved
        .u16(videoConfig.width())
        .u16(videoConfig.height())
        .u32(0x0048_0000) // 72 dpi
        .u32(0x0048_0000)
        .u32(0)
        .u16(1); // frame_count
    byte[] compressor = "Custody".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    w.u8(compressor.length).bytes(compressor).zeros(31 - compressor.length);
    w.u16(0x0018).u16(0xffff);
    w.start("avcC").bytes(videoConfig.avcCView()).end();
    if (videoConfig.sarWidth() != videoConfig.sarHeight()) {
      w.start("pasp").u32(videoConfig.sarWidth()).u32(videoConfig.sarHeight()).end();
    }
    w.end();
  }

  private void writeMp4a(BoxWriter w, Track t) {
    AacConfig aac = audioConfig.aacConfig();
    int rate = aac.sampleRate();
    w.start("mp4a")
        .zeros(6)
        .u16(1)
        .zeros(8)
        .u16(aac.channelCount())
        .u16(16) // samplesize
        .u32(0)
        .u32(rate < 0x10000 ? (long) rate << 16 : 0);
    byte[] asc = aac.audioSpecificConfig();
    int decSpecific = 2 + asc.length;
    int decoderConfig = 2 + 13 + decSpecific;
    int slConfig = 2 + 1;
    int esBody = 3 + decoderConfig + slConfig;
    w.startFull("esds", 0, 0);
    w.u8(0x03).u8(esBody).u16(t.id).u8(0); // ES_Descriptor: ES_ID, no flags
    w.u8(0x04).u8(decoderConfig - 2)
        .u8(0x40) // objectTypeIndication: Audio ISO/IEC 14496-3
        .u8(0x15) // streamType 5 (audio) << 2 | reserved 1
        .u24(768 * aac.channelCount()) // bufferSizeDB: 6144 bits per channel
        .u32(audioConfig.maxBitrate())
        .u32(audioConfig.averageBitrate());
    w.u8(0x05).u8(asc.length).bytes(asc); // DecoderSpecificInfo: AudioSpecificConfig
    w.u8(0x06).u8(1).u8(0x02); // SLConfigDescriptor: predefined MP4
    w.end();
    w.end();
  }

  private static void matrix(BoxWriter w) {
    w.u32(0x0001_0000).u32(0).u32(0)
        .u32(0).u32(0x0001_0000).u32(0)
        .u32(0).u32(0).u32(0x4000_0000);
  }

  // ---------------------------------------------------------------------------------------------

  /** One track's pending samples, in decode order, and what has been written of it. */
  private static final class Track {
    final TrackKind kind;
    final int id;
    final int timescale;
    // Pending samples: decode times, sizes; for video also composition offsets and flags.
    long[] dts = new long[64];
    int[] sizes = new int[64];
    int[] cts;
    int[] flags;
    int count;
    // Audio and metadata: the pending samples' bytes, back to back (video's are in `fragment`).
    byte[] data;
    int dataLength;
    // The fragment being cut: samples taken, their durations, bytes, summed duration, and the
    // place of the trun data_offset field in the header and of the run in the mdat payload.
    int emit;
    int[] durations = new int[64];
    long emitBytes;
    long emitDuration;
    int dataOffsetField;
    int mdatOffset;
    // Written so far: first decode time (-1 before any), end decode time, samples, bytes.
    long firstTime = -1;
    long endTime;
    int samplesWritten;
    long bytesWritten;
    // Duration of the last sample written (audio's fallback for a lone last sample).
    long lastDuration;

    Track(TrackKind kind, int id, int timescale) {
      this.kind = kind;
      this.id = id;
      this.timescale = timescale;
      if (kind == TrackKind.VIDEO) {
        cts = new int[64];
        flags = new int[64];
      } else {
        data = new byte[kind == TrackKind.AUDIO ? 16 * 1024 : 1024];
        lastDuration = kind == TrackKind.AUDIO ? AacConfig.SAMPLES_PER_FRAME : 1;
      }
    }

    void appendTiming(long decodeTime, int size, int compositionOffset, int sampleFlags) {
      if (count == dts.length) {
        int n = count * 2;
        dts = Arrays.copyOf(dts, n);
        sizes = Arrays.copyOf(sizes, n);
        if (cts != null) {
          cts = Arrays.copyOf(cts, n);
          flags = Arrays.copyOf(flags, n);
        }
      }
      dts[count] = decodeTime;
      sizes[count] = size;
      if (cts != null) {
        cts[count] = compositionOffset;
        flags[count] = sampleFlags;
      }
      count++;
    }

    void appendSample(byte[] src, int off, int len, long decodeTime) {
      if (dataLength + len > data.length) {
        data = Arrays.copyOf(data, Math.max(dataLength + len, data.length * 2));
      }
      System.arraycopy(src, off, data, dataLength, len);
      dataLength += len;
      appendTiming(decodeTime, len, 0, SYNC_SAMPLE_FLAGS);
    }

    /**
     * Durations of the {@link #emit} samples: each until the next; the last until {@code end},
     * or, when {@code end} is -1, as long as the one before it.
     */
    void computeDurations(long end) {
      if (durations.length < emit) {
        durations = new int[Math.max(emit, durations.length * 2)];
      }
      long total = 0;
      long bytes = 0;
      for (int i = 0; i < emit; i++) {
        long d;
        if (i + 1 < emit) {
          d = dts[i + 1] - dts[i];
        } else if (end >= 0) {
          d = end - dts[i];
        } else {
          d = i > 0 ? dts[i] - dts[i - 1] : lastDuration;
        }
        if (d <= 0 || d > 0xffff_ffffL) {
          throw new IllegalArgumentException(kind + " sample duration out of range: " + d);
        }
        durations[i] = (int) d;
        total += d;
        bytes += sizes[i];
      }
      emitDuration = total;
      emitBytes = bytes;
    }

    /** Drops the emitted samples, moving the rest to the front. */
    void consumeEmitted() {
      if (emit == 0) {
        return;
      }
      if (firstTime < 0) {
        firstTime = dts[0];
      }
      lastDuration = durations[emit - 1] & 0xffff_ffffL;
      endTime = dts[emit - 1] + lastDuration;
      samplesWritten += emit;
      bytesWritten += emitBytes;
      int rest = count - emit;
      System.arraycopy(dts, emit, dts, 0, rest);
      System.arraycopy(sizes, emit, sizes, 0, rest);
      if (cts != null) {
        System.arraycopy(cts, emit, cts, 0, rest);
        System.arraycopy(flags, emit, flags, 0, rest);
      }
      if (data != null) {
        System.arraycopy(data, (int) emitBytes, data, 0, dataLength - (int) emitBytes);
        dataLength -= (int) emitBytes;
      }
      count = rest;
      emit = 0;
    }
  }

  /**
   * Builds a {@link FragmentedMp4Writer}: the tracks, the wall-clock start (required) and the
   * fragmenting policy.
   */
  public static final class Builder {
    private final VideoTrackConfig video;
    private AudioTrackConfig audio;
    private MetadataTrackConfig metadata;
    private Instant wallClockStart;
    private Duration targetFragmentDuration = Duration.ZERO;
    private int maxFragmentBytes = DEFAULT_MAX_FRAGMENT_BYTES;
    private FragmentedMp4Writer recycled;

    private Builder(VideoTrackConfig video) {
      this.video = video;
    }

    /** Adds the audio track (track ID 2). */
    public Builder audio(AudioTrackConfig audio) {
      this.audio = Objects.requireNonNull(audio, "audio");
      return this;
    }

    /** Adds the metadata track (the last track ID). */
    public Builder metadata(MetadataTrackConfig metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    /**
     * When video presentation time 0 was captured (required). Written as the creation time of
     * {@code mvhd}, {@code tkhd} and {@code mdhd} (whole seconds) and, offset by media time, in
     * every fragment's {@code prft} (NTP precision).
     */
    public Builder wallClockStart(Instant wallClockStart) {
      this.wallClockStart = Objects.requireNonNull(wallClockStart, "wallClockStart");
      return this;
    }

    /**
     * Cut at the first sync sample at least this long after the fragment's start (default zero:
     * at every sync sample, one fragment per GOP).
     */
    public Builder targetFragmentDuration(Duration duration) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("negative fragment duration: " + duration);
      }
      this.targetFragmentDuration = duration;
      return this;
    }

    /**
     * Cut before a video sample that would make the fragment's video larger than this, even
     * inside a GOP (default {@value #DEFAULT_MAX_FRAGMENT_BYTES}): bounds memory on streams with
     * rare sync samples.
     */
    public Builder maxFragmentBytes(int maxFragmentBytes) {
      if (maxFragmentBytes < 1) {
        throw new IllegalArgumentException("maxFragmentBytes must be positive: " + maxFragmentBytes);
      }
      this.maxFragmentBytes = maxFragmentBytes;
      return this;
    }

    /**
     * Takes over the fragment buffer of a writer that has finished (its last fragment and end
     * were handed to its sink, so nothing refers to the buffer any more), so a recorder cutting
     * segment after segment allocates it once instead of per segment. A writer that has not
     * finished, or whose buffer was taken already, gives nothing and the new writer allocates its
     * own.
     */
    public Builder reuseBufferOf(FragmentedMp4Writer finished) {
      this.recycled = finished;
      return this;
    }

    /**
     * Opens the writer: hands {@code ftyp} + {@code moov} to {@code sink} at once.
     *
     * @throws IllegalStateException if no wall-clock start was given
     * @throws IOException if the sink fails
     */
    public FragmentedMp4Writer open(FragmentSink sink) throws IOException {
      Objects.requireNonNull(sink, "sink");
      if (wallClockStart == null) {
        throw new IllegalStateException("wallClockStart is required");
      }
      FragmentedMp4Writer w = new FragmentedMp4Writer(this, sink);
      byte[] init = w.initSegment(wallClockStart);
      sink.init(ByteBuffer.wrap(init));
      w.bytesWritten = init.length;
      return w;
    }
  }
}
