package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * SPS syntax that x264 never writes (it keeps scaling lists in the PPS), built bit by bit: a High
 * 4:4:4 SPS with sequence scaling lists, separate colour planes, POC type 1 and cropping.
 */
class SequenceParameterSetTest {

  /** Writes u(n), ue(v) and se(v), MSB first, with emulation prevention on output. */
  static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int cur;
    private int nbits;

    BitWriter u(int n, long v) {
      for (int i = n - 1; i >= 0; i--) {
        cur = (cur << 1) | (int) ((v >> i) & 1);
        if (++nbits == 8) {
          out.write(cur);
          cur = 0;
          nbits = 0;
        }
      }
      return this;
    }

    BitWriter ue(long v) {
      long x = v + 1;
      int len = 64 - Long.numberOfLeadingZeros(x);
      u(len - 1, 0);
      return u(len, x);
    }

    BitWriter se(long v) {
      return ue(v <= 0 ? -2 * v : 2 * v - 1);
    }

    /** rbsp_trailing_bits, then the escaped NAL unit. */
    byte[] nal() {
      u(1, 1);
      while (nbits != 0) {
        u(1, 0);
      }
      byte[] rbsp = out.toByteArray();
      ByteArrayOutputStream esc = new ByteArrayOutputStream();
      int zeros = 0;
      for (byte b : rbsp) {
        if (zeros >= 2 && (b & 0xff) <= 3) {
          esc.write(3);
          zeros = 0;
        }
        esc.write(b);
        zeros = b == 0 ? zeros + 1 : 0;
      }
      return esc.toByteArray();
    }
  }

  private static BitWriter header(int profile, int level) {
    return new BitWriter().u(8, 0x67).u(8, profile).u(8, 0).u(8, level).ue(3);
  }

  @Test
  void high444WithSequenceScalingListsAndPocType1() {
    BitWriter w = header(244, 51)
        .ue(3) // chroma_format_idc 4:4:4
        .u(1, 1) // separate_colour_plane_flag
        .ue(2).ue(4) // bit depths 10 and 12
        .u(1, 0) // qpprime_y_zero_transform_bypass_flag
        .u(1, 1); // seq_scaling_matrix_present_flag
    for (int i = 0; i < 12; i++) {
      boolean present = i % 3 != 1;
      w.u(1, present ? 1 : 0);
      if (present) {
        int size = i < 6 ? 16 : 64;
        w.se(5); // first delta
        for (int j = 1; j < size - 1; j++) {
          w.se(j % 2 == 0 ? 3 : -3);
        }
        w.se(-120); // a large step; (last + delta + 256) % 256 wraps
      }
    }
    w.ue(2) // log2_max_frame_num_minus4 -> 6
        .ue(1) // pic_order_cnt_type 1
        .u(1, 0) // delta_pic_order_always_zero_flag
        .se(-2).se(1) // offset_for_non_ref_pic, offset_for_top_to_bottom_field
        .ue(3).se(2).se(2).se(-4) // three offset_for_ref_frame
        .ue(4).u(1, 0) // max_num_ref_frames, gaps
        .ue(119).ue(33) // 120 x 34 map units
        .u(1, 0).u(1, 1) // frame_mbs_only 0, mb_adaptive_frame_field 1
        .u(1, 1) // direct_8x8_inference_flag
        .u(1, 1).ue(0).ue(2).ue(0).ue(4) // cropping: right 2, bottom 4
        .u(1, 0); // no VUI
    SequenceParameterSet sps = SequenceParameterSet.parse(w.nal());

    assertThat(sps.profileIdc()).isEqualTo(244);
    assertThat(sps.profileName()).isEqualTo("High 4:4:4 Predictive");
    assertThat(sps.id()).isEqualTo(3);
    assertThat(sps.chromaFormatIdc()).isEqualTo(3);
    assertThat(sps.separateColourPlane()).isTrue();
    assertThat(sps.chromaArrayType()).isZero();
    assertThat(sps.bitDepthLuma()).isEqualTo(10);
    assertThat(sps.bitDepthChroma()).isEqualTo(12);
    assertThat(sps.scalingMatrixPresent()).isTrue();
    assertThat(sps.log2MaxFrameNum()).isEqualTo(6);
    assertThat(sps.picOrderCntType()).isEqualTo(1);
    assertThat(sps.offsetForNonRefPic()).isEqualTo(-2);
    assertThat(sps.offsetForTopToBottomField()).isEqualTo(1);
    assertThat(sps.numRefFramesInPicOrderCntCycle()).isEqualTo(3);
    assertThat(sps.offsetForRefFrame(2)).isEqualTo(-4);
    assertThat(sps.maxNumRefFrames()).isEqualTo(4);
    assertThat(sps.frameMbsOnly()).isFalse();
    assertThat(sps.mbAdaptiveFrameField()).isTrue();
    // ChromaArrayType 0: crop units are 1 horizontally and 2 (two fields) vertically.
    assertThat(sps.codedWidth()).isEqualTo(1920);
    assertThat(sps.codedHeight()).isEqualTo(1088);
    assertThat(sps.width()).isEqualTo(1918);
    assertThat(sps.height()).isEqualTo(1080);
    assertThat(sps.timingInfoPresent()).isFalse();
    assertThat(sps.frameRate()).isZero();
  }

  @Test
  void vuiTimingAspectAndReorder() {
    BitWriter w = header(100, 40)
        .ue(1).ue(0).ue(0).u(1, 0).u(1, 0) // 4:2:0, 8-bit, no scaling matrix
        .ue(0).ue(2).ue(2).u(1, 0) // frame num, POC type 2, 2 refs, no gaps
        .ue(79).ue(44).u(1, 1).u(1, 1).u(1, 0) // 1280x720, progressive, no crop
        .u(1, 1) // vui_parameters_present_flag
        .u(1, 1).u(8, 255).u(16, 4).u(16, 3) // SAR 4:3
        .u(1, 0) // overscan
        .u(1, 1).u(3, 5).u(1, 1).u(1, 1).u(8, 1).u(8, 1).u(8, 1) // video signal + colour
        .u(1, 0) // chroma loc
        .u(1, 1).u(32, 1001).u(32, 60000).u(1, 1) // 29.97 fps
        .u(1, 0).u(1, 0) // no HRD
        .u(1, 0) // pic_struct_present_flag
        .u(1, 1).u(1, 1).ue(2).ue(1).ue(16).ue(16).ue(2).ue(4); // restriction: reorder 2, dpb 4
    SequenceParameterSet sps = SequenceParameterSet.parse(w.nal());

    assertThat(sps.sarWidth()).isEqualTo(4);
    assertThat(sps.sarHeight()).isEqualTo(3);
    assertThat(sps.frameRate()).isEqualTo(60000 / 2002.0);
    assertThat(sps.frameRateNumerator()).isEqualTo(30000);
    assertThat(sps.frameRateDenominator()).isEqualTo(1001);
    assertThat(sps.fixedFrameRate()).isTrue();
    assertThat(sps.maxNumReorderFrames()).isEqualTo(2);
    assertThat(sps.maxDecFrameBuffering()).isEqualTo(4);
  }

  @Test
  void croppingAwayThePictureIsInvalid() {
    BitWriter w = header(66, 30)
        .ue(0).ue(2).ue(1).u(1, 0)
        .ue(0).ue(0).u(1, 1).u(1, 1) // 16x16
        .u(1, 1).ue(8).ue(0).ue(0).ue(0) // crop 16 columns away
        .u(1, 0);
    assertThatThrownBy(() -> SequenceParameterSet.parse(w.nal()))
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.INVALID_VALUE));
  }

  @Test
  void outOfRangeValuesAreInvalid() {
    BitWriter w = header(100, 40).ue(7); // chroma_format_idc 7
    assertThatThrownBy(() -> SequenceParameterSet.parse(w.nal()))
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.getMessage()).contains("chroma_format_idc"));
  }
}
