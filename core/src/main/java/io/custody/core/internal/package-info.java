/**
 * Internals of the recorder: the pre-event ring buffer ({@link
 * io.custody.core.internal.PreEventBuffer}), where its bytes live ({@link
 * io.custody.core.internal.SlabPayloadStore}, {@link io.custody.core.internal.EncryptedSpillStore})
 * and how raw streams get timestamps ({@link io.custody.core.internal.VideoTimestamper}). Public
 * only so the benchmarks can measure them; not an API, and free to change.
 */
package io.custody.core.internal;
