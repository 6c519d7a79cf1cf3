package io.custody.h264;

/**
 * The slice-header fields (ITU-T H.264 §7.3.3) that access-unit assembly and picture order count
 * need, parsed into a reusable object so that steady-state parsing allocates nothing.
 *
 * <p>Parsing goes through dec_ref_pic_marking() because memory_management_control_operation 5
 * resets picture order count; the slice data after it is never touched.
 */
final class SliceHeader {
  int nalType;
  int nalRefIdc;
  int firstMbInSlice;
  /** slice_type modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI. */
  int sliceType;
  SequenceParameterSet sps;
  PictureParameterSet pps;
  int frameNum;
  boolean fieldPic;
  boolean bottomField;
  int idrPicId;
  int picOrderCntLsb;
  int deltaPicOrderCntBottom;
  int deltaPicOrderCnt0;
  int deltaPicOrderCnt1;
  int redundantPicCnt;
  /** Whether dec_ref_pic_marking() holds memory_management_control_operation 5. */
  boolean mmco5;

  boolean isIdr() {
    return nalType == NalUnitType.IDR_SLICE;
  }

  /**
   * Reads the header from an RBSP (header byte at bit 0).
   *
   * @param ppsById the active picture parameter sets, indexed by id
   * @param spsById the active sequence parameter sets, indexed by id
   */
  void parse(RbspReader r, PictureParameterSet[] ppsById, SequenceParameterSet[] spsById) {
    int header = r.bits(8);
    nalType = header & 0x1f;
    nalRefIdc = (header >> 5) & 3;
    firstMbInSlice = r.ue("first_mb_in_slice", 139264);
    sliceType = r.ue("slice_type", 9) % 5;
    int ppsId = r.ue("pic_parameter_set_id", 255);
    pps = ppsById[ppsId];
    if (pps == null) {
      throw new H264FormatException(
          H264FormatException.Reason.MISSING_PARAMETER_SET,
          "slice refers to PPS " + ppsId + ", which has not been seen");
    }
    sps = spsById[pps.spsId()];
    if (sps == null) {
      throw new H264FormatException(
          H264FormatException.Reason.MISSING_PARAMETER_SET,
          "PPS " + ppsId + " refers to SPS " + pps.spsId() + ", which has not been seen");
    }
    if (sps.separateColourPlane()) {
      r.skip(2); // colour_plane_id
    }
    frameNum = r.bits(sps.log2MaxFrameNum());
    fieldPic = false;
    bottomField = false;
    if (!sps.frameMbsOnly()) {
      fieldPic = r.flag();
      if (fieldPic) {
        bottomField = r.flag();
      }
    }
    idrPicId = isIdr() ? r.ue("idr_pic_id", 65535) : 0;
    picOrderCntLsb = 0;
    deltaPicOrderCntBottom = 0;
    deltaPicOrderCnt0 = 0;
    deltaPicOrderCnt1 = 0;
    if (sps.picOrderCntType() == 0) {
      picOrderCntLsb = r.bits(sps.log2MaxPicOrderCntLsb());
      if (pps.bottomFieldPicOrderInFramePresent() && !fieldPic) {
        deltaPicOrderCntBottom = r.se("delta_pic_order_cnt_bottom", -(1 << 30), 1 << 30);
      }
    } else if (sps.picOrderCntType() == 1 && !sps.deltaPicOrderAlwaysZero()) {
      deltaPicOrderCnt0 = r.se("delta_pic_order_cnt[0]", -(1 << 30), 1 << 30);
      if (pps.bottomFieldPicOrderInFramePresent() && !fieldPic) {
        deltaPicOrderCnt1 = r.se("delta_pic_order_cnt[1]", -(1 << 30), 1 << 30);
      }
    }
    redundantPicCnt = pps.redundantPicCntPresent() ? r.ue("redundant_pic_cnt", 127) : 0;
    mmco5 = false;
    if (nalType != NalUnitType.IDR_SLICE && nalType != NalUnitType.SLICE) {
      return; // data partition A: the marking fields below are the same, but not needed
    }
    boolean b = sliceType == 1;
    boolean pOrSp = sliceType == 0 || sliceType == 3;
    if (b) {
      r.skip(1); // direct_spatial_mv_pred_flag
    }
    int refL0 = pps.numRefIdxL0DefaultActive();
    int refL1 = pps.numRefIdxL1DefaultActive();
    if (pOrSp || b) {
      if (r.flag()) { // num_ref_idx_active_override_flag
        refL0 = 1 + r.ue("num_ref_idx_l0_active_minus1", 31);
        if (b) {
          refL1 = 1 + r.ue("num_ref_idx_l1_active_minus1", 31);
        }
      }
    }
    if (sliceType != 2 && sliceType != 4) {
      skipRefPicListModification(r);
      if (b) {
        skipRefPicListModification(r);
      }
    }
    if ((pps.weightedPred() && pOrSp) || (pps.weightedBipredIdc() == 1 && b)) {
      skipPredWeightTable(r, refL0, b ? refL1 : 0, sps.chromaArrayType() != 0);
    }
    if (nalRefIdc != 0) {
      if (isIdr()) {
        r.skip(2); // no_output_of_prior_pics_flag, long_term_reference_flag
      } else if (r.flag()) { // adaptive_ref_pic_marking_mode_flag
        for (int guard = 0; ; guard++) {
          int op = r.ue("memory_management_control_operation", 6);
          if (op == 0) {
            break;
          }
          if (guard > 66) {
            throw new H264FormatException(
                H264FormatException.Reason.INVALID_VALUE, "too many memory management operations");
          }
          if (op == 5) {
            mmco5 = true;
          }
          if (op == 1 || op == 3) {
            r.ueLong(); // difference_of_pic_nums_minus1
          }
          if (op == 2) {
            r.ueLong(); // long_term_pic_num
          }
          if (op == 3 || op == 6) {
            r.ueLong(); // long_term_frame_idx
          }
          if (op == 4) {
            r.ueLong(); // max_long_term_frame_idx_plus1
          }
        }
      }
    }
  }

