package io.custody.h264;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One access unit (one coded picture, or one field of a field pair, with its parameter sets and
 * SEI) in decoding order, held as length-prefixed NAL units: each unit is preceded by its length
 * as a 4-byte big-endian integer, which is the sample format of MP4 ({@code avc1}, ISO/IEC
 * 14496-15) with a 4-byte NALUnitLength.
 *
 * <p>Ownership: an {@code AccessUnit} handed to an {@link AccessUnitAssembler.AccessUnitSink} is
 * a view over the assembler's reusable buffer and is valid only during that call; {@link #copy()}
 * detaches it. The {@link #sps()} and {@link #pps()} objects are immutable and may be kept: the
 * assembler replaces them (with new objects) only when the stream sends different bytes, so an
 * identity change means the parameter sets changed.
 */
public final class AccessUnit {
  byte[] data;
  int length;
  int nalCount;
  int[] nalOffsets = new int[16];
  long decodeIndex;
  long streamOffset;
  boolean idr;
  boolean recoveryPoint;
  boolean keyframe;
  int sliceType;
  int nalRefIdc;
  int frameNum;
  boolean fieldPic;
  boolean bottomField;
  int picOrderCnt;
  boolean mmco5;
  SequenceParameterSet sps;
  PictureParameterSet pps;
  // The decoder's parameter sets by id after this access unit's own (the assembler's tables in a
  // view, copies in a detached access unit), and how often they had changed by then.
  SequenceParameterSet[] spsTable;
  PictureParameterSet[] ppsTable;
  long parameterSetGeneration;

  private static final String[] SLICE_TYPES = {"P", "B", "I", "SP", "SI"};

  AccessUnit() {}

  /** The buffer holding the length-prefixed NAL units; read-only by contract. */
  public byte[] data() {
    return data;
  }

  /** Bytes of {@link #data()} in use, from index 0. */
  public int length() {
    return length;
  }

  /** Number of NAL units in this access unit. */
  public int nalUnitCount() {
    return nalCount;
  }

  /** Index in {@link #data()} of NAL unit {@code i}'s header byte (its 4-byte length precedes it). */
  public int nalUnitOffset(int i) {
    return nalOffsets(i) + 4;
  }

  /** Length of NAL unit {@code i}, header byte included. */
  public int nalUnitLength(int i) {
    int at = nalOffsets(i);
    return ((data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8)
        | (data[at + 3] & 0xff);
  }

  /** nal_unit_type of NAL unit {@code i}. */
  public int nalUnitType(int i) {
    return data[nalOffsets(i) + 4] & 0x1f;
  }

  private int nalOffsets(int i) {
    if (i < 0 || i >= nalCount) {
      throw new IndexOutOfBoundsException("NAL unit " + i + " of " + nalCount);
    }
    return nalOffsets[i];
  }

  /** Position in decoding order, from 0 for the stream's first access unit. */
  public long decodeIndex() {
    return decodeIndex;
  }

  /** Stream offset of the first byte of this access unit's first NAL unit. */
  public long streamOffset() {
    return streamOffset;
  }

  /** Whether the primary picture is an IDR picture. */
  public boolean isIdr() {
    return idr;
  }

  /** Whether a recovery point SEI message precedes the picture in this access unit. */
  public boolean hasRecoveryPoint() {
    return recoveryPoint;
  }

  /**
   * Whether decoding can start here: an IDR picture, a recovery point SEI, or an I picture in a
   * stream that allows only one reference frame (nothing before it can be referenced). This is
   * exactly the rule behind FFmpeg's key-frame flag for raw H.264.
   */
  public boolean isKeyframe() {
    return keyframe;
  }

  /** slice_type of the first slice modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI. */
  public int sliceType() {
    return sliceType;
  }

  /** Whether the picture is used for reference (nal_ref_idc of its slices is non-zero). */
  public boolean isReference() {
    return nalRefIdc != 0;
  }

  public int frameNum() {
    return frameNum;
  }

  /** Whether the picture is a single field (field_pic_flag). */
  public boolean isField() {
    return fieldPic;
  }

  /** For a field, whether it is the bottom field. */
  public boolean isBottomField() {
    return bottomField;
  }

  /**
   * PicOrderCnt of the picture (§8.2.1): display order within the stretch that starts at the last
   * IDR picture (or memory_management_control_operation 5). It resets to 0 at each IDR.
   */
  public int picOrderCnt() {
    return picOrderCnt;
  }

  /** The sequence parameter set the picture uses. */
  public SequenceParameterSet sps() {
    return sps;
  }

  /** The picture parameter set the picture uses. */
  public PictureParameterSet pps() {
    return pps;
  }

  /**
   * Whether the picture ends a picture-order-count period without being an IDR: memory
   * management operation 5 (§8.2.1) resets its POC, and every earlier picture is output before it.
   */
  public boolean hasMemoryManagementReset() {
    return mmco5;
  }

  /**
   * How many times the stream had defined or redefined an SPS or PPS by this access unit: equal
   * values mean the same {@link #decoderConfiguration()}.
   */
  public long parameterSetGeneration() {
    return parameterSetGeneration;
  }

  /**
   * Every parameter set the decoder holds at this access unit (after the ones it carries), as an
   * {@code avcC} record: SPSs and PPSs in ascending id order, PPSs whose SPS is gone left out. A
   * segment that starts here decodes its later pictures with it even when they use parameter sets
   * the stream sent long before, and switch between them by id.
   */
  public AvcDecoderConfigurationRecord decoderConfiguration() {
    List<SequenceParameterSet> sps = new ArrayList<>();
    for (SequenceParameterSet s : spsTable) {
      if (s != null) {
        sps.add(s);
      }
    }
    List<PictureParameterSet> pps = new ArrayList<>();
    for (PictureParameterSet p : ppsTable) {
      if (p != null && p.spsId() < spsTable.length && spsTable[p.spsId()] != null) {
        pps.add(p);
      }
    }
    return AvcDecoderConfigurationRecord.of(sps, pps);
  }

  /** A detached copy that stays valid after the callback. */
  public AccessUnit copy() {
    AccessUnit c = new AccessUnit();
    c.data = Arrays.copyOf(data, length);
    c.length = length;
    c.nalCount = nalCount;
    c.nalOffsets = Arrays.copyOf(nalOffsets, nalCount);
    c.decodeIndex = decodeIndex;
    c.streamOffset = streamOffset;
    c.idr = idr;
    c.recoveryPoint = recoveryPoint;
    c.keyframe = keyframe;
    c.sliceType = sliceType;
    c.nalRefIdc = nalRefIdc;
    c.frameNum = frameNum;
    c.fieldPic = fieldPic;
    c.bottomField = bottomField;
    c.picOrderCnt = picOrderCnt;
    c.mmco5 = mmco5;
    c.sps = sps;
    c.pps = pps;
    c.spsTable = spsTable.clone();
    c.ppsTable = ppsTable.clone();
    c.parameterSetGeneration = parameterSetGeneration;
    return c;
  }

  /** The access unit back in Annex-B form, each NAL unit behind a 4-byte start code. */
  public byte[] toAnnexB() {
    byte[] out = Arrays.copyOf(data, length);
    for (int i = 0; i < nalCount; i++) {
      int at = nalOffsets[i];
      out[at] = 0;
      out[at + 1] = 0;
      out[at + 2] = 0;
      out[at + 3] = 1;
    }
    return out;
  }

  @Override
  public String toString() {
    return "AccessUnit{#" + decodeIndex + ", " + SLICE_TYPES[sliceType]
        + (idr ? " IDR" : "") + (keyframe ? " key" : "") + ", poc=" + picOrderCnt + ", "
        + nalCount + " NAL units, " + length + " bytes}";
  }
}
