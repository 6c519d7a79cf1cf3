package io.custody.mp4;

import java.time.Duration;
import java.util.Objects;

/**
 * Pictures lost after a trigger, reported to {@code RecorderListener.framesDropped}: always an
 * error, also counted in {@code RecorderStats.videoFramesDropped()}.
 *
 * @param recordingId the recording they belonged to
 * @param segmentIndex the segment that was open when they were lost
 * @param reason why
 * @param frames how many pictures
 * @param streamTime the stream time of the newest picture fed when it happened
 */
public record FrameLoss(String recordingId, int segmentIndex, FrameDrop reason, long frames,
    Duration streamTime) {
  public FrameLoss {
    Objects.requireNonNull(recordingId, "recordingId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(streamTime, "streamTime");
  }
}