  private static void skipRefPicListModification(RbspReader r) {
    if (!r.flag()) {
      return;
    }
    for (int guard = 0; ; guard++) {
      int idc = r.ue("modification_of_pic_nums_idc", 5);
      if (idc == 3) {
        return;
      }
      if (guard > 66) {
        throw new H264FormatException(
            H264FormatException.Reason.INVALID_VALUE, "too many reference list modifications");
      }
      r.ueLong(); // abs_diff_pic_num_minus1 or long_term_pic_num
    }
  }

  private static void skipPredWeightTable(RbspReader r, int refL0, int refL1, boolean chroma) {
    r.ue("luma_log2_weight_denom", 7);
    if (chroma) {
      r.ue("chroma_log2_weight_denom", 7);
    }
    for (int list = 0; list < 2; list++) {
      int count = list == 0 ? refL0 : refL1;
      for (int i = 0; i < count; i++) {
        if (r.flag()) {
          r.ueLong(); // luma_weight (se)
          r.ueLong(); // luma_offset (se)
        }
        if (chroma && r.flag()) {
          for (int j = 0; j < 4; j++) {
            r.ueLong(); // chroma weight and offset, Cb and Cr (se)
          }
        }
      }
    }
  }

  /**
   * Whether this slice starts a new primary coded picture after {@code prev}, the previous slice
   * of the access unit being built (§7.4.1.2.4).
   */
  boolean startsNewPicture(SliceHeader prev) {
    if (redundantPicCnt > 0) {
      return false; // a redundant slice belongs to the primary picture before it
    }
    if (frameNum != prev.frameNum
        || pps != prev.pps
        || fieldPic != prev.fieldPic
        || bottomField != prev.bottomField
        || (nalRefIdc != prev.nalRefIdc && (nalRefIdc == 0 || prev.nalRefIdc == 0))
        || isIdr() != prev.isIdr()
        || (isIdr() && idrPicId != prev.idrPicId)) {
      return true;
    }
    if (sps.picOrderCntType() == 0) {
      return picOrderCntLsb != prev.picOrderCntLsb
          || deltaPicOrderCntBottom != prev.deltaPicOrderCntBottom;
    }
    if (sps.picOrderCntType() == 1) {
      return deltaPicOrderCnt0 != prev.deltaPicOrderCnt0
          || deltaPicOrderCnt1 != prev.deltaPicOrderCnt1;
    }
    return false;
  }

  void copyFrom(SliceHeader o) {
    nalType = o.nalType;
    nalRefIdc = o.nalRefIdc;
    firstMbInSlice = o.firstMbInSlice;
    sliceType = o.sliceType;
    sps = o.sps;
    pps = o.pps;
    frameNum = o.frameNum;
    fieldPic = o.fieldPic;
    bottomField = o.bottomField;
    idrPicId = o.idrPicId;
    picOrderCntLsb = o.picOrderCntLsb;
    deltaPicOrderCntBottom = o.deltaPicOrderCntBottom;
    deltaPicOrderCnt0 = o.deltaPicOrderCnt0;
    deltaPicOrderCnt1 = o.deltaPicOrderCnt1;
    redundantPicCnt = o.redundantPicCnt;
    mmco5 = o.mmco5;
  }
}
