package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every clip's parsed facts against what ffprobe (the oracle) says about the same file. */
class ClipConformanceTest {

  static List<String> clips() {
    return Clips.h264();
  }

  @Test
  void allClipsArePresent() {
    assertThat(clips()).hasSizeGreaterThanOrEqualTo(16);
  }

  @ParameterizedTest
  @MethodSource("clips")
  void streamFactsMatchFfprobe(String clip) throws Exception {
    JsonNode want = Clips.expected(clip);
    StreamSummary s = StreamSummary.read(new ByteArrayInputStream(Clips.bytes(clip)));

    assertThat(s.width()).as("width").isEqualTo(want.get("width").asInt());
    assertThat(s.height()).as("height").isEqualTo(want.get("height").asInt());
    assertThat(s.profileIdc()).as("profile_idc").isEqualTo(want.get("profile_idc").asInt());
    assertThat(s.levelIdc()).as("level_idc").isEqualTo(want.get("sps").get(0).get("level_idc").asInt());
    if (want.get("sps").size() == 1) {
      assertThat(s.levelIdc()).as("stream level").isEqualTo(want.get("level_idc").asInt());
    }
    if (want.get("sps").get(0).path("timing_info_present_flag").asInt() == 1) {
      assertThat(s.fps()).as("fps").isEqualTo(want.get("fps").asDouble());
    } else {
      // No VUI timing (OpenH264's clips): ffprobe's 25 fps is its raw H.264 demuxer's default
      // -framerate, not a fact of the stream; the parser reports the rate as not signalled.
      assertThat(s.fps()).as("fps of a stream without VUI timing").isZero();
    }
    assertThat(s.accessUnits()).as("access units").isEqualTo(want.get("access_units").asLong());
    List<Long> keyframes = new ArrayList<>();
    want.get("keyframes").forEach(k -> keyframes.add(k.asLong()));
    assertThat(s.keyframes()).as("keyframes").isEqualTo(keyframes);
  }

  @ParameterizedTest
  @MethodSource("clips")
  void parameterSetFieldsMatchTraceHeaders(String clip) throws Exception {
    JsonNode want = Clips.expected(clip);
    List<SequenceParameterSet> sps = new ArrayList<>();
    List<PictureParameterSet> pps = new ArrayList<>();
    AnnexBScanner scanner =
        new AnnexBScanner(
            nal -> {
              if (nal.type() == NalUnitType.SPS) {
                SequenceParameterSet p = SequenceParameterSet.parse(nal.toByteArray());
                if (sps.stream().noneMatch(p::sameBytes)) {
                  sps.add(p);
                }
              } else if (nal.type() == NalUnitType.PPS) {
                PictureParameterSet p = PictureParameterSet.parse(nal.toByteArray(), id -> sps.get(sps.size() - 1));
                if (pps.stream().noneMatch(p::sameBytes)) {
                  pps.add(p);
                }
              }
            });
    scanner.feed(Clips.bytes(clip));
    scanner.finish();

    assertThat(sps).hasSize(want.get("sps").size());
    for (int i = 0; i < sps.size(); i++) {
      SequenceParameterSet got = sps.get(i);
      JsonNode w = want.get("sps").get(i);
      assertThat(got.profileIdc()).isEqualTo(w.get("profile_idc").asInt());
      assertThat(got.levelIdc()).isEqualTo(w.get("level_idc").asInt());
      assertThat(got.id()).isEqualTo(w.get("seq_parameter_set_id").asInt());
      assertThat(got.chromaFormatIdc()).isEqualTo(w.path("chroma_format_idc").asInt(1));
      assertThat(got.bitDepthLuma()).isEqualTo(8 + w.path("bit_depth_luma_minus8").asInt(0));
      assertThat(got.bitDepthChroma()).isEqualTo(8 + w.path("bit_depth_chroma_minus8").asInt(0));
      assertThat(got.log2MaxFrameNum()).isEqualTo(4 + w.get("log2_max_frame_num_minus4").asInt());
      assertThat(got.picOrderCntType()).isEqualTo(w.get("pic_order_cnt_type").asInt());
      assertThat(got.maxNumRefFrames()).isEqualTo(w.get("max_num_ref_frames").asInt());
      assertThat(got.picWidthInMbs()).isEqualTo(1 + w.get("pic_width_in_mbs_minus1").asInt());
      assertThat(got.picHeightInMapUnits()).isEqualTo(1 + w.get("pic_height_in_map_units_minus1").asInt());
      assertThat(got.frameMbsOnly()).isEqualTo(w.get("frame_mbs_only_flag").asInt() == 1);
      assertThat(got.mbAdaptiveFrameField()).isEqualTo(w.path("mb_adaptive_frame_field_flag").asInt(0) == 1);
      assertThat(got.cropLeft()).isEqualTo(w.path("frame_crop_left_offset").asInt(0));
      assertThat(got.cropRight()).isEqualTo(w.path("frame_crop_right_offset").asInt(0));
      assertThat(got.cropTop()).isEqualTo(w.path("frame_crop_top_offset").asInt(0));
      assertThat(got.cropBottom()).isEqualTo(w.path("frame_crop_bottom_offset").asInt(0));
      assertThat(got.timingInfoPresent()).isEqualTo(w.path("timing_info_present_flag").asInt(0) == 1);
      assertThat(got.numUnitsInTick()).isEqualTo(w.path("num_units_in_tick").asLong(0));
      assertThat(got.timeScale()).isEqualTo(w.path("time_scale").asLong(0));
      assertThat(got.hrdPresent()).isEqualTo(w.path("nal_hrd_parameters_present_flag").asInt(0) == 1
          || w.path("vcl_hrd_parameters_present_flag").asInt(0) == 1);
      assertThat(got.picStructPresent()).isEqualTo(w.path("pic_struct_present_flag").asInt(0) == 1);
      if (w.has("max_num_reorder_frames")) {
        assertThat(got.maxNumReorderFrames()).isEqualTo(w.get("max_num_reorder_frames").asInt());
        assertThat(got.maxDecFrameBuffering()).isEqualTo(w.get("max_dec_frame_buffering").asInt());
      }
    }
    assertThat(pps).hasSize(want.get("pps").size());
    for (int i = 0; i < pps.size(); i++) {
      PictureParameterSet got = pps.get(i);
      JsonNode w = want.get("pps").get(i);
      assertThat(got.id()).isEqualTo(w.get("pic_parameter_set_id").asInt());
      assertThat(got.spsId()).isEqualTo(w.get("seq_parameter_set_id").asInt());
      assertThat(got.entropyCodingModeCabac()).isEqualTo(w.get("entropy_coding_mode_flag").asInt() == 1);
      assertThat(got.bottomFieldPicOrderInFramePresent())
          .isEqualTo(w.get("bottom_field_pic_order_in_frame_present_flag").asInt() == 1);
      assertThat(got.numRefIdxL0DefaultActive()).isEqualTo(1 + w.get("num_ref_idx_l0_default_active_minus1").asInt());
      assertThat(got.numRefIdxL1DefaultActive()).isEqualTo(1 + w.get("num_ref_idx_l1_default_active_minus1").asInt());
      assertThat(got.weightedPred()).isEqualTo(w.get("weighted_pred_flag").asInt() == 1);
      assertThat(got.weightedBipredIdc()).isEqualTo(w.get("weighted_bipred_idc").asInt());
      assertThat(got.transform8x8Mode()).isEqualTo(w.path("transform_8x8_mode_flag").asInt(0) == 1);
    }
  }

