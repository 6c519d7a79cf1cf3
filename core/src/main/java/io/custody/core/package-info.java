/**
 * The write path after the codec, for camera and dock integrators.
 *
 * <p>{@link io.custody.core.Recorder} is the entry point: feed it the encoder's H.264 (and AAC,
 * GPS fixes, markers, mute switches); it keeps a keyframe-aligned pre-event window and, on a
 * {@link io.custody.core.Trigger}, writes the window and everything after it as segments of
 * fragmented MP4 to a {@link io.custody.core.SegmentOutput} ({@link
 * io.custody.core.FileSegmentOutput} for plain files; the sealing stage provides the evidence
 * one). {@link io.custody.core.RecorderListener} hears about recordings and segments; {@link
 * io.custody.core.RecorderStats} counts everything, dropped frames included.
 *
 * <p>The muxer itself is in {@link io.custody.core.mp4}; buffer internals are in {@code
 * io.custody.core.internal} and not part of the API.
 */
package io.custody.core;
