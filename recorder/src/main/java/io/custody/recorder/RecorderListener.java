package io.custody.recorder;

import io.custody.mp4.FrameLoss;
import io.custody.mp4.RecordingInfo;

/**
 * Events from a {@link Recorder}, called on the feeding thread while the recorder's lock is held:
 * keep them short and do not call back into the recorder.
 */
public interface RecorderListener {
  /** A recording started (its first segment opens with its first frame). */
  default void recordingStarted(RecordingInfo recording) {}

  /** A segment was closed and its sink ended. */
  default void segmentClosed(SegmentSummary segment) {}

  /** A recording ended: stopped, closed, or continued by another at the maximum length. */
  default void recordingStopped(RecordingInfo recording) {}

  /**
   * Pictures were lost after a trigger (the segment output failed): always an error. The failure
   * itself reaches the feeding call as an exception right after this.
   */
  default void framesDropped(FrameLoss loss) {}
}
