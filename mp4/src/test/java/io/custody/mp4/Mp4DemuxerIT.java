package io.custody.mp4;

import io.custody.aac.AacConfig;
import io.custody.aac.AdtsFrame;
import io.custody.aac.AdtsReader;
import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MP4 files made by FFmpeg from the test clips (plain with moov last, plain with moov first,
 * fragmented) read back as the same access units and the same AAC frames; cut-short and non-MP4
 * files are refused with a typed reason.
 */
class Mp4DemuxerIT {
  @TempDir Path dir;

  private Path mux(String name, String... movflags) throws Exception {
    Path out = dir.resolve(name);
    if (movflags.length > 0) {
      // Remuxed from a plain MP4: with empty_moov the AAC configuration must be known up front.
      Ffmpeg.run("ffmpeg", "-v", "error", "-y", "-i", mux("plain-" + name).toString(), "-c", "copy",
          movflags[0], movflags[1], out.toString());
      return out;
    }
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "h264", "-framerate", "30",
        "-i", Clips.path("bwc-1080p30-high.h264").toString(), "-i", Clips.path("bwc-1080p30-audio.aac").toString(),
        "-map", "0:v", "-map", "1:a", "-c", "copy", "-bsf:a", "aac_adtstoasc", "-shortest"));
    cmd.add(out.toString());
    Ffmpeg.run(cmd.toArray(String[]::new));
    return out;
  }

  private static List<byte[]> accessUnits(byte[] annexB) {
    List<byte[]> out = new ArrayList<>();
    for (AccessUnit au : AccessUnitAssembler.readAll(annexB)) {
      // NAL unit payloads only: compare what the decoder gets, not where parameter sets repeat
      java.io.ByteArrayOutputStream slices = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < au.nalUnitCount(); i++) {
        int type = au.nalUnitType(i);
        if (type != 7 && type != 8 && type != 9) {
          slices.write(au.data(), au.nalUnitOffset(i), au.nalUnitLength(i));
        }
      }
      out.add(slices.toByteArray());
    }
    return out;
  }

  private static List<byte[]> aacFrames(byte[] adts) {
    return AdtsReader.readAll(adts).stream().map(AdtsFrame::toByteArray).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "faststart", "fragmented"})
  void readsTheSameAccessUnitsAndAudioFramesAsTheSource(String kind) throws Exception {
    Path mp4 = switch (kind) {
      case "faststart" -> mux("f.mp4", "-movflags", "+faststart");
      case "fragmented" -> mux("g.mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof");
      default -> mux("p.mp4");
    };
    List<byte[]> want = accessUnits(Clips.bytes("bwc-1080p30-high.h264"));
    List<byte[]> wantAudio = aacFrames(Clips.bytes("bwc-1080p30-audio.aac"));
    try (Mp4Demuxer d = Mp4Demuxer.open(mp4)) {
      byte[] annexB;
      byte[] adts;
      try (InputStream v = d.videoAnnexB(); InputStream a = d.audioAdts()) {
        annexB = v.readAllBytes();
        adts = a.readAllBytes();
      }
      assertThat(d.videoSamples()).isEqualTo(want.size());
      List<byte[]> got = accessUnits(annexB);
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < want.size(); i++) {
        assertThat(got.get(i)).as("access unit %d", i).isEqualTo(want.get(i));
      }
      assertThat(d.audioConfig()).contains(AacConfig.lc(48000, 2));
      List<byte[]> gotAudio = aacFrames(adts);
      assertThat(gotAudio).hasSize(d.audioSamples()).isNotEmpty();
      for (int i = 0; i < gotAudio.size(); i++) {
        assertThat(gotAudio.get(i)).as("AAC frame %d", i).isEqualTo(wantAudio.get(i));
      }
    }
  }

  @Test
  void aCutShortFileIsRefusedBeforeAnythingIsRead() throws Exception {
    for (Path mp4 : List.of(mux("p.mp4"), mux("f.mp4", "-movflags", "+faststart"),
        mux("g.mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof"))) {
      byte[] whole = Files.readAllBytes(mp4);
      for (double keep : new double[] {0.1, 0.5, 0.97}) {
        Path cut = dir.resolve("cut.mp4");
        Files.write(cut, Arrays.copyOf(whole, (int) (whole.length * keep)));
        assertThatThrownBy(() -> Mp4Demuxer.open(cut).close()).as("%s cut at %s", mp4.getFileName(), keep)
            .isInstanceOfSatisfying(Mp4FormatException.class,
                e -> assertThat(e.reason()).isIn(Mp4FormatException.Reason.TRUNCATED, Mp4FormatException.Reason.MALFORMED))
            .hasMessageContaining("cut short");
      }
    }
  }

  @Test
  void somethingElseIsNotAnMp4() throws IOException {
    Path h264 = Clips.path("bwc-720p30-main.h264");
    assertThatThrownBy(() -> Mp4Demuxer.open(h264))
        .isInstanceOfSatisfying(Mp4FormatException.class, e -> assertThat(e.reason()).isEqualTo(Mp4FormatException.Reason.NOT_MP4));
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    assertThatThrownBy(() -> Mp4Demuxer.open(empty)).isInstanceOf(Mp4FormatException.class)
        .hasMessageContaining("no 'moov'");
  }

  @Test
  void damagedFilesAreReadOrRefusedWithATypedError() throws Exception {
    // Seeded byte damage in the box structure of plain and fragmented files: every outcome is a
    // whole read or an Mp4FormatException, never another exception or a hang.
    java.util.Random random = new java.util.Random(20261125);
    int refused = 0;
    for (Path mp4 : List.of(mux("p.mp4", "-movflags", "+faststart"),
        mux("g.mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof"))) {
      byte[] whole = Files.readAllBytes(mp4);
      for (int round = 0; round < 150; round++) {
        byte[] b = whole.clone();
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          int at = random.nextInt(Math.min(b.length, 4096)); // where the boxes and tables are
          b[at] = (byte) random.nextInt(256);
        }
        Path damaged = dir.resolve("damaged.mp4");
        Files.write(damaged, b);
        try (Mp4Demuxer d = Mp4Demuxer.open(damaged); InputStream v = d.videoAnnexB(); InputStream a = d.audioAdts()) {
          v.transferTo(OutputStream.nullOutputStream());
          a.transferTo(OutputStream.nullOutputStream());
        } catch (Mp4FormatException e) {
          refused++;
        }
      }
    }
    assertThat(refused).isPositive();
  }
}