  /**
   * Presentation order from picture order count equals the order in which FFmpeg's decoder
   * outputs frames (ffprobe -show_frames, matched to packets by byte position).
   */
  @ParameterizedTest
  @MethodSource("clips")
  void pictureOrderCountGivesFfmpegsPresentationOrder(String clip) throws Exception {
    JsonNode want = Clips.expected(clip);
    Map<Long, Integer> packetByPos = new HashMap<>();
    JsonNode packets = want.get("packets");
    for (int i = 0; i < packets.size(); i++) {
      packetByPos.put(packets.get(i).get("pos").asLong(), i);
    }
    List<Integer> expectedOrder = new ArrayList<>();
    want.get("frames").forEach(f -> expectedOrder.add(packetByPos.get(f.get("pkt_pos").asLong())));

    // Display order: by "period" (a new one starts at each IDR), then picture order count.
    List<long[]> units = new ArrayList<>();
    long[] period = {-1};
    AccessUnitAssembler assembler =
        new AccessUnitAssembler(
            au -> {
              if (au.isIdr()) {
                period[0]++;
              }
              units.add(new long[] {period[0], au.picOrderCnt(), au.decodeIndex()});
            });
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    scanner.feed(Clips.bytes(clip));
    scanner.finish();
    assembler.finish();
    units.sort(Comparator.<long[]>comparingLong(u -> u[0]).thenComparingLong(u -> u[1]));
    List<Integer> order = new ArrayList<>();
    units.forEach(u -> order.add((int) u[2]));

    assertThat(order).isEqualTo(expectedOrder);
  }

  /** The facts do not depend on how the input is chunked (start codes straddle chunks). */
  @ParameterizedTest
  @MethodSource("clips")
  void chunkingDoesNotChangeTheAccessUnits(String clip) throws Exception {
    byte[] data = Clips.bytes(clip);
    long[] pieced = new long[1];
    List<String> whole = digest(data, new int[] {data.length}, pieced);
    assertThat(pieced[0]).as("only the last unit, which ends at finish()").isLessThanOrEqualTo(1);
    Random random = new Random(clip.hashCode());
    int[] sizes = new int[64];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = 1 + random.nextInt(i % 4 == 0 ? 4 : 5000);
    }
    assertThat(digest(data, sizes, pieced)).isEqualTo(whole);
    assertThat(pieced[0]).as("slices taken in pieces").isGreaterThan(1);
    assertThat(digest(data, new int[] {1}, pieced)).isEqualTo(whole);
  }

  /** Per access unit: index, keyframe flag, POC, and a hash of the length-prefixed bytes. */
  private static List<String> digest(byte[] data, int[] chunkSizes, long[] pieced) {
    List<String> out = new ArrayList<>();
    AccessUnitAssembler assembler =
        new AccessUnitAssembler(
            au -> {
              int h = 1;
              for (int i = 0; i < au.length(); i++) {
                h = 31 * h + au.data()[i];
              }
              out.add(au.decodeIndex() + ":" + au.isKeyframe() + ":" + au.picOrderCnt() + ":"
                  + au.nalUnitCount() + ":" + au.length() + ":" + h);
            });
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    int pos = 0;
    for (int i = 0; pos < data.length; i++) {
      int n = Math.min(chunkSizes[i % chunkSizes.length], data.length - pos);
      byte[] chunk = new byte[n + 2];
      System.arraycopy(data, pos, chunk, 1, n); // not at index 0, to test offsets
      scanner.feed(chunk, 1, n);
      pos += n;
    }
    scanner.finish();
    assembler.finish();
    pieced[0] = scanner.piecedNalUnits();
    return out;
  }
}
