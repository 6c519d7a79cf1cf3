package io.custody.mp4;

import java.util.List;

/**
 * What a finished segment holds, handed to {@link FragmentSink#end}.
 *
 * @param fragmentCount fragments written
 * @param byteSize bytes of the whole segment, {@code ftyp} and {@code moov} included
 * @param tracks one span per configured track over the whole segment (a track without samples
 *     has count 0 and duration 0)
 */
public record SegmentInfo(long fragmentCount, long byteSize, List<TrackSpan> tracks) {
  public SegmentInfo {
    tracks = List.copyOf(tracks);
  }
}
