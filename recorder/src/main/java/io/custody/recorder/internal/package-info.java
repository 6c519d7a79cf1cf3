/**
 * Internals of the recorder: the pre-event ring buffer ({@link
 * io.custody.recorder.internal.PreEventBuffer}), where its bytes live ({@link
 * io.custody.recorder.internal.SlabPayloadStore}, {@link io.custody.recorder.internal.EncryptedSpillStore})
 * and how raw streams get timestamps ({@link io.custody.recorder.internal.VideoTimestamper}). Public
 * only so the benchmarks can measure them; not an API, and free to change.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>Used only by {@code io.custody.recorder} (and the benchmarks): no other module depends on
 *       this package.
 *   <li>Not thread-safe: the {@code Recorder}'s lock guards every call.
 *   <li>Memory is bounded by what the recorder's settings say (the pre-event window's seconds and
 *       bytes, the reorder window); the spill store's key lives only in memory and its file has no
 *       name while in use.
 *   <li>Every frame that leaves the buffer other than into a segment is counted by reason, so the
 *       recorder can account for every frame fed.
 * </ul>
 */
package io.custody.recorder.internal;
