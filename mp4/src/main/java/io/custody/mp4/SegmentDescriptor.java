package io.custody.mp4;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SegmentOutput} is told when a segment opens: enough to name, seal and store it.
 *
 * @param recording the recording the segment belongs to
 * @param index the segment's position in the recording, from 0
 * @param wallClockStart when the segment's first frame was captured
 * @param deviceId the camera's id from the recorder's options (empty if not set)
 * @param operatorId the officer's id from the recorder's options (empty if not set)
 * @param framesLostBefore pictures the recorder lost after a trigger since the previous segment it
 *     opened (a failed output), so that the next sealed segment records the loss; usually empty
 */
public record SegmentDescriptor(
    RecordingInfo recording, int index, Instant wallClockStart, String deviceId, String operatorId,
    List<FrameLoss> framesLostBefore) {

  /** A descriptor with no losses to record. */
  public SegmentDescriptor(
      RecordingInfo recording, int index, Instant wallClockStart, String deviceId, String operatorId) {
    this(recording, index, wallClockStart, deviceId, operatorId, List.of());
  }

  /**
   * The segment's deterministic object key, {@code RECORDING_ID/NNNNN} followed by {@code
   * extension}: the same on every dock and store, which is what makes conditional creates safe.
   */
  public String key(String extension) {
    return recording.id() + "/" + String.format(Locale.ROOT, "%05d", index) + extension;
  }

  public SegmentDescriptor {
    Objects.requireNonNull(recording, "recording");
    Objects.requireNonNull(wallClockStart, "wallClockStart");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(operatorId, "operatorId");
    framesLostBefore = List.copyOf(framesLostBefore);
    if (index < 0) {
      throw new IllegalArgumentException("index " + index);
    }
  }
}
