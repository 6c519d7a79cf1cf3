package io.custody.mp4;

import java.time.Instant;
import java.util.List;

/**
 * What one fragment ({@code prft} + {@code moof} + {@code mdat}) holds, handed to the {@link
 * FragmentSink} with its bytes.
 *
 * @param sequenceNumber the {@code mfhd} sequence number: from 1 in a recording's first segment, and
 *     in each later segment on from the previous segment's last (see {@link
 *     FragmentedMp4Writer#continueNumberingAfter})
 * @param tracks one span per track that has samples in the fragment, video first
 * @param startsWithSync whether the first video sample is a sync sample (false only when the
 *     writer had to cut inside a GOP to respect its size limit)
 * @param wallClock the wall-clock time written in the fragment's {@code prft}: when the first
 *     video sample (in decode order) is presented; null only for a last fragment without video
 * @param byteSize bytes of the fragment
 */
public record FragmentInfo(
    long sequenceNumber,
    List<TrackSpan> tracks,
    boolean startsWithSync,
    Instant wallClock,
    int byteSize) {

  public FragmentInfo {
    tracks = List.copyOf(tracks);
  }

  /** The span of {@code kind}, or null when the fragment has no sample of that track. */
  public TrackSpan track(TrackKind kind) {
    for (TrackSpan t : tracks) {
      if (t.kind() == kind) {
        return t;
      }
    }
    return null;
  }
}
