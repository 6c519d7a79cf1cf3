package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.h264.SequenceParameterSetTest.BitWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SliceHeaderTest {
  private static final byte[] START = {0, 0, 0, 1};

  /** Baseline 320x240, frame_num 4 bits, POC type 2, one reference frame. */
  private static byte[] sps() {
    return new BitWriter().u(8, 0x67).u(8, 66).u(8, 0).u(8, 30).ue(0)
        .ue(0) // log2_max_frame_num_minus4
        .ue(2) // pic_order_cnt_type
        .ue(1) // max_num_ref_frames
        .u(1, 0) // gaps_in_frame_num_value_allowed_flag
        .ue(19).ue(14) // 20 x 15 macroblocks
        .u(1, 1) // frame_mbs_only_flag
        .u(1, 1) // direct_8x8_inference_flag
        .u(1, 0) // frame_cropping_flag
        .u(1, 0) // vui_parameters_present_flag
        .nal();
  }

  private static byte[] pps() {
    return new BitWriter().u(8, 0x68).ue(0).ue(0)
        .u(1, 0) // entropy_coding_mode_flag
        .u(1, 0) // bottom_field_pic_order_in_frame_present_flag
        .ue(0) // num_slice_groups_minus1
        .ue(0).ue(0) // num_ref_idx_l0/l1_default_active_minus1
        .u(1, 0).u(2, 0) // weighted_pred_flag, weighted_bipred_idc
        .se(0).se(0).se(0) // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
        .u(1, 1).u(1, 0).u(1, 0) // deblocking control, constrained intra, redundant_pic_cnt
        .nal();
  }

  /** A slice header, then {@code dataBytes} of stand-in slice data. */
  private static byte[] slice(BitWriter header, int dataBytes) {
    for (int i = 0; i < dataBytes; i++) {
      header.u(8, 0x5a);
    }
    return header.nal();
  }

  private static byte[] idr() {
    return slice(new BitWriter().u(8, 0x65).ue(0).ue(7).ue(0).u(4, 0).ue(0).u(2, 0), 300);
  }

  /**
   * A reference P slice whose dec_ref_pic_marking() holds {@code ops} operations 1 (each with a
   * long difference_of_pic_nums), then operation 5 when {@code mmco5}.
   */
  private static byte[] pSlice(int frameNum, int ops, boolean mmco5) {
    boolean adaptiveMarking = ops > 0 || mmco5;
    BitWriter w = new BitWriter().u(8, 0x41).ue(0).ue(5).ue(0).u(4, frameNum)
        .u(1, 0) // num_ref_idx_active_override_flag
        .u(1, 0) // ref_pic_list_modification_flag_l0
        .u(1, adaptiveMarking ? 1 : 0); // adaptive_ref_pic_marking_mode_flag
    if (adaptiveMarking) {
      for (int i = 0; i < ops; i++) {
        w.ue(1).ue(1_000_000);
      }
      if (mmco5) {
        w.ue(5);
      }
      w.ue(0); // end of the operations
    }
    return slice(w, 300);
  }

  private static List<Integer> pocs(byte[]... nalUnits) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (byte[] nal : nalUnits) {
      stream.writeBytes(START);
      stream.writeBytes(nal);
    }
    List<Integer> pocs = new ArrayList<>();
    for (AccessUnit au : AccessUnitAssembler.readAll(stream.toByteArray())) {
      pocs.add(au.picOrderCnt());
    }
    return pocs;
  }

  @Test
  void aHeaderLongerThanTheUnescapedPrefixIsReadWhole() {
    byte[] longHeader = pSlice(1, 40, true);
    // 40 operations of ~45 bits each: the header alone is several times the prefix.
    assertThat(longHeader.length - 300).isGreaterThan(3 * AccessUnitAssembler.SLICE_HEADER_PREFIX);

    // Operation 5, read only after the 40 long ones, resets frame_num and the picture order
    // count, so the next picture (frame_num 0) does not count as a frame_num wrap.
    List<Integer> withReset = pocs(sps(), pps(), idr(), pSlice(1, 0, true), pSlice(0, 0, false));
    List<Integer> withoutReset = pocs(sps(), pps(), idr(), pSlice(1, 0, false), pSlice(0, 0, false));
    assertThat(withReset).hasSize(3).isNotEqualTo(withoutReset);
    assertThat(pocs(sps(), pps(), idr(), longHeader, pSlice(0, 0, false))).isEqualTo(withReset);
    assertThat(pocs(sps(), pps(), idr(), pSlice(1, 40, false), pSlice(0, 0, false))).isEqualTo(withoutReset);
  }
}
