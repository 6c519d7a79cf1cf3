package io.custody.recorder;

import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentInfo;
import java.util.Objects;

/**
 * A segment that was closed, as reported to {@link RecorderListener#segmentClosed}.
 *
 * @param descriptor what it is
 * @param info what the writer put in it (fragments, bytes, per-track spans)
 * @param videoFrames video samples written
 * @param lastInRecording whether the recording ended with this segment
 */
public record SegmentSummary(
    SegmentDescriptor descriptor, SegmentInfo info, long videoFrames, boolean lastInRecording) {
  public SegmentSummary {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(info, "info");
  }
}
