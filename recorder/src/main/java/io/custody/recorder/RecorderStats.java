package io.custody.recorder;

import io.custody.mp4.FrameDrop;
import java.util.Map;

/**
 * Counters of a {@link Recorder}, read with {@link Recorder#stats()}: every video access unit fed
 * is accounted for. It is sealed, still in flight (in the pre-event window or a fragment being
 * filled), evicted under a documented rule ({@link FrameEviction}), or dropped after a trigger
 * ({@link FrameDrop}, always an error), so {@link #accountedFor()} holds at every moment, and once
 * the recorder is closed nothing is in flight. An access unit rejected with an exception (malformed
 * input, decode times that do not increase) is not counted as fed.
 *
 * @param videoFramesFed access units fed ({@code frames_in})
 * @param videoFramesSealed pictures in fragments the segment output accepted ({@code
 *     frames_sealed})
 * @param videoFramesInFlight pictures held now: in the pre-event window, waiting for their
 *     presentation order, or in the fragment being filled
 * @param videoFramesEvicted pictures evicted, by reason (every reason present, zero or more)
 * @param videoFramesDropped pictures lost after a trigger, by reason (every reason present)
 * @param audioFramesFed audio frames fed
 * @param audioFramesDiscarded audio dropped: before any keyframe, while muted, over the byte
 *     bound, or of a different configuration than the recording's
 * @param gopsEvicted GOPs that slid out of the pre-event window or byte bound
 * @param bufferPayloadBytes frame bytes in the pre-event buffer now
 * @param bufferAllocatedBytes memory (or spill file) the buffer holds now, payload included
 * @param segmentsWritten segments closed
 * @param recordings recordings started
 * @param streamTime90k decode time of the newest video frame fed (90 kHz ticks from the first),
 *     or -1 before any: "now" on the stream's clock
 */
public record RecorderStats(
    long videoFramesFed,
    long videoFramesSealed,
    long videoFramesInFlight,
    Map<FrameEviction, Long> videoFramesEvicted,
    Map<FrameDrop, Long> videoFramesDropped,
    long audioFramesFed,
    long audioFramesDiscarded,
    long gopsEvicted,
    long bufferPayloadBytes,
    long bufferAllocatedBytes,
    long segmentsWritten,
    long recordings,
    long streamTime90k) {

  public RecorderStats {
    videoFramesEvicted = Map.copyOf(videoFramesEvicted);
    videoFramesDropped = Map.copyOf(videoFramesDropped);
  }

  /** Pictures evicted for any reason. */
  public long videoFramesEvictedTotal() {
    return videoFramesEvicted.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Pictures dropped after a trigger for any reason: nonzero means footage was lost. */
  public long videoFramesDroppedTotal() {
    return videoFramesDropped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether fed = sealed + in flight + evicted + dropped, which the recorder guarantees. */
  public boolean accountedFor() {
    return videoFramesFed
        == videoFramesSealed + videoFramesInFlight + videoFramesEvictedTotal() + videoFramesDroppedTotal();
  }
}
