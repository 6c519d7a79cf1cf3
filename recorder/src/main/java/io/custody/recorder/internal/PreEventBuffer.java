package io.custody.recorder.internal;

import java.io.Closeable;
import java.io.IOException;

/**
 * The pre-event ring buffer, and the short queue between feeding and muxing while recording.
 *
 * <p>Holds encoded frames (video access units, audio frames, metadata samples) in arrival order.
 * The bytes live in a {@link PayloadStore}; this class keeps, per frame, only primitives in
 * parallel circular arrays (kind, times, composition offset, length, store position, flags), so
 * appending a frame allocates nothing once the arrays have grown to the window's frame count.
 *
 * <p>Keyframe alignment, the invariant everything else rests on: the first video frame held is
 * always a keyframe. Video before the first keyframe is discarded (and counted); eviction removes
 * whole GOPs from the head, together with the audio and metadata that arrived with them.
 *
 * <p>Bounds, whichever is hit first:
 *
 * <ul>
 *   <li>Duration: a GOP is evicted once the GOP after it alone still covers the window, i.e.
 *       once the next keyframe's decode time is at least {@code window} before the newest frame.
 *       So the buffer holds the window plus at most one GOP.
 *   <li>Bytes: before a frame would push the stored bytes past {@code maxBytes}, the oldest GOP
 *       is evicted. If the current GOP alone does not fit, it is dropped whole and video is
 *       discarded until the next keyframe: a GOP with its head cut off cannot be decoded.
 * </ul>
 *
 * <p>While recording ({@link #beginRecording()}), nothing is evicted: the buffer is a queue that
 * the recorder drains in order. Not thread-safe; the recorder serialises access.
 */
public final class PreEventBuffer implements Closeable {
  /** Frame kinds. */
  public static final byte VIDEO = 0;
  public static final byte AUDIO = 1;
  public static final byte METADATA = 2;

  /** Why video frames left the buffer without being muxed: indexes of {@link #videoFramesGone}. */
  public static final int OUT_OF_WINDOW = 0;
  public static final int OVER_BYTES = 1;
  public static final int BEFORE_KEYFRAME = 2;
  /** Still held when a recording ended: only after the recorder abandoned a failed recording. */
  public static final int AT_RECORDING_END = 3;

  private static final byte KEY = 1;
  private static final byte READY = 2;

  private final PayloadStore store;
  private final long windowTicks;
  private final long maxBytes;

  // Circular arrays of frames, oldest at index head; seq(head) == headSeq.
  private byte[] kind = new byte[256];
  private byte[] flags = new byte[256];
  private long[] time90k = new long[256];
  private long[] nativeTime = new long[256];
  private int[] cto = new int[256];
  private int[] length = new int[256];
  private int[] config = new int[256];
  private long[] position = new long[256];
  private int head;
  private int count;
  private long headSeq;
  // Sequence numbers of the keyframes held, oldest first (circular).
  private long[] keys = new long[64];
  private int keyHead;
  private int keyCount;

  private boolean recording;
  private boolean waitingForKeyframe = true;
  private long newestVideoTime90k = Long.MIN_VALUE;
  private long payloadBytes;
  private final long[] videoGone = new long[4];
  private int videoHeld;
  private long discardedOther;
  private long evictedGops;

  /**
   * @param store where the bytes go (the buffer owns and closes it)
   * @param windowTicks the pre-event window in 90 kHz ticks, 0 or more
   * @param maxBytes the byte bound, counting the store's per-frame overhead
   */
  public PreEventBuffer(PayloadStore store, long windowTicks, long maxBytes) {
    if (windowTicks < 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("window " + windowTicks + ", maxBytes " + maxBytes);
    }
    this.store = store;
    this.windowTicks = windowTicks;
    this.maxBytes = maxBytes;
  }

  /**
   * Appends a video access unit.
   *
   * @param dts90k decode time, 90 kHz, increasing
   * @param configId which decoder configuration (SPS/PPS) the picture uses
   * @return the frame's sequence number, or -1 if it was discarded (no keyframe to start from)
   */
  public long appendVideo(byte[] src, int off, int len, long dts90k, boolean keyframe, int configId)
      throws IOException {
    if (keyframe) {
      waitingForKeyframe = false;
    } else if (waitingForKeyframe) {
      videoGone[BEFORE_KEYFRAME]++;
      return -1;
    }
    newestVideoTime90k = dts90k;
    if (!recording) {
      int need = len + store.overheadPerFrame();
      while (store.usedBytes() + need > maxBytes && count > 0) {
        if (keyCount < 2 && !keyframe) {
          // The current GOP alone overflows: drop it whole and wait for the next keyframe.
          videoGone[OVER_BYTES]++;
          evictedGops++;
          evictAll(OVER_BYTES);
          waitingForKeyframe = true;
          return -1;
        }
        evictOldestGop(OVER_BYTES);
      }
      if (need > maxBytes) {
        videoGone[OVER_BYTES]++;
        waitingForKeyframe = true;
        return -1;
      }
    }
    long seq = push(VIDEO, src, off, len, dts90k, dts90k, keyframe ? KEY : 0, configId);
    if (keyframe) {
      pushKey(seq);
    }
    if (!recording) {
      while (keyCount >= 2 && time90k[index(keys[(keyHead + 1) % keys.length])]
          <= newestVideoTime90k - windowTicks) {
        evictOldestGop(OUT_OF_WINDOW);
      }
    }
    return seq;
  }

