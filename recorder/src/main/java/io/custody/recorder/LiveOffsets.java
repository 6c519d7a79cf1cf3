package io.custody.recorder;

import java.util.Arrays;

/**
 * The live composition-offset path of raw Annex-B input. While recording with nothing queued, a
 * picture goes from the assembler straight into the segment writer, before the timestamper's
 * reorder window knows its presentation time: the writer takes it with a provisional composition
 * offset, kept here by sequence number and sample number, and {@link #settle} sets the real one
 * when the timestamper gives it. At most a reorder window of pictures waits. {@link #canMux} is the
 * rule that keeps every offset settled before the fragment holding its picture is written. Not
 * thread-safe (the recorder's lock guards it).
 */
final class LiveOffsets {
  private long[] seq = new long[32];
  private long[] sample = new long[32];
  private int count;

  /** Picture {@code seq} went into the open segment's writer as video sample {@code sample}, its offset unknown. */
  void defer(long seq, long sample) {
    if (count == this.seq.length) {
      this.seq = Arrays.copyOf(this.seq, count * 2);
      this.sample = Arrays.copyOf(this.sample, count * 2);
    }
    this.seq[count] = seq;
    this.sample[count] = sample;
    count++;
  }

  /**
   * Sets picture {@code seq}'s composition offset in {@code recording}'s writer if it went there
   * unsettled; returns false if it did not (it is in the buffer).
   */
  boolean settle(long seq, int cto, Segmenter recording) {
    for (int i = 0; i < count; i++) {
      if (this.seq[i] == seq) {
        recording.setCompositionOffset(sample[i], cto);
        count--;
        this.seq[i] = this.seq[count];
        sample[i] = sample[count];
        return true;
      }
    }
    return false;
  }

  /** Forgets every unsettled picture: it went down with its segment, or its recording ended. */
  void clear() {
    count = 0;
  }

  /**
   * Whether a picture can be muxed now, its composition offset known or not. A recording's first
   * picture waits for its offset (its presentation time starts the recording), as does a keyframe
   * that would start a continuation; a picture that would write the pending fragment (a keyframe,
   * or one that fills the fragment) waits until every unsettled offset is settled.
   */
  boolean canMux(Segmenter recording, int len, long dts, boolean key, boolean ctoKnown) {
    if (!recording.hasWriter()) {
      return ctoKnown;
    }
    if (key) {
      return count == 0 && (ctoKnown || !recording.reachedMaxLength(dts));
    }
    return count == 0 || !recording.cutsFragmentBefore(len, dts);
  }
}
