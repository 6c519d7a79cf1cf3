package io.custody.mp4;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One recording: the footage from one trigger to its stop, cut into segments.
 *
 * @param id unique id (a random UUID), also in every segment's descriptor
 * @param trigger why it started
 * @param previousRecordingId the recording this one continues when the previous one hit the
 *     maximum length (nothing was lost between them), or empty
 * @param wallClockStart when its first frame was captured
 * @param preEventMillis how much footage before the trigger it starts with
 */
public record RecordingInfo(
    String id,
    Trigger trigger,
    Optional<String> previousRecordingId,
    Instant wallClockStart,
    long preEventMillis) {
  public RecordingInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(previousRecordingId, "previousRecordingId");
    Objects.requireNonNull(wallClockStart, "wallClockStart");
  }
}
