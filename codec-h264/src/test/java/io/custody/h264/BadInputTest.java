package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each kind of broken input produces: a typed exception or a counted skip. */
class BadInputTest {
  private static H264FormatException.Reason reasonOf(byte[] stream) {
    try {
      StreamSummary.read(new ByteArrayInputStream(stream));
    } catch (H264FormatException e) {
      return e.reason();
    } catch (Exception e) {
      throw new AssertionError("untyped failure", e);
    }
    return null;
  }

  /** Offsets of the start codes (the 00 00 01 part) in a stream. */
  private static List<Integer> startCodes(byte[] b) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + 2 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        at.add(i);
      }
    }
    return at;
  }

  private static int firstUnitOfType(byte[] b, int type) {
    for (int sc : startCodes(b)) {
      if ((b[sc + 3] & 0x1f) == type) {
        return sc;
      }
    }
    throw new AssertionError("no unit of type " + type);
  }

  @Test
  void streamWithoutParameterSetsIsMissingParameterSet() throws Exception {
    byte[] clip = Clips.bytes("bwc-720p30-baseline.h264");
    byte[] noSps = Arrays.copyOfRange(clip, firstUnitOfType(clip, 5), clip.length);
    assertThat(reasonOf(noSps)).isEqualTo(H264FormatException.Reason.MISSING_PARAMETER_SET);
  }

  @Test
  void streamCutInsideTheSpsIsTruncated() throws Exception {
    byte[] clip = Clips.bytes("bwc-720p30-baseline.h264");
    int sps = firstUnitOfType(clip, 7);
    byte[] cut = Arrays.copyOf(clip, sps + 3 + 6); // header, profile, flags, level and a little
    assertThat(reasonOf(cut)).isEqualTo(H264FormatException.Reason.TRUNCATED);
  }

  @Test
  void streamCutInsideASliceHeaderIsTruncated() throws Exception {
    byte[] clip = Clips.bytes("bwc-720p30-main.h264");
    int idr = firstUnitOfType(clip, 5);
    byte[] cut = Arrays.copyOf(clip, idr + 3 + 2);
    assertThat(reasonOf(cut)).isEqualTo(H264FormatException.Reason.TRUNCATED);
  }

  @Test
  void streamCutInsideSliceDataStillYieldsEveryCompletePicture() throws Exception {
    byte[] clip = Clips.bytes("bwc-720p30-main.h264");
    List<Integer> codes = startCodes(clip);
    int lastSlice = codes.get(codes.size() - 1);
    byte[] cut = Arrays.copyOf(clip, lastSlice + 3 + 40);
    StreamSummary s = StreamSummary.read(new ByteArrayInputStream(cut));
    assertThat(s.accessUnits()).isEqualTo(Clips.expected("bwc-720p30-main.h264").get("access_units").asLong());
  }

  @Test
  void forbiddenBitInTheMiddleIsTypedAndPositioned() throws Exception {
    byte[] clip = Clips.bytes("bwc-720p30-main.h264").clone();
    int at = startCodes(clip).get(20) + 3;
    clip[at] |= (byte) 0x80;
    try {
      StreamSummary.read(new ByteArrayInputStream(clip));
      throw new AssertionError("accepted a forbidden_zero_bit");
    } catch (H264FormatException e) {
      assertThat(e.reason()).isEqualTo(H264FormatException.Reason.FORBIDDEN_ZERO_BIT);
      assertThat(e.streamOffset()).isEqualTo(at);
    }
  }

  @Test
  void garbageBeforeTheStreamIsSkippedAndTheRestParsed() throws Exception {
    byte[] clip = Clips.bytes("hfr-720p60.h264");
    byte[] garbage = new byte[5000];
    Arrays.fill(garbage, (byte) 0x7f);
    byte[] joined = new byte[garbage.length + clip.length];
    System.arraycopy(garbage, 0, joined, 0, garbage.length);
    System.arraycopy(clip, 0, joined, garbage.length, clip.length);
    StreamSummary s = StreamSummary.read(new ByteArrayInputStream(joined));
    assertThat(s.skippedBytes()).isEqualTo(garbage.length);
    assertThat(s.accessUnits()).isEqualTo(Clips.expected("hfr-720p60.h264").get("access_units").asLong());
  }

  @Test
  void streamOfOnlyNonPictureUnitsHoldsNoPicture() {
    byte[] seiFlood = new byte[] {0, 0, 1, 0x06, 0x05, 0x01, 0x00, (byte) 0x80, 0, 0, 1, 0x09, (byte) 0xf0};
    assertThat(reasonOf(seiFlood)).isEqualTo(H264FormatException.Reason.MISSING_PARAMETER_SET);
  }

  @Test
  void floodOfUnitsWithoutASliceHitsTheAccessUnitBound() {
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> {}, 1 << 20);
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    byte[] filler = new byte[4096];
    Arrays.fill(filler, (byte) 0xff);
    filler[0] = 0;
    filler[1] = 0;
    filler[2] = 1;
    filler[3] = 0x0c; // filler data NAL unit
    assertThatThrownBy(() -> {
          for (int i = 0; i < 100_000; i++) {
            scanner.feed(filler);
          }
        })
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.ACCESS_UNIT_TOO_LARGE));
  }

  @Test
  void malformedSeiIsSkippedAndCounted() throws Exception {
    byte[] clip = Clips.bytes("aud-sei-720p.h264");
    int sei = firstUnitOfType(clip, 6);
    // Claim a payload far longer than the unit.
    byte[] broken = clip.clone();
    broken[sei + 5] = (byte) 0xfe;
    List<Long> keyframes = new ArrayList<>();
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> {
      if (au.isKeyframe()) {
        keyframes.add(au.decodeIndex());
      }
    });
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    scanner.feed(broken);
    scanner.finish();
    assembler.finish();
    assertThat(assembler.malformedSeiUnits()).isEqualTo(1);
    assertThat(keyframes).as("the IDR pictures are still found").isNotEmpty();
    assertThat(assembler.accessUnits()).isEqualTo(60);
  }
}