  /**
   * Counts a video access unit that the recorder muxed at once instead of appending it (while
   * recording, with nothing queued before it): it takes the next sequence number and becomes the
   * newest video frame, and holds nothing here.
   *
   * @return the frame's sequence number
   * @throws IllegalStateException unless recording with an empty queue
   */
  public long passVideo(long dts90k) {
    if (!recording || count > 0) {
      throw new IllegalStateException("frames can pass only an empty queue while recording");
    }
    newestVideoTime90k = dts90k;
    return headSeq++;
  }

  /**
   * Appends an audio frame or metadata sample; it is ready for muxing at once. Before the first
   * keyframe (nothing to start a recording from) it is discarded and counted.
   *
   * @param nativeTime the time in the track's own timescale (audio: samples)
   * @return the sequence number, or -1 if discarded
   */
  public long appendOther(byte kindOf, byte[] src, int off, int len, long time90k, long nativeTime)
      throws IOException {
    if (kindOf != AUDIO && kindOf != METADATA) {
      throw new IllegalArgumentException("kind " + kindOf);
    }
    if (waitingForKeyframe) {
      discardedOther++;
      return -1;
    }
    if (!recording) {
      int need = len + store.overheadPerFrame();
      while (store.usedBytes() + need > maxBytes && keyCount >= 2) {
        evictOldestGop(OVER_BYTES);
      }
      if (store.usedBytes() + need > maxBytes) {
        discardedOther++;
        return -1;
      }
    }
    return push(kindOf, src, off, len, time90k, nativeTime, READY, 0);
  }

  /** Marks a video frame's composition offset as known, which makes it ready for muxing. */
  public void setCompositionOffset(long seq, int compositionOffset) {
    if (seq < headSeq || seq >= headSeq + count) {
      return; // evicted before its offset was known
    }
    int i = index(seq);
    cto[i] = compositionOffset;
    flags[i] |= READY;
  }

  /**
   * Starts a recording: keeps the frames from the newest keyframe that still covers the window
   * (or the oldest keyframe held) and stops evicting. Returns the decode time (90 kHz) of that
   * keyframe, or {@link Long#MIN_VALUE} when no keyframe is held yet, in which case the recording
   * starts at the next keyframe.
   */
  public long beginRecording() {
    recording = true;
    if (keyCount == 0) {
      evictAll(OUT_OF_WINDOW);
      return Long.MIN_VALUE;
    }
    int chosen = 0;
    for (int k = keyCount - 1; k >= 0; k--) {
      if (time90k[index(keys[(keyHead + k) % keys.length])] <= newestVideoTime90k - windowTicks) {
        chosen = k;
        break;
      }
    }
    for (int k = 0; k < chosen; k++) {
      evictOldestGop(OUT_OF_WINDOW);
    }
    return time90k[index(keys[keyHead])];
  }

  /** Ends a recording once the recorder has drained it: back to buffering, from the next keyframe. */
  public void endRecording() {
    recording = false;
    evictAll(AT_RECORDING_END);
    waitingForKeyframe = true;
  }

  public boolean isRecording() {
    return recording;
  }

  /** Frames held. */
  public int size() {
    return count;
  }

  public byte kind(int i) {
    return kind[at(i)];
  }

  public boolean isKeyframe(int i) {
    return (flags[at(i)] & KEY) != 0;
  }

  /** Whether frame {@code i} can be muxed (video: its composition offset is known). */
  public boolean isReady(int i) {
    return (flags[at(i)] & READY) != 0;
  }

  public long time90k(int i) {
    return time90k[at(i)];
  }

  public long nativeTime(int i) {
    return nativeTime[at(i)];
  }

  public int compositionOffset(int i) {
    return cto[at(i)];
  }

  /** The sequence number of frame {@code i}. */
  public long seq(int i) {
    at(i);
    return headSeq + i;
  }

  public int length(int i) {
    return length[at(i)];
  }

  public int configId(int i) {
    return config[at(i)];
  }

  /** Copies frame {@code i}'s bytes into {@code dst} from {@code off} ({@link #length} of them). */
  public void read(int i, byte[] dst, int off) throws IOException {
    int a = at(i);
    store.read(position[a], dst, off, length[a]);
  }

