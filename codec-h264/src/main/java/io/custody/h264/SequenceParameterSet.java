package io.custody.h264;

import java.util.Arrays;

/**
 * A parsed sequence parameter set (ITU-T H.264 §7.3.2.1.1), with the VUI fields a muxer and a
 * player need. Immutable.
 *
 * <p>All profiles are read, including the High 4:2:2 / 4:4:4 and scalable/multiview profile_idc
 * values that carry chroma format, bit depth and scaling lists. {@link #width()} and {@link
 * #height()} are the display size after frame cropping, computed as §7.4.2.1.1 specifies.
 */
public final class SequenceParameterSet {
  private final byte[] nal;
  private final int profileIdc;
  private final int constraintFlags;
  private final int levelIdc;
  private final int id;
  private final int chromaFormatIdc;
  private final boolean separateColourPlane;
  private final int bitDepthLuma;
  private final int bitDepthChroma;
  private final boolean scalingMatrixPresent;
  private final int log2MaxFrameNum;
  private final int picOrderCntType;
  private final int log2MaxPicOrderCntLsb;
  private final boolean deltaPicOrderAlwaysZero;
  private final int offsetForNonRefPic;
  private final int offsetForTopToBottomField;
  private final int[] offsetForRefFrame;
  private final int maxNumRefFrames;
  private final boolean gapsInFrameNumAllowed;
  private final int picWidthInMbs;
  private final int picHeightInMapUnits;
  private final boolean frameMbsOnly;
  private final boolean mbAdaptiveFrameField;
  private final int cropLeft;
  private final int cropRight;
  private final int cropTop;
  private final int cropBottom;
  private final int width;
  private final int height;
  private final int sarWidth;
  private final int sarHeight;
  private final boolean timingInfoPresent;
  private final long numUnitsInTick;
  private final long timeScale;
  private final boolean fixedFrameRate;
  private final boolean hrdPresent;
  private final boolean picStructPresent;
  private final int maxNumReorderFrames;
  private final int maxDecFrameBuffering;

