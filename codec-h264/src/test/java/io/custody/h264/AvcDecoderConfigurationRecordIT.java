package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The avcC built from a clip's parameter sets equals the one FFmpeg writes when it muxes it. */
class AvcDecoderConfigurationRecordIT {

  @ParameterizedTest
  @ValueSource(strings = {"bwc-1080p30-high.h264", "bwc-720p30-baseline.h264", "bwc-720p30-main.h264",
      "high444-720p.h264", "high10-720p.h264", "crop-1918x1078.h264"})
  void equalsFfmpegsAvcC(String clip, @TempDir Path dir) throws Exception {
    List<SequenceParameterSet> sps = new ArrayList<>();
    List<PictureParameterSet> pps = new ArrayList<>();
    AnnexBScanner scanner = new AnnexBScanner(nal -> {
      if (nal.type() == NalUnitType.SPS && sps.isEmpty()) {
        sps.add(SequenceParameterSet.parse(nal.toByteArray()));
      } else if (nal.type() == NalUnitType.PPS && pps.isEmpty()) {
        pps.add(PictureParameterSet.parse(nal.toByteArray(), id -> sps.get(0)));
      }
    });
    scanner.feed(Clips.bytes(clip));
    scanner.finish();
    byte[] ours = AvcDecoderConfigurationRecord.of(sps.get(0), pps.get(0)).toByteArray();

    Path mp4 = dir.resolve("out.mp4");
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-i",
        Clips.dir().resolve(clip).toString(), "-c", "copy", "-f", "mp4", mp4.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isZero();
    assertThat(ours).isEqualTo(avcCOf(Files.readAllBytes(mp4)));

    AvcDecoderConfigurationRecord back = AvcDecoderConfigurationRecord.parse(ours);
    assertThat(back.sequenceParameterSets().get(0).sameBytes(sps.get(0))).isTrue();
    assertThat(back.pictureParameterSets().get(0).sameBytes(pps.get(0))).isTrue();
  }

  private static byte[] avcCOf(byte[] mp4) throws IOException {
    for (int i = 4; i + 4 < mp4.length; i++) {
      if (mp4[i] == 'a' && mp4[i + 1] == 'v' && mp4[i + 2] == 'c' && mp4[i + 3] == 'C') {
        int size = ((mp4[i - 4] & 0xff) << 24) | ((mp4[i - 3] & 0xff) << 16)
            | ((mp4[i - 2] & 0xff) << 8) | (mp4[i - 1] & 0xff);
        return Arrays.copyOfRange(mp4, i + 4, i - 4 + size);
      }
    }
    throw new IOException("no avcC box in FFmpeg's output");
  }

  @Test
  void codecStringNamesProfileConstraintsAndLevel() throws Exception {
    byte[] clip = Clips.bytes("bwc-1080p30-high.h264");
    SequenceParameterSet[] sps = new SequenceParameterSet[1];
    PictureParameterSet[] pps = new PictureParameterSet[1];
    AnnexBScanner scanner = new AnnexBScanner(nal -> {
      if (nal.type() == NalUnitType.SPS) {
        sps[0] = SequenceParameterSet.parse(nal.toByteArray());
      } else if (nal.type() == NalUnitType.PPS) {
        pps[0] = PictureParameterSet.parse(nal.toByteArray(), id -> sps[0]);
      }
    });
    scanner.feed(clip);
    scanner.finish();
    assertThat(AvcDecoderConfigurationRecord.of(sps[0], pps[0]).codecString()).isEqualTo("avc1.640028");
  }

  @Test
  void truncatedRecordIsRejected() {
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(new byte[] {1, 100, 0, 40, (byte) 0xff, (byte) 0xe1, 0, 30}))
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.TRUNCATED));
  }
}
