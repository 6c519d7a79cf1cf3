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
 * io.custody.recorder.internal} and not part of the API. Package-private here: the recorder's
 * fixed settings ({@code RecorderOptions}), the cutting of a recording into segments ({@code
 * Segmenter}), the live composition-offset path of raw input ({@code LiveOffsets}) and the 90 kHz
 * stream clock every time conversion goes through ({@code Clock90k}).
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>Settings are checked when set ({@link io.custody.mp4.InvalidSettingException} names the
 *       setting) and copied at {@code build()}: a running recorder never sees its builder again.
 *   <li>One lock guards each recorder; segments are written on the feeding thread, and a slow
 *       output blocks it (memory never grows with a slow sink).
 *   <li>Every video frame fed is accounted for: sealed, in flight, evicted under a documented rule
 *       or dropped after a failed output, which is always reported.
 *   <li>Times on the stream timeline are 90 kHz ticks; nothing depends on the default locale, time
 *       zone or charset.
 *   <li>A segment that cannot be finished (its output failed, or the recorder is closing after a
 *       failure) is aborted: its sink releases its file, which stays unfinished for recovery.
 * </ul>
 */
package io.custody.recorder;
