package io.custody.h264;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1), the body of an MP4 {@code avcC}
 * box: profile, level, NAL length size and the parameter sets a decoder needs before the first
 * sample. Immutable.
 *
 * <p>Samples that go with it carry 4-byte NAL unit lengths ({@code lengthSizeMinusOne = 3}), the
 * form {@link AccessUnit} already holds. For every profile other than Baseline, Main and Extended,
 * the record carries the chroma format and bit depths (as current editions of 14496-15 and
 * FFmpeg do).
 */
public final class AvcDecoderConfigurationRecord {
  private final List<SequenceParameterSet> spsList;
  private final List<PictureParameterSet> ppsList;

  private AvcDecoderConfigurationRecord(
      List<SequenceParameterSet> spsList, List<PictureParameterSet> ppsList) {
    this.spsList = List.copyOf(spsList);
    this.ppsList = List.copyOf(ppsList);
  }

  /**
   * A record for one SPS and the PPSs that refer to it.
   *
   * @throws IllegalArgumentException if the list of PPSs is empty or one refers to another SPS
   */
  public static AvcDecoderConfigurationRecord of(
      SequenceParameterSet sps, List<PictureParameterSet> ppsList) {
    if (ppsList.isEmpty()) {
      throw new IllegalArgumentException("an avcC needs at least one PPS");
    }
    for (PictureParameterSet pps : ppsList) {
      if (pps.spsId() != sps.id()) {
        throw new IllegalArgumentException("PPS " + pps.id() + " refers to SPS " + pps.spsId()
            + ", not " + sps.id());
      }
    }
    return new AvcDecoderConfigurationRecord(List.of(sps), ppsList);
  }

  /**
   * A record of several SPSs and the PPSs that refer to them (a stream that switches parameter
   * sets by id), each list in ascending id order as ISO/IEC 14496-15 requires.
   *
   * @throws IllegalArgumentException if a list is empty, out of id order, or a PPS refers to an
   *     SPS not in the record
   */
  public static AvcDecoderConfigurationRecord of(
      List<SequenceParameterSet> spsList, List<PictureParameterSet> ppsList) {
    if (spsList.isEmpty() || ppsList.isEmpty()) {
      throw new IllegalArgumentException("an avcC needs at least one SPS and one PPS");
    }
    for (int i = 1; i < spsList.size(); i++) {
      if (spsList.get(i).id() <= spsList.get(i - 1).id()) {
        throw new IllegalArgumentException("SPS ids not ascending");
      }
    }
    for (int i = 0; i < ppsList.size(); i++) {
      PictureParameterSet pps = ppsList.get(i);
      if (i > 0 && pps.id() <= ppsList.get(i - 1).id()) {
        throw new IllegalArgumentException("PPS ids not ascending");
      }
      if (spsList.stream().noneMatch(s -> s.id() == pps.spsId())) {
        throw new IllegalArgumentException("PPS " + pps.id() + " refers to SPS " + pps.spsId()
            + ", which is not in the record");
      }
    }
    return new AvcDecoderConfigurationRecord(spsList, ppsList);
  }

  /** Shorthand for a record of one SPS and one PPS. */
  public static AvcDecoderConfigurationRecord of(SequenceParameterSet sps, PictureParameterSet pps) {
    return of(sps, List.of(pps));
  }

  /**
   * Parses a record (the body of an {@code avcC} box).
   *
   * @throws H264FormatException if it is truncated, not version 1, or holds malformed parameter
   *     sets
   */
  public static AvcDecoderConfigurationRecord parse(byte[] record) {
    Cursor c = new Cursor(record);
    if (c.u8() != 1) {
      throw new H264FormatException(H264FormatException.Reason.INVALID_VALUE,
          "avcC configurationVersion is not 1");
    }
    c.u8(); // AVCProfileIndication
    c.u8(); // profile_compatibility
    c.u8(); // AVCLevelIndication
    if ((c.u8() & 3) != 3) {
      throw new H264FormatException(H264FormatException.Reason.INVALID_VALUE,
          "only 4-byte NAL unit lengths are supported");
    }
    List<SequenceParameterSet> sps = new ArrayList<>();
    int spsCount = c.u8() & 0x1f;
    for (int i = 0; i < spsCount; i++) {
      sps.add(SequenceParameterSet.parse(c.bytes(c.u16())));
    }
    List<PictureParameterSet> pps = new ArrayList<>();
    int ppsCount = c.u8();
    for (int i = 0; i < ppsCount; i++) {
      byte[] nal = c.bytes(c.u16());
      pps.add(PictureParameterSet.parse(nal, id -> sps.stream().filter(s -> s.id() == id)
          .findFirst().orElse(null)));
    }
    if (sps.isEmpty() || pps.isEmpty()) {
      throw new H264FormatException(H264FormatException.Reason.MISSING_PARAMETER_SET,
          "avcC without SPS or PPS");
    }
    return new AvcDecoderConfigurationRecord(sps, pps);
  }

  public List<SequenceParameterSet> sequenceParameterSets() {
    return spsList;
  }

  public List<PictureParameterSet> pictureParameterSets() {
    return ppsList;
  }

  /** The record's bytes, as they go inside an {@code avcC} box. */
  public byte[] toByteArray() {
    SequenceParameterSet first = spsList.get(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1); // configurationVersion
    out.write(first.profileIdc());
    out.write(first.constraintFlags());
    out.write(first.levelIdc());
    out.write(0xfc | 3); // reserved '111111', lengthSizeMinusOne = 3
    out.write(0xe0 | spsList.size()); // reserved '111', numOfSequenceParameterSets
    for (SequenceParameterSet sps : spsList) {
      writeUnit(out, sps.nalUnitView());
    }
    out.write(ppsList.size());
    for (PictureParameterSet pps : ppsList) {
      writeUnit(out, pps.nalUnitView());
    }
    int profile = first.profileIdc();
    if (profile != 66 && profile != 77 && profile != 88) {
      out.write(0xfc | first.chromaFormatIdc());
      out.write(0xf8 | (first.bitDepthLuma() - 8));
      out.write(0xf8 | (first.bitDepthChroma() - 8));
      out.write(0); // numOfSequenceParameterSetExt
    }
    return out.toByteArray();
  }

  private static void writeUnit(ByteArrayOutputStream out, byte[] nal) {
    out.write(nal.length >>> 8);
    out.write(nal.length);
    out.write(nal, 0, nal.length);
  }

  /** The RFC 6381 codecs string, e.g. {@code avc1.640028}. */
  public String codecString() {
    SequenceParameterSet s = spsList.get(0);
    return String.format(java.util.Locale.ROOT, "avc1.%02X%02X%02X", s.profileIdc(), s.constraintFlags(), s.levelIdc());
  }

  private static final class Cursor {
    private final byte[] b;
    private int pos;

    Cursor(byte[] b) {
      this.b = b;
    }

    int u8() {
      need(1);
      return b[pos++] & 0xff;
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    byte[] bytes(int n) {
      need(n);
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    private void need(int n) {
      if (pos + n > b.length) {
        throw new H264FormatException(H264FormatException.Reason.TRUNCATED, "avcC record is truncated");
      }
    }
  }
}
