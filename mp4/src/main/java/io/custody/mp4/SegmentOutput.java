package io.custody.mp4;

import java.io.IOException;

/**
 * Where the recorder's segments go. For each segment the recorder asks for a {@link
 * FragmentSink} and streams the fragmented MP4 into it: the initialization part, each fragment as
 * it completes (at most one fragment is held in memory), then the end, which says whether the
 * segment is the last of its recording ({@link FragmentSink#end}). The sealing stage
 * implements this to encrypt and sign per fragment; {@code io.custody.recorder.FileSegmentOutput} writes plain files.
 *
 * <p>Called from the thread that feeds the recorder, one segment at a time. A sink that blocks
 * blocks the feeding thread (that is the recorder's back-pressure).
 */
@FunctionalInterface
public interface SegmentOutput {
  /** Opens the sink for a new segment. */
  FragmentSink open(SegmentDescriptor segment) throws IOException;
}
