package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBScannerTest {
  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  private static List<String> scan(byte[]... chunks) {
    List<String> units = new ArrayList<>();
    AnnexBScanner s = new AnnexBScanner(n -> units.add(n.streamOffset() + ":" + Arrays.toString(n.toByteArray())));
    for (byte[] c : chunks) {
      s.feed(c);
    }
    s.finish();
    return units;
  }

  // 4-byte start code, AUD, 3-byte start code, an SPS-like unit with trailing zeros, a 3-byte
  // code, a unit with an emulation-prevention byte, a 4-byte code, a last unit.
  private static final byte[] STREAM =
      bytes(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0x42, 0x00, 0x00, 0, 0, 1, 0x68, 0, 0, 3, 1,
          0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84);

  private static final List<String> UNITS =
      List.of(
          "4:[9, -16]",
          "9:[103, 66]",
          "16:[104, 0, 0, 3, 1, -128]",
          "26:[101, -120, -124]");

  @Test
  void findsUnitsBehindThreeAndFourByteStartCodes() {
    assertThat(scan(STREAM)).isEqualTo(UNITS);
  }

  @Test
  void everySplitIntoTwoChunksGivesTheSameUnits() {
    for (int cut = 0; cut <= STREAM.length; cut++) {
      assertThat(scan(Arrays.copyOf(STREAM, cut), Arrays.copyOfRange(STREAM, cut, STREAM.length)))
          .as("cut at %d", cut)
          .isEqualTo(UNITS);
    }
  }

  @Test
  void oneByteChunksGiveTheSameUnits() {
    byte[][] chunks = new byte[STREAM.length][];
    for (int i = 0; i < STREAM.length; i++) {
      chunks[i] = new byte[] {STREAM[i]};
    }
    assertThat(scan(chunks)).isEqualTo(UNITS);
  }

  @Test
  void leadingGarbageIsSkippedAndCounted() {
    List<String> units = new ArrayList<>();
    AnnexBScanner s = new AnnexBScanner(n -> units.add(Arrays.toString(n.toByteArray())));
    s.feed(bytes(0x12, 0x34, 0x00));
    s.feed(bytes(0x00, 0x01, 0x09, 0xf0));
    s.finish();
    assertThat(units).containsExactly("[9, -16]");
    assertThat(s.skippedBytes()).isEqualTo(2);
  }

  @Test
  void emptyUnitsAreSkippedAndCounted() {
    List<String> units = new ArrayList<>();
    AnnexBScanner s = new AnnexBScanner(n -> units.add(Arrays.toString(n.toByteArray())));
    s.feed(bytes(0, 0, 1, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 0, 1));
    s.finish();
    assertThat(units).containsExactly("[9, -16]");
    assertThat(s.emptyNalUnits()).isEqualTo(2);
  }

  @Test
  void forbiddenZeroBitIsRejected() {
    AnnexBScanner s = new AnnexBScanner(n -> {});
    assertThatThrownBy(() -> {
          s.feed(bytes(0, 0, 1, 0x89, 0x10, 0, 0, 1, 0x09));
          s.finish();
        })
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(H264FormatException.Reason.FORBIDDEN_ZERO_BIT);
              assertThat(e.streamOffset()).isEqualTo(3);
            });
  }

  @Test
  void inputWithoutStartCodeIsRejectedAtFinishWithConstantMemory() {
    AnnexBScanner s = new AnnexBScanner(n -> {});
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 0xa5);
    for (int i = 0; i < 200; i++) { // 200 MiB with no start code
      s.feed(chunk);
    }
    assertThat(s.skippedBytes()).isEqualTo(200L << 20);
    assertThatThrownBy(s::finish)
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.NO_START_CODE));
  }

  @Test
  void aUnitThatNeverEndsHitsTheSizeBound() {
    AnnexBScanner s = new AnnexBScanner(n -> {}, 1 << 20);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 0x5a);
    s.feed(bytes(0, 0, 1, 0x65));
    assertThatThrownBy(() -> {
          for (int i = 0; i < 200 * 16; i++) {
            s.feed(chunk);
          }
        })
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.NAL_UNIT_TOO_LARGE));
    assertThat(s.bytesScanned()).isLessThan(2 << 20);
  }

  @Test
  void feedAfterFinishIsAnError() {
    AnnexBScanner s = new AnnexBScanner(n -> {});
    s.feed(STREAM);
    s.finish();
    assertThatThrownBy(() -> s.feed(STREAM)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void startCodeSearchFindsEveryPositionAroundWordAndBlockBoundaries() {
    for (int from = 0; from < 8; from++) {
      for (int at = from; at < 100; at++) {
        byte[] b = new byte[112];
        Arrays.fill(b, (byte) 0x11);
        b[at] = 0;
        b[at + 1] = 0;
        b[at + 2] = 1;
        assertThat(AnnexBScanner.findStartCode(b, from, b.length)).isEqualTo(at);
        assertThat(AnnexBScanner.findStartCode(b, from, at + 2)).isEqualTo(-1);
        assertThat(AnnexBScanner.findStartCode(b, at + 1, b.length)).isEqualTo(-1);
      }
    }
  }

  @Test
  void startCodeSearchAgreesWithAByteLoopOnZeroRichData() {
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      byte[] b = new byte[random.nextInt(200)];
      int zeroOneIn = 2 + random.nextInt(30);
      for (int i = 0; i < b.length; i++) {
        int r = random.nextInt(zeroOneIn);
        b[i] = (byte) (r == 0 ? 0 : r == 1 ? 1 : r == 2 ? 3 : 0x11 + r);
      }
      int from = b.length == 0 ? 0 : random.nextInt(b.length);
      int to = from + random.nextInt(b.length - from + 1);
      int expected = -1;
      for (int i = from; i + 2 < to; i++) {
        if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
          expected = i;
          break;
        }
      }
      assertThat(AnnexBScanner.findStartCode(b, from, to)).as("round %d", round).isEqualTo(expected);
    }
  }

  @Test
  void rbspUnescapeDropsEmulationPreventionBytes() {
    byte[] src = bytes(0x68, 0, 0, 3, 1, 0, 0, 3, 0, 3, 0, 0, 3);
    byte[] dst = new byte[src.length];
    int n = RbspReader.unescape(src, 0, src.length, dst);
    assertThat(Arrays.copyOf(dst, n)).containsExactly(bytes(0x68, 0, 0, 1, 0, 0, 0, 3, 0, 0));
  }
}
