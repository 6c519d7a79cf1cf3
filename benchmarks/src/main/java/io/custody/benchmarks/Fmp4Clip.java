package io.custody.benchmarks;

import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.VideoTrackConfig;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AvcDecoderConfigurationRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A clip muxed once by Custody's fMP4 writer (one fragment per GOP), kept as sealing input. */
final class Fmp4Clip {
  final List<ByteBuffer> fragments = new ArrayList<>();
  final List<FragmentInfo> infos = new ArrayList<>();
  long bytes;
  /** The segment's {@code ftyp} ‖ {@code moov}. */
  ByteBuffer init;
  /** What the muxer reported at the segment's end. */
  SegmentInfo end;

  Fmp4Clip(byte[] annexB) throws IOException {
    this(annexB, Integer.MAX_VALUE);
  }

  /** The clip's first {@code frames} access units only (all of them if it has fewer). */
  Fmp4Clip(byte[] annexB, int frames) throws IOException {
    List<AccessUnit> units = AccessUnitAssembler.readAll(annexB);
    units = units.subList(0, Math.min(frames, units.size()));
    AccessUnit first = units.get(0);
    FragmentedMp4Writer mux = FragmentedMp4Writer.builder(
            VideoTrackConfig.builder(AvcDecoderConfigurationRecord.of(first.sps(), first.pps())).build())
        .wallClockStart(Instant.EPOCH)
        .open(new FragmentSink() {
          @Override
          public void init(ByteBuffer ftypMoov) {
            init = ByteBuffer.allocate(ftypMoov.remaining());
            init.put(ftypMoov).flip();
          }

          @Override
          public void fragment(ByteBuffer b, FragmentInfo info) {
            ByteBuffer copy = ByteBuffer.allocate(b.remaining());
            copy.put(b).flip();
            fragments.add(copy);
            infos.add(info);
            bytes += copy.remaining();
          }

          @Override
          public void end(SegmentInfo info, boolean lastInRecording) {
            end = info;
          }
        });
    for (int i = 0; i < units.size(); i++) {
      mux.addVideo(units.get(i), i * 3000L, 6000);
    }
    mux.finish();
  }
}
