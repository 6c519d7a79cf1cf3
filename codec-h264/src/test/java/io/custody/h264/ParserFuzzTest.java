package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws mutated real clips at the scanner and assembler for a bounded time: every input must
 * either parse or fail with {@link H264FormatException}, never with another exception and never
 * hang. Each case is derived from a printed seed, so a failure is reproducible. The time budget is
 * {@code -Dcustody.fuzz.seconds} (default 10).
 */
class ParserFuzzTest {
  private static final int MAX_SEED_BYTES = 256 * 1024;

  @Test
  void mutatedClipsFailOnlyWithTypedErrors() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (String clip : Clips.h264()) {
      byte[] b = Clips.bytes(clip);
      seeds.add(Arrays.copyOf(b, Math.min(b.length, MAX_SEED_BYTES)));
    }
    long seconds = Long.getLong("custody.fuzz.seconds", 10);
    int[] counts = new int[2]; // parsed, rejected
    assertTimeoutPreemptively(
        Duration.ofSeconds(seconds + 60),
        () -> {
          Random master = new Random(0x5eed);
          long deadline = System.nanoTime() + seconds * 1_000_000_000L;
          while (System.nanoTime() < deadline) {
            long seed = master.nextLong();
            Random r = new Random(seed);
            byte[] input = mutate(seeds, r);
            try {
              parse(input, r);
              counts[0]++;
            } catch (H264FormatException e) {
              counts[1]++;
            } catch (RuntimeException | Error e) {
              throw new AssertionError("untyped failure for seed " + seed + ": " + e, e);
            }
          }
        });
    System.out.printf("fuzz: %d cases in %d s, %d parsed, %d rejected with a typed error%n",
        counts[0] + counts[1], seconds, counts[0], counts[1]);
    assertThat(counts[0] + counts[1]).as("cases run").isGreaterThan(200);
    assertThat(counts[0]).as("cases that still parse").isPositive();
    assertThat(counts[1]).as("cases rejected").isPositive();
  }

  private static void parse(byte[] input, Random r) {
    AccessUnitAssembler assembler = new AccessUnitAssembler(au -> au.picOrderCnt(), 8 << 20);
    AnnexBScanner scanner = new AnnexBScanner(assembler, 4 << 20);
    int pos = 0;
    while (pos < input.length) {
      int n = Math.min(input.length - pos, 1 + r.nextInt(r.nextBoolean() ? 16 : 65536));
      scanner.feed(input, pos, n);
      pos += n;
    }
    scanner.finish();
    assembler.finish();
  }

  private static byte[] mutate(List<byte[]> seeds, Random r) {
    byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
    int rounds = 1 + r.nextInt(8);
    for (int k = 0; k < rounds && b.length > 8; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(9)) {
        case 0: // flip bits
          for (int i = 0, n = 1 + r.nextInt(32); i < n; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
          break;
        case 1: // random bytes over a short range, biased to the head where headers live
          at = r.nextBoolean() ? r.nextInt(Math.min(b.length, 200)) : at;
          for (int i = at, end = Math.min(b.length, at + 1 + r.nextInt(16)); i < end; i++) {
            b[i] = (byte) r.nextInt(256);
          }
          break;
        case 2: // truncate
          b = Arrays.copyOf(b, at);
          break;
        case 3: // delete a range
          b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(b.length, at + r.nextInt(4096)), b.length));
          break;
        case 4: // duplicate a range
          int end = Math.min(b.length, at + r.nextInt(8192));
          b = concat(Arrays.copyOf(b, end), Arrays.copyOfRange(b, at, b.length));
          break;
        case 5: // insert a start code with a random header byte
          b = concat(Arrays.copyOf(b, at), new byte[] {0, 0, 1, (byte) r.nextInt(128)},
              Arrays.copyOfRange(b, at, b.length));
          break;
        case 6: // splice another clip in
          byte[] other = seeds.get(r.nextInt(seeds.size()));
          int from = r.nextInt(other.length);
          b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(other, from, Math.min(other.length, from + 20000)));
          break;
        case 7: // zero a range (makes start codes and long zero runs)
          Arrays.fill(b, at, Math.min(b.length, at + r.nextInt(64)), (byte) 0);
          break;
        default: // corrupt the header byte after a start code
          for (int i = at; i + 3 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
              b[i + 3] = (byte) r.nextInt(256);
              break;
            }
          }
      }
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
