package io.custody.recorder;

import io.custody.mp4.SegmentOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link Recorder}'s settings, copied from its {@link Recorder.Builder} at {@code build()} and
 * fixed from then on: changing the builder afterwards changes no recorder. Every value was checked
 * when it was set. Times are in 90 kHz ticks.
 *
 * @param streamStart when stream time 0 was captured, or null: when the first frame is fed
 * @param frameRateSet whether {@code frameRateNum/frameRateDen} was set rather than defaulted
 */
record RecorderOptions(
    SegmentOutput output,
    long preEventTicks,
    long preEventMaxBytes,
    boolean audioInPreEvent,
    PreEventStorage storage,
    long segmentTicks,
    long segmentMaxBytes,
    long maxRecordingTicks,
    Duration fragmentDuration,
    long frameRateNum,
    long frameRateDen,
    boolean frameRateSet,
    Clock clock,
    Instant streamStart,
    String deviceId,
    String operatorId,
    RecorderListener listener) {}
