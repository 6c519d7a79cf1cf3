package io.custody.h264;

/**
 * The {@code nal_unit_type} values of ITU-T H.264 Table 7-1 that the parser acts on, as
 * {@code int} constants (the parser never boxes them).
 */
public final class NalUnitType {
  /** Coded slice of a non-IDR picture. */
  public static final int SLICE = 1;
  /** Coded slice data partition A. */
  public static final int SLICE_DATA_A = 2;
  /** Coded slice data partition B. */
  public static final int SLICE_DATA_B = 3;
  /** Coded slice data partition C. */
  public static final int SLICE_DATA_C = 4;
  /** Coded slice of an IDR picture. */
  public static final int IDR_SLICE = 5;
  /** Supplemental enhancement information. */
  public static final int SEI = 6;
  /** Sequence parameter set. */
  public static final int SPS = 7;
  /** Picture parameter set. */
  public static final int PPS = 8;
  /** Access unit delimiter. */
  public static final int AUD = 9;
  /** End of sequence. */
  public static final int END_OF_SEQUENCE = 10;
  /** End of stream. */
  public static final int END_OF_STREAM = 11;
  /** Filler data. */
  public static final int FILLER = 12;
  /** Sequence parameter set extension. */
  public static final int SPS_EXTENSION = 13;
  /** Prefix NAL unit (SVC/MVC). */
  public static final int PREFIX = 14;
  /** Subset sequence parameter set (SVC/MVC). */
  public static final int SUBSET_SPS = 15;
  /** Depth parameter set. */
  public static final int DEPTH_PS = 16;
  /** Coded slice of an auxiliary coded picture without partitioning. */
  public static final int AUX_SLICE = 19;
  /** Coded slice extension (SVC/MVC). */
  public static final int SLICE_EXTENSION = 20;
  /** Coded slice extension for a depth view component. */
  public static final int SLICE_EXTENSION_DEPTH = 21;

  private NalUnitType() {}

  /** True for the slice types that make up a primary coded picture (1 to 5). */
  public static boolean isVcl(int type) {
    return type >= SLICE && type <= IDR_SLICE;
  }

  /** A short human name, e.g. {@code "IDR"} or {@code "SEI"}; {@code "type N"} for others. */
  public static String name(int type) {
    switch (type) {
      case SLICE: return "non-IDR slice";
      case SLICE_DATA_A: return "slice data A";
      case SLICE_DATA_B: return "slice data B";
      case SLICE_DATA_C: return "slice data C";
      case IDR_SLICE: return "IDR slice";
      case SEI: return "SEI";
      case SPS: return "SPS";
      case PPS: return "PPS";
      case AUD: return "AUD";
      case END_OF_SEQUENCE: return "end of sequence";
      case END_OF_STREAM: return "end of stream";
      case FILLER: return "filler";
      case SPS_EXTENSION: return "SPS extension";
      case PREFIX: return "prefix";
      case SUBSET_SPS: return "subset SPS";
      case DEPTH_PS: return "depth parameter set";
      case AUX_SLICE: return "auxiliary slice";
      case SLICE_EXTENSION: return "slice extension";
      case SLICE_EXTENSION_DEPTH: return "depth slice extension";
      default: return "type " + type;
    }
  }
}
