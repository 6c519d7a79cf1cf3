/**
 * Internals of the recorder: the pre-event ring buffer ({@link
 * io.custody.recorder.internal.PreEventBuffer}), where its bytes live ({@link
 * io.custody.recorder.internal.SlabPayloadStore}, {@link io.custody.recorder.internal.EncryptedSpillStore})
 * and how raw streams get timestamps ({@link io.custody.recorder.internal.VideoTimestamper}). Public
 * only so the benchmarks can measure them; not an API, and free to change.
 */
package io.custody.recorder.internal;
