package io.custody.mp4;

import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Muxes every kind of test clip into a fragmented MP4 and checks it with the real tools: ffprobe
 * finds no error and the right stream, packet timestamps and key flags; ffmpeg decodes exactly
 * the frames it decodes from the raw clip.
 */
class ClipMuxIT {
  static final Instant START = Instant.parse("2026-11-25T10:15:30.250Z");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {
    "bwc-1080p30-high.h264",
    "bwc-720p30-main.h264",
    "bwc-720p30-baseline.h264",
    "multislice-720p.h264",
    "aud-sei-720p.h264",
    "openGOP-720p.h264",
    "intra-refresh-720p.h264",
    "interlaced-720p.h264",
    "high444-720p.h264",
    "high10-720p.h264",
    "high422-720p.h264",
    "hfr-720p60.h264",
    "crop-1918x1078.h264",
  })
  void muxedClipProbesCleanAndDecodesFrameExact(String clip) throws Exception {
    JsonNode expected = Clips.expected(clip);
    ClipMuxer clipMuxer = new ClipMuxer(Clips.bytes(clip), 90_000);
    Path out = tmp.resolve(clip.replace(".h264", ".mp4"));
    List<FragmentInfo> fragments = new ArrayList<>();
    ChannelFragmentSink file = ChannelFragmentSink.createFile(out);
    FragmentedMp4Writer w = FragmentedMp4Writer.builder(clipMuxer.videoConfig)
        .wallClockStart(START)
        .open(new RecordingSink(file, fragments));
    for (int i = 0; i < clipMuxer.size(); i++) {
      clipMuxer.addVideo(w, i);
    }
    w.finish(clipMuxer.endTime());

    // One fragment per keyframe, each starting with it.
    List<Long> keyframes = new ArrayList<>();
    expected.get("keyframes").forEach(k -> keyframes.add(k.asLong()));
    assertThat(fragments).hasSize(keyframes.size());
    long first = 0;
    for (int f = 0; f < fragments.size(); f++) {
      assertThat(fragments.get(f).startsWithSync()).isTrue();
      assertThat(first).isEqualTo(keyframes.get(f));
      first += fragments.get(f).track(TrackKind.VIDEO).sampleCount();
    }

    JsonNode probe = Ffmpeg.probe(out);
    JsonNode stream = probe.get("streams").get(0);
    assertThat(probe.get("streams")).hasSize(1);
    assertThat(stream.get("codec_name").asText()).isEqualTo("h264");
    assertThat(stream.get("width").asInt()).isEqualTo(expected.get("width").asInt());
    assertThat(stream.get("height").asInt()).isEqualTo(expected.get("height").asInt());
    assertThat(stream.get("pix_fmt").asText()).isEqualTo(expected.get("pix_fmt").asText());
    assertThat(stream.get("time_base").asText()).isEqualTo("1/90000");
    JsonNode packets = probe.get("packets");
    assertThat(packets).hasSize(expected.get("access_units").asInt());
    List<Long> keyFlags = new ArrayList<>();
    for (int i = 0; i < packets.size(); i++) {
      JsonNode p = packets.get(i);
      assertThat(p.get("dts").asLong()).as("dts of packet %d", i)
          .isEqualTo(clipMuxer.decodeTimes[i]);
      assertThat(p.get("pts").asLong()).as("pts of packet %d", i)
          .isEqualTo(clipMuxer.presentationTime(i));
      if (p.get("flags").asText().startsWith("K")) {
        keyFlags.add((long) i);
      }
    }
    assertThat(keyFlags).isEqualTo(keyframes);

    List<String> source = Ffmpeg.frameMd5(Clips.path(clip), "0:v");
    List<String> muxed = Ffmpeg.frameMd5(out, "0:v");
    assertThat(source).hasSize(expected.get("frames").size());
    assertThat(muxed).isEqualTo(source);
  }

  @Test
  void aParameterSetChangeNeedsANewSegment() throws Exception {
    ClipMuxer clipMuxer = new ClipMuxer(Clips.bytes("sps-change.h264"), 90_000);
    FragmentedMp4Writer w = FragmentedMp4Writer.builder(clipMuxer.videoConfig)
        .wallClockStart(START)
        .open(new FragmentedMp4WriterTest.MemorySink());
    int i = 0;
    while (clipMuxer.accessUnits.get(i).sps() == clipMuxer.accessUnits.get(0).sps()) {
      clipMuxer.addVideo(w, i++);
    }
    assertThat(i).isEqualTo(60);
    int changed = i;
    assertThatThrownBy(() -> clipMuxer.addVideo(w, changed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start a new segment");
    w.finish(clipMuxer.decodeTimes[changed]); // the writer is still usable
  }

  /** Passes everything on to a file and keeps the fragment infos. */
  record RecordingSink(FragmentSink target, List<FragmentInfo> fragments)
      implements FragmentSink {
    @Override
    public void init(java.nio.ByteBuffer ftypMoov) throws java.io.IOException {
      target.init(ftypMoov);
    }

    @Override
    public void fragment(java.nio.ByteBuffer prftMoofMdat, FragmentInfo info)
        throws java.io.IOException {
      assertThat(prftMoofMdat.remaining()).isEqualTo(info.byteSize());
      fragments.add(info);
      target.fragment(prftMoofMdat, info);
    }

    @Override
    public void end(SegmentInfo info, boolean lastInRecording) throws java.io.IOException {
      target.end(info, lastInRecording);
    }
  }
}
