package io.custody.h264;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A parsed picture parameter set (ITU-T H.264 §7.3.2.2): the fields slice-header parsing depends
 * on. Immutable.
 */
public final class PictureParameterSet {
  private final byte[] nal;
  private final int id;
  private final int spsId;
  private final boolean entropyCodingModeCabac;
  private final boolean bottomFieldPicOrderInFramePresent;
  private final int numSliceGroups;
  private final int numRefIdxL0DefaultActive;
  private final int numRefIdxL1DefaultActive;
  private final boolean weightedPred;
  private final int weightedBipredIdc;
  private final boolean deblockingFilterControlPresent;
  private final boolean redundantPicCntPresent;
  private final boolean transform8x8Mode;

  private PictureParameterSet(byte[] nal, RbspReader r, IntFunction<SequenceParameterSet> spsById) {
    this.nal = nal;
    r.skip(8); // NAL header
    id = r.ue("pic_parameter_set_id", 255);
    spsId = r.ue("seq_parameter_set_id", 31);
    entropyCodingModeCabac = r.flag();
    bottomFieldPicOrderInFramePresent = r.flag();
    numSliceGroups = 1 + r.ue("num_slice_groups_minus1", 7);
    if (numSliceGroups > 1) {
      int mapType = r.ue("slice_group_map_type", 6);
      if (mapType == 0) {
        for (int i = 0; i < numSliceGroups; i++) {
          r.ueLong(); // run_length_minus1
        }
      } else if (mapType == 2) {
        for (int i = 0; i < numSliceGroups - 1; i++) {
          r.ueLong(); // top_left
          r.ueLong(); // bottom_right
        }
      } else if (mapType >= 3 && mapType <= 5) {
        r.skip(1); // slice_group_change_direction_flag
        r.ueLong(); // slice_group_change_rate_minus1
      } else if (mapType == 6) {
        int mapUnits = 1 + r.ue("pic_size_in_map_units_minus1", 139264);
        int bits = 32 - Integer.numberOfLeadingZeros(numSliceGroups - 1);
        r.skip(mapUnits * bits); // slice_group_id[]
      }
    }
    numRefIdxL0DefaultActive = 1 + r.ue("num_ref_idx_l0_default_active_minus1", 31);
    numRefIdxL1DefaultActive = 1 + r.ue("num_ref_idx_l1_default_active_minus1", 31);
    weightedPred = r.flag();
    weightedBipredIdc = r.bits(2);
    r.se("pic_init_qp_minus26", -26 - 48, 25);
    r.se("pic_init_qs_minus26", -26, 25);
    r.se("chroma_qp_index_offset", -12, 12);
    deblockingFilterControlPresent = r.flag();
    r.skip(1); // constrained_intra_pred_flag
    redundantPicCntPresent = r.flag();
    boolean t8x8 = false;
    if (r.moreRbspData()) {
      t8x8 = r.flag();
      if (r.flag()) { // pic_scaling_matrix_present_flag
        SequenceParameterSet sps = spsById.apply(spsId);
        if (sps == null) {
          throw new H264FormatException(
              H264FormatException.Reason.MISSING_PARAMETER_SET,
              "PPS " + id + " refers to SPS " + spsId + ", which has not been seen");
        }
        int lists = 6 + (sps.chromaFormatIdc() != 3 ? 2 : 6) * (t8x8 ? 1 : 0);
        for (int i = 0; i < lists; i++) {
          if (r.flag()) {
            r.skipScalingList(i < 6 ? 16 : 64);
          }
        }
      }
      r.se("second_chroma_qp_index_offset", -12, 12);
    }
    transform8x8Mode = t8x8;
  }


  /**
   * Parses a PPS NAL unit (header byte included, emulation prevention in place). {@code spsById}
   * is consulted only when the PPS carries scaling lists, whose count depends on the SPS.
   *
   * @throws H264FormatException if the unit is not a PPS, is truncated, holds invalid values or
   *     needs an SPS that {@code spsById} does not know
   */
  public static PictureParameterSet parse(
      byte[] nal, int offset, int length, IntFunction<SequenceParameterSet> spsById) {
    if (length < 1 || (nal[offset] & 0x1f) != NalUnitType.PPS) {
      throw new H264FormatException(H264FormatException.Reason.INVALID_VALUE, "not a PPS NAL unit");
    }
    byte[] copy = Arrays.copyOfRange(nal, offset, offset + length);
    byte[] rbsp = new byte[length];
    int n = RbspReader.unescape(copy, 0, length, rbsp);
    return new PictureParameterSet(copy, new RbspReader(rbsp, n), spsById);
  }

  /** Parses a whole array as one PPS NAL unit. */
  public static PictureParameterSet parse(byte[] nal, IntFunction<SequenceParameterSet> spsById) {
    return parse(nal, 0, nal.length, spsById);
  }

  /** The NAL unit this was parsed from (header byte included, escaped): a copy. */
  public byte[] nalUnit() {
    return nal.clone();
  }

  /** The stored NAL unit itself, for comparisons inside the package; never handed out. */
  byte[] nalUnitView() {
    return nal;
  }

  /** True when {@code other} was parsed from byte-identical NAL units. */
  public boolean sameBytes(PictureParameterSet other) {
    return Arrays.equals(nal, other.nal);
  }

  /** pic_parameter_set_id. */
  public int id() { return id; }

  /** The seq_parameter_set_id this PPS refers to. */
  public int spsId() { return spsId; }

  /** entropy_coding_mode_flag: true for CABAC, false for CAVLC. */
  public boolean entropyCodingModeCabac() { return entropyCodingModeCabac; }

  public boolean bottomFieldPicOrderInFramePresent() { return bottomFieldPicOrderInFramePresent; }

  public int numSliceGroups() { return numSliceGroups; }

  public int numRefIdxL0DefaultActive() { return numRefIdxL0DefaultActive; }

  public int numRefIdxL1DefaultActive() { return numRefIdxL1DefaultActive; }

  public boolean weightedPred() { return weightedPred; }

  public int weightedBipredIdc() { return weightedBipredIdc; }

  public boolean deblockingFilterControlPresent() { return deblockingFilterControlPresent; }

  public boolean redundantPicCntPresent() { return redundantPicCntPresent; }

  public boolean transform8x8Mode() { return transform8x8Mode; }

  @Override
  public String toString() {
    return "PPS{id=" + id + ", sps=" + spsId + (entropyCodingModeCabac ? ", CABAC" : ", CAVLC") + "}";
  }
}
