package io.custody.mp4;

import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AnnexBScanner;
import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.h264.SequenceParameterSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses an H.264 clip with the codec and derives MP4 timing from the frame rate and picture
 * order counts, the way a recorder that gets no timestamps from the camera must.
 *
 * <p>Decode time of access unit {@code i} is {@code i × frameDuration}. Presentation order is
 * the order of (IDR period, PicOrderCnt); with {@code p(i)} the presentation index and {@code
 * delay} the largest {@code i - p(i)} (the reorder delay), the composition offset is {@code (p(i)
 * - i + delay) × frameDuration}: never negative, so no edit list or negative offset is needed,
 * and presentation starts at {@code delay × frameDuration}.
 */
final class ClipMuxer {
  final List<AccessUnit> accessUnits = new ArrayList<>();
  final long[] decodeTimes;
  final int[] compositionOffsets;
  final int[] presentationIndex;
  final int frameDuration;
  final int reorderDelay;
  final VideoTrackConfig videoConfig;

  ClipMuxer(byte[] annexB, int timescale) {
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> accessUnits.add(au.copy()));
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    scanner.feed(annexB);
    scanner.finish();
    assembler.finish();
    int n = accessUnits.size();
    SequenceParameterSet sps = accessUnits.get(0).sps();
    long num = sps.frameRateNumerator();
    long den = sps.frameRateDenominator();
    if (timescale * den % num != 0) {
      throw new IllegalArgumentException("frame duration not whole in timescale " + timescale);
    }
    frameDuration = (int) (timescale * den / num);
    long[] period = new long[n];
    long p = -1;
    for (int i = 0; i < n; i++) {
      if (accessUnits.get(i).isIdr()) {
        p++;
      }
      period[i] = p;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingLong(i -> period[i])
        .thenComparingInt(i -> accessUnits.get(i).picOrderCnt()));
    presentationIndex = new int[n];
    for (int k = 0; k < n; k++) {
      presentationIndex[order.get(k)] = k;
    }
    int delay = 0;
    for (int i = 0; i < n; i++) {
      delay = Math.max(delay, i - presentationIndex[i]);
    }
    reorderDelay = delay;
    decodeTimes = new long[n];
    compositionOffsets = new int[n];
    for (int i = 0; i < n; i++) {
      decodeTimes[i] = (long) i * frameDuration;
      compositionOffsets[i] = (presentationIndex[i] - i + delay) * frameDuration;
    }
    AccessUnit first = accessUnits.get(0);
    videoConfig = VideoTrackConfig.builder(AvcDecoderConfigurationRecord.of(first.sps(),
        first.pps())).timescale(timescale).build();
  }

  int size() {
    return accessUnits.size();
  }

  long endTime() {
    return (long) size() * frameDuration;
  }

  /** Presentation time of access unit {@code i} (decode order). */
  long presentationTime(int i) {
    return decodeTimes[i] + compositionOffsets[i];
  }

  void addVideo(FragmentedMp4Writer w, int i) throws java.io.IOException {
    w.addVideo(accessUnits.get(i), decodeTimes[i], compositionOffsets[i]);
  }
}