  /** Removes the oldest frame, releasing its bytes. */
  public void removeFirst() {
    if (count == 0) {
      throw new IllegalStateException("empty");
    }
    if (kind[head] == VIDEO && (flags[head] & KEY) != 0 && keyCount > 0 && keys[keyHead] == headSeq) {
      keyHead = (keyHead + 1) % keys.length;
      keyCount--;
    }
    payloadBytes -= length[head];
    if (kind[head] == VIDEO) {
      videoHeld--;
    }
    head = (head + 1) % kind.length;
    count--;
    headSeq++;
    if (count == 0) {
      store.clear();
    } else {
      store.releaseBefore(position[head]);
    }
  }

  /** Payload bytes held (frame bytes only). */
  public long payloadBytes() {
    return payloadBytes;
  }

  /** Memory (or disk) taken: the store's slabs plus the per-frame arrays. */
  public long allocatedBytes() {
    return store.allocatedBytes() + (long) kind.length * (1 + 1 + 8 + 8 + 4 + 4 + 4 + 8)
        + keys.length * 8L;
  }

  /**
   * Video frames that left (or never entered) the buffer without being muxed, for {@code reason}
   * ({@link #OUT_OF_WINDOW}, {@link #OVER_BYTES}, {@link #BEFORE_KEYFRAME}, {@link
   * #AT_RECORDING_END}).
   */
  public long videoFramesGone(int reason) {
    return videoGone[reason];
  }

  /** Video frames held now. */
  public int videoFramesHeld() {
    return videoHeld;
  }

  /** Audio and metadata discarded because no keyframe was held or the byte bound was reached. */
  public long discardedOtherFrames() {
    return discardedOther;
  }

  /** GOPs evicted (the normal sliding of the window, plus overflows). */
  public long evictedGops() {
    return evictedGops;
  }

  /** Decode time (90 kHz) of the oldest keyframe held, or {@link Long#MIN_VALUE}. */
  public long oldestKeyframeTime90k() {
    return keyCount == 0 ? Long.MIN_VALUE : time90k[index(keys[keyHead])];
  }

  /** Decode time (90 kHz) of the newest video frame appended, or {@link Long#MIN_VALUE}. */
  public long newestVideoTime90k() {
    return newestVideoTime90k;
  }

  @Override
  public void close() throws IOException {
    store.close();
  }

  private void evictOldestGop(int reason) {
    long end = keyCount >= 2 ? keys[(keyHead + 1) % keys.length] : headSeq + count;
    while (headSeq < end) {
      evictFirst(reason);
    }
    evictedGops++;
  }

  private void evictAll(int reason) {
    while (count > 0) {
      evictFirst(reason);
    }
  }

  private void evictFirst(int reason) {
    if (kind[head] == VIDEO) {
      videoGone[reason]++;
    }
    removeFirst();
  }

  private long push(byte k, byte[] src, int off, int len, long t90k, long tNative, byte f, int cfg)
      throws IOException {
    if (count == kind.length) {
      grow();
    }
    long pos = store.append(src, off, len);
    int i = (head + count) % kind.length;
    kind[i] = k;
    flags[i] = f;
    time90k[i] = t90k;
    nativeTime[i] = tNative;
    cto[i] = 0;
    length[i] = len;
    config[i] = cfg;
    position[i] = pos;
    count++;
    payloadBytes += len;
    if (k == VIDEO) {
      videoHeld++;
    }
    return headSeq + count - 1;
  }

  private void pushKey(long seq) {
    if (keyCount == keys.length) {
      long[] grown = new long[keys.length * 2];
      for (int k = 0; k < keyCount; k++) {
        grown[k] = keys[(keyHead + k) % keys.length];
      }
      keys = grown;
      keyHead = 0;
    }
    keys[(keyHead + keyCount++) % keys.length] = seq;
  }

  private void grow() {
    int n = kind.length * 2;
    kind = unwrap(kind, n);
    flags = unwrap(flags, n);
    time90k = unwrap(time90k, n);
    nativeTime = unwrap(nativeTime, n);
    cto = unwrap(cto, n);
    length = unwrap(length, n);
    config = unwrap(config, n);
    position = unwrap(position, n);
    head = 0;
  }

  private byte[] unwrap(byte[] a, int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < count; i++) {
      out[i] = a[(head + i) % a.length];
    }
    return out;
  }

  private int[] unwrap(int[] a, int n) {
    int[] out = new int[n];
    for (int i = 0; i < count; i++) {
      out[i] = a[(head + i) % a.length];
    }
    return out;
  }

  private long[] unwrap(long[] a, int n) {
    long[] out = new long[n];
    for (int i = 0; i < count; i++) {
      out[i] = a[(head + i) % a.length];
    }
    return out;
  }

  private int at(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("frame " + i + " of " + count);
    }
    return (head + i) % kind.length;
  }

  private int index(long seq) {
    return (head + (int) (seq - headSeq)) % kind.length;
  }
}
