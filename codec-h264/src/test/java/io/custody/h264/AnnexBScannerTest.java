package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
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

  /**
   * Scans with a {@link AnnexBScanner.PieceSink} that reassembles the units it takes in pieces
   * (all of them when {@code take}) and records the others whole, as {@link #scan} does.
   */
  private static List<String> scanInPieces(boolean take, long[] pieced, byte[]... chunks) {
    List<String> units = new ArrayList<>();
    ByteArrayOutputStream unit = new ByteArrayOutputStream();
    long[] start = {-1};
    AnnexBScanner s = new AnnexBScanner(new AnnexBScanner.PieceSink() {
      @Override
      public void accept(NalUnit n) {
        units.add(n.streamOffset() + ":" + Arrays.toString(n.toByteArray()));
      }

      @Override
      public boolean begin(NalUnit head) {
        assertThat(head.array()[head.offset() + head.length() - 1]).as("head's last byte").isNotZero();
        unit.reset();
        unit.write(head.array(), head.offset(), head.length());
        start[0] = head.streamOffset();
        return take;
      }

      @Override
      public void more(byte[] array, int offset, int length) {
        assertThat(length).isPositive();
        unit.write(array, offset, length);
      }

      @Override
      public void end(byte[] array, int offset, int length) {
        unit.write(array, offset, length);
        units.add(start[0] + ":" + Arrays.toString(unit.toByteArray()));
      }
    });
    for (byte[] c : chunks) {
      s.feed(c);
    }
    s.finish();
    pieced[0] = s.piecedNalUnits();
    return units;
  }

  @Test
  void unitsTakenInPiecesAreTheSameUnits() {
    long[] pieced = new long[1];
    for (int cut = 0; cut <= STREAM.length; cut++) {
      byte[][] two = {Arrays.copyOf(STREAM, cut), Arrays.copyOfRange(STREAM, cut, STREAM.length)};
      assertThat(scanInPieces(true, pieced, two)).as("cut at %d", cut).isEqualTo(UNITS);
      assertThat(scanInPieces(false, pieced, two)).as("declined, cut at %d", cut).isEqualTo(UNITS);
      assertThat(pieced[0]).isZero();
    }
    byte[][] ones = new byte[STREAM.length][];
    for (int i = 0; i < STREAM.length; i++) {
      ones[i] = new byte[] {STREAM[i]};
    }
    assertThat(scanInPieces(true, pieced, ones)).isEqualTo(UNITS);
    assertThat(pieced[0]).isEqualTo(UNITS.size());
  }

  @Test
  void unitsTakenInPiecesMatchWholeUnitsOnZeroRichData() {
    Random random = new Random(11);
    long[] pieced = new long[1];
    long piecedTotal = 0;
    for (int round = 0; round < 500; round++) {
      byte[] b = new byte[3 + random.nextInt(3000)];
      int zeroOneIn = 2 + random.nextInt(30);
      for (int i = 0; i < b.length; i++) {
        int r = random.nextInt(zeroOneIn);
        b[i] = (byte) (r == 0 ? 0 : r == 1 ? 1 : r == 2 ? 3 : 0x11 + r);
      }
      b[0] = 0;
      b[1] = 0;
      b[2] = 1;
      List<byte[]> chunks = new ArrayList<>();
      for (int pos = 0; pos < b.length; ) {
        int n = Math.min(b.length - pos, 1 + random.nextInt(round % 3 == 0 ? 4 : 400));
        chunks.add(Arrays.copyOfRange(b, pos, pos + n));
        pos += n;
      }
      byte[][] c = chunks.toArray(new byte[0][]);
      assertThat(scanInPieces(true, pieced, c)).as("round %d", round).isEqualTo(scan(b));
      piecedTotal += pieced[0];
    }
    assertThat(piecedTotal).isPositive();
  }

  @Test
  void aUnitThatNeverEndsHitsTheSizeBoundInPiecesToo() {
    long[] took = new long[1];
    AnnexBScanner s = new AnnexBScanner(new AnnexBScanner.PieceSink() {
      @Override
      public void accept(NalUnit n) {}

      @Override
      public boolean begin(NalUnit head) {
        took[0]++;
        return true;
      }

      @Override
      public void more(byte[] array, int offset, int length) {}

      @Override
      public void end(byte[] array, int offset, int length) {}
    }, 1 << 20);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 0x5a);
    s.feed(bytes(0, 0, 1, 0x65, 0x11));
    assertThatThrownBy(() -> {
          for (int i = 0; i < 200 * 16; i++) {
            s.feed(chunk);
          }
        })
        .isInstanceOfSatisfying(H264FormatException.class,
            e -> assertThat(e.reason()).isEqualTo(H264FormatException.Reason.NAL_UNIT_TOO_LARGE));
    assertThat(took[0]).isEqualTo(1);
    assertThat(s.bytesScanned()).isLessThan(2 << 20);
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
