package io.custody.core;

/**
 * Counters of a {@link Recorder}, read with {@link Recorder#stats()}: nothing the recorder drops
 * goes uncounted.
 *
 * @param videoFramesFed access units fed
 * @param audioFramesFed audio frames fed
 * @param videoFramesWritten video samples written to segments
 * @param videoFramesDiscarded video dropped: before a keyframe (the buffer is keyframe aligned),
 *     a GOP that alone overflowed the buffer's byte bound, or a picture whose parameter sets
 *     changed without a keyframe
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
    long audioFramesFed,
    long videoFramesWritten,
    long videoFramesDiscarded,
    long audioFramesDiscarded,
    long gopsEvicted,
    long bufferPayloadBytes,
    long bufferAllocatedBytes,
    long segmentsWritten,
    long recordings,
    long streamTime90k) {}