  private static final int[] HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};

  /** MaxDpbMbs per level_idc (Table A-1), for the max_num_reorder_frames default. */
  private static int maxDpbMbs(int levelIdc, boolean constraintSet3) {
    switch (levelIdc) {
      case 9: return 396;
      case 10: return 396;
      case 11: return constraintSet3 ? 396 : 900;
      case 12: case 13: case 20: return 2376;
      case 21: return 4752;
      case 22: case 30: return 8100;
      case 31: return 18000;
      case 32: return 20480;
      case 40: case 41: return 32768;
      case 42: return 34816;
      case 50: return 110400;
      case 51: case 52: return 184320;
      default: return 696320; // levels 6.x
    }
  }

  private SequenceParameterSet(byte[] nal, RbspReader r) {
    this.nal = nal;
    r.skip(8); // NAL header
    profileIdc = r.bits(8);
    constraintFlags = r.bits(8);
    levelIdc = r.bits(8);
    id = r.ue("seq_parameter_set_id", 31);
    int cfi = 1;
    boolean separate = false;
    int depthLuma = 8;
    int depthChroma = 8;
    boolean scaling = false;
    if (Arrays.stream(HIGH_PROFILES).anyMatch(p -> p == profileIdc)) {
      cfi = r.ue("chroma_format_idc", 3);
      if (cfi == 3) {
        separate = r.flag();
      }
      depthLuma = 8 + r.ue("bit_depth_luma_minus8", 6);
      depthChroma = 8 + r.ue("bit_depth_chroma_minus8", 6);
      r.skip(1); // qpprime_y_zero_transform_bypass_flag
      scaling = r.flag();
      if (scaling) {
        int lists = cfi != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (r.flag()) {
            r.skipScalingList(i < 6 ? 16 : 64);
          }
        }
      }
    }
    chromaFormatIdc = cfi;
    separateColourPlane = separate;
    bitDepthLuma = depthLuma;
    bitDepthChroma = depthChroma;
    scalingMatrixPresent = scaling;
    log2MaxFrameNum = 4 + r.ue("log2_max_frame_num_minus4", 12);
    picOrderCntType = r.ue("pic_order_cnt_type", 2);
    int pocLsb = 0;
    boolean alwaysZero = false;
    int nonRef = 0;
    int topToBottom = 0;
    int[] refOffsets = new int[0];
    if (picOrderCntType == 0) {
      pocLsb = 4 + r.ue("log2_max_pic_order_cnt_lsb_minus4", 12);
    } else if (picOrderCntType == 1) {
      alwaysZero = r.flag();
      nonRef = r.se("offset_for_non_ref_pic", -(1 << 31) + 1, (1 << 31) - 1);
      topToBottom = r.se("offset_for_top_to_bottom_field", -(1 << 31) + 1, (1 << 31) - 1);
      refOffsets = new int[r.ue("num_ref_frames_in_pic_order_cnt_cycle", 255)];
      for (int i = 0; i < refOffsets.length; i++) {
        refOffsets[i] = r.se("offset_for_ref_frame", -(1 << 31) + 1, (1 << 31) - 1);
      }
    }
    log2MaxPicOrderCntLsb = pocLsb;
    deltaPicOrderAlwaysZero = alwaysZero;
    offsetForNonRefPic = nonRef;
    offsetForTopToBottomField = topToBottom;
    offsetForRefFrame = refOffsets;
    maxNumRefFrames = r.ue("max_num_ref_frames", 16);
    gapsInFrameNumAllowed = r.flag();
    picWidthInMbs = 1 + r.ue("pic_width_in_mbs_minus1", 1023);
    picHeightInMapUnits = 1 + r.ue("pic_height_in_map_units_minus1", 1023);
    frameMbsOnly = r.flag();
    mbAdaptiveFrameField = !frameMbsOnly && r.flag();
    r.skip(1); // direct_8x8_inference_flag
    int l = 0;
    int ri = 0;
    int t = 0;
    int b = 0;
    if (r.flag()) {
      l = r.ue("frame_crop_left_offset", 1 << 14);
      ri = r.ue("frame_crop_right_offset", 1 << 14);
      t = r.ue("frame_crop_top_offset", 1 << 14);
      b = r.ue("frame_crop_bottom_offset", 1 << 14);
    }
    cropLeft = l;
    cropRight = ri;
    cropTop = t;
    cropBottom = b;
    int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    int subWidthC = chromaFormatIdc == 3 ? 1 : 2;
    int subHeightC = chromaFormatIdc == 1 ? 2 : 1;
    int frameHeightMul = frameMbsOnly ? 1 : 2;
    int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
    int cropUnitY = chromaArrayType == 0 ? frameHeightMul : subHeightC * frameHeightMul;
    int codedWidth = picWidthInMbs * 16;
    int codedHeight = picHeightInMapUnits * 16 * frameHeightMul;
    width = codedWidth - cropUnitX * (l + ri);
    height = codedHeight - cropUnitY * (t + b);
    if (width <= 0 || height <= 0) {
      throw new H264FormatException(
          H264FormatException.Reason.INVALID_VALUE,
          "frame cropping leaves no picture: " + width + "x" + height);
    }

    int sarW = 1;
    int sarH = 1;
    boolean timing = false;
    long units = 0;
    long scale = 0;
    boolean fixed = false;
    boolean hrd = false;
    boolean picStruct = false;
    int dpbFrames =
        Math.min(maxDpbMbs(levelIdc, (constraintFlags & 0x10) != 0)
            / (picWidthInMbs * picHeightInMapUnits * frameHeightMul), 16);
    int reorder =
        (constraintFlags & 0x10) != 0 && (profileIdc == 44 || profileIdc == 86
            || profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244)
            ? 0
            : dpbFrames;
    int decBuffering = dpbFrames;
    if (r.flag()) { // vui_parameters_present_flag, §E.1.1
      if (r.flag()) {
        int idc = r.bits(8);
        if (idc == 255) {
          sarW = r.bits(16);
          sarH = r.bits(16);
        } else if (idc > 0 && idc < SAR.length / 2 + 1) {
          sarW = SAR[2 * (idc - 1)];
          sarH = SAR[2 * (idc - 1) + 1];
        }
      }
      if (r.flag()) {
        r.skip(1); // overscan_appropriate_flag
      }
      if (r.flag()) {
        r.skip(4); // video_format, video_full_range_flag
        if (r.flag()) {
          r.skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
        }
      }
      if (r.flag()) {
        r.ue("chroma_sample_loc_type_top_field", 5);
        r.ue("chroma_sample_loc_type_bottom_field", 5);
      }
      timing = r.flag();
      if (timing) {
        units = r.bitsLong(32);
        scale = r.bitsLong(32);
        fixed = r.flag();
        if (units == 0 || scale == 0) {
          timing = false; // the standard requires both > 0; treat as absent, as players do
        }
      }
      boolean nalHrd = r.flag();
      if (nalHrd) {
        skipHrd(r);
      }
      boolean vclHrd = r.flag();
      if (vclHrd) {
        skipHrd(r);
      }
      hrd = nalHrd || vclHrd;
      if (hrd) {
        r.skip(1); // low_delay_hrd_flag
      }
      picStruct = r.flag();
      if (r.flag()) { // bitstream_restriction_flag
        r.skip(1); // motion_vectors_over_pic_boundaries_flag
        r.ue("max_bytes_per_pic_denom", 16);
        r.ue("max_bits_per_mb_denom", 16);
        r.ue("log2_max_mv_length_horizontal", 16);
        r.ue("log2_max_mv_length_vertical", 16);
        reorder = r.ue("max_num_reorder_frames", 16);
        decBuffering = r.ue("max_dec_frame_buffering", 16);
      }
    }
    sarWidth = sarW;
    sarHeight = sarH;
    timingInfoPresent = timing;
    numUnitsInTick = units;
    timeScale = scale;
    fixedFrameRate = fixed;
    hrdPresent = hrd;
    picStructPresent = picStruct;
    maxNumReorderFrames = reorder;
    maxDecFrameBuffering = decBuffering;
  }

  /** Table E-1 sample aspect ratios for aspect_ratio_idc 1 to 16, as width, height pairs. */
  private static final int[] SAR = {
    1, 1, 12, 11, 10, 11, 16, 11, 40, 33, 24, 11, 20, 11, 32, 11,
    80, 33, 18, 11, 15, 11, 64, 33, 160, 99, 4, 3, 3, 2, 2, 1
  };


  private static void skipHrd(RbspReader r) {
    int cpbCount = 1 + r.ue("cpb_cnt_minus1", 31);
    r.skip(8); // bit_rate_scale, cpb_size_scale
    for (int i = 0; i < cpbCount; i++) {
      r.ueLong(); // bit_rate_value_minus1
      r.ueLong(); // cpb_size_value_minus1
      r.skip(1); // cbr_flag
    }
    r.skip(20); // four 5-bit delay/offset lengths
  }

  /**
   * Parses an SPS NAL unit (header byte included, emulation prevention still in place).
   *
   * @throws H264FormatException if the unit is not an SPS, is truncated or holds invalid values
   */
  public static SequenceParameterSet parse(byte[] nal, int offset, int length) {
    if (length < 1 || (nal[offset] & 0x1f) != NalUnitType.SPS) {
      throw new H264FormatException(H264FormatException.Reason.INVALID_VALUE, "not an SPS NAL unit");
    }
    byte[] copy = Arrays.copyOfRange(nal, offset, offset + length);
    byte[] rbsp = new byte[length];
    int n = RbspReader.unescape(copy, 0, length, rbsp);
    return new SequenceParameterSet(copy, new RbspReader(rbsp, n));
  }

  /** Parses a whole array as one SPS NAL unit. */
  public static SequenceParameterSet parse(byte[] nal) {
    return parse(nal, 0, nal.length);
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
  public boolean sameBytes(SequenceParameterSet other) {
    return Arrays.equals(nal, other.nal);
  }

  public int profileIdc() { return profileIdc; }

  /** constraint_set0_flag..constraint_set5_flag and the two reserved bits, as one byte. */
  public int constraintFlags() { return constraintFlags; }

  public int levelIdc() { return levelIdc; }

  /** seq_parameter_set_id. */
  public int id() { return id; }

  public int chromaFormatIdc() { return chromaFormatIdc; }

  public boolean separateColourPlane() { return separateColourPlane; }

  /** ChromaArrayType (§7.4.2.1.1): 0 when the colour planes are coded separately. */
  public int chromaArrayType() { return separateColourPlane ? 0 : chromaFormatIdc; }

  public int bitDepthLuma() { return bitDepthLuma; }

  public int bitDepthChroma() { return bitDepthChroma; }

  public boolean scalingMatrixPresent() { return scalingMatrixPresent; }

  /** log2_max_frame_num_minus4 + 4. */
  public int log2MaxFrameNum() { return log2MaxFrameNum; }

  public int picOrderCntType() { return picOrderCntType; }

  /** log2_max_pic_order_cnt_lsb_minus4 + 4 (0 unless pic_order_cnt_type is 0). */
  public int log2MaxPicOrderCntLsb() { return log2MaxPicOrderCntLsb; }

  public boolean deltaPicOrderAlwaysZero() { return deltaPicOrderAlwaysZero; }

  public int offsetForNonRefPic() { return offsetForNonRefPic; }

  public int offsetForTopToBottomField() { return offsetForTopToBottomField; }

  /** num_ref_frames_in_pic_order_cnt_cycle. */
  public int numRefFramesInPicOrderCntCycle() { return offsetForRefFrame.length; }

  /** offset_for_ref_frame[i]. */
  public int offsetForRefFrame(int i) { return offsetForRefFrame[i]; }

  public int maxNumRefFrames() { return maxNumRefFrames; }

  public boolean gapsInFrameNumAllowed() { return gapsInFrameNumAllowed; }

  public int picWidthInMbs() { return picWidthInMbs; }

  public int picHeightInMapUnits() { return picHeightInMapUnits; }

  public boolean frameMbsOnly() { return frameMbsOnly; }

  public boolean mbAdaptiveFrameField() { return mbAdaptiveFrameField; }

  /** Coded width in luma samples, before cropping. */
  public int codedWidth() { return picWidthInMbs * 16; }

  /** Coded frame height in luma samples, before cropping. */
  public int codedHeight() { return picHeightInMapUnits * 16 * (frameMbsOnly ? 1 : 2); }

  public int cropLeft() { return cropLeft; }

  public int cropRight() { return cropRight; }

  public int cropTop() { return cropTop; }

  public int cropBottom() { return cropBottom; }

  /** Display width in luma samples, after frame cropping. */
  public int width() { return width; }

  /** Display height in luma samples, after frame cropping. */
  public int height() { return height; }

  /** Sample aspect ratio width (1 when the VUI gives none). */
  public int sarWidth() { return sarWidth; }

  /** Sample aspect ratio height (1 when the VUI gives none). */
  public int sarHeight() { return sarHeight; }

  /** Whether the VUI carries timing_info with non-zero num_units_in_tick and time_scale. */
  public boolean timingInfoPresent() { return timingInfoPresent; }

  public long numUnitsInTick() { return numUnitsInTick; }

  public long timeScale() { return timeScale; }

  public boolean fixedFrameRate() { return fixedFrameRate; }

  /** Whether NAL or VCL HRD parameters are present (so buffering/timing SEIs may follow). */
  public boolean hrdPresent() { return hrdPresent; }

  public boolean picStructPresent() { return picStructPresent; }

  /**
   * max_num_reorder_frames from the VUI, or its inferred value (§E.2.1) when the VUI has no
   * bitstream restriction: the number of frames a decoder may hold back for B-frame reordering.
   */
  public int maxNumReorderFrames() { return maxNumReorderFrames; }

  /** max_dec_frame_buffering from the VUI, or its inferred value. */
  public int maxDecFrameBuffering() { return maxDecFrameBuffering; }

  /**
   * Frames per second from VUI timing, time_scale / (2 × num_units_in_tick) (one frame is two
   * field ticks), or 0 when the stream carries no timing. Interlaced streams report frames, not
   * fields.
   */
  public double frameRate() {
    return timingInfoPresent ? timeScale / (2.0 * numUnitsInTick) : 0;
  }

  /** Numerator of {@link #frameRate()} as a reduced fraction (0 when there is no timing). */
  public long frameRateNumerator() {
    return timingInfoPresent ? timeScale / gcd(timeScale, 2 * numUnitsInTick) : 0;
  }

  /** Denominator of {@link #frameRate()} as a reduced fraction (1 when there is no timing). */
  public long frameRateDenominator() {
    return timingInfoPresent ? 2 * numUnitsInTick / gcd(timeScale, 2 * numUnitsInTick) : 1;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** A profile name such as {@code "High"} or {@code "Constrained Baseline"}. */
  public String profileName() {
    boolean cs1 = (constraintFlags & 0x40) != 0;
    boolean cs3 = (constraintFlags & 0x10) != 0;
    switch (profileIdc) {
      case 66: return cs1 ? "Constrained Baseline" : "Baseline";
      case 77: return "Main";
      case 88: return "Extended";
      case 100: return "High";
      case 110: return cs3 ? "High 10 Intra" : "High 10";
      case 122: return cs3 ? "High 4:2:2 Intra" : "High 4:2:2";
      case 244: return cs3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive";
      case 44: return "CAVLC 4:4:4 Intra";
      case 83: return "Scalable Baseline";
      case 86: return "Scalable High";
      case 118: return "Multiview High";
      case 128: return "Stereo High";
      default: return "profile " + profileIdc;
    }
  }

  @Override
  public String toString() {
    return "SPS{id=" + id + ", " + profileName() + "@" + levelIdc + ", " + width + "x" + height
        + (timingInfoPresent ? ", " + frameRate() + " fps" : "") + "}";
  }
}
