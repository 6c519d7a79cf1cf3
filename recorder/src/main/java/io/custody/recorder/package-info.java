/**
 * The write path after the codec, for camera and dock integrators.
 *
 * <p>{@link io.custody.recorder.Recorder} is the entry point: feed it the encoder's H.264 (and AAC,
 * GPS fixes, markers, mute switches); it keeps a keyframe-aligned pre-event window and, on a
 * {@link io.custody.mp4.Trigger}, writes the window and everything after it as segments of
 * fragmented MP4 to a {@link io.custody.mp4.SegmentOutput} ({@link
 * io.custody.recorder.FileSegmentOutput} for plain files; the sealing stage provides the evidence
 * one). {@link io.custody.recorder.RecorderListener} hears about recordings and segments; {@link
 * io.custody.recorder.RecorderStats} counts everything, dropped frames included.
 *
 * <p>The muxer itself is in {@link io.custody.mp4}; buffer internals are in {@code
 * io.custody.recorder.internal} and not part of the API.
 */
package io.custody.recorder;

import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
