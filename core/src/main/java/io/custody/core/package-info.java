/**
 * The write path after the codec: pre-event buffering, segmenting at keyframes, fragmented MP4,
 * the sealed container and the {@code Recorder} API. Built in the core issue.
 */
package io.custody.core;
