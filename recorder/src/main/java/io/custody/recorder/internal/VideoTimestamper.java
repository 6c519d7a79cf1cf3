package io.custody.recorder.internal;

/**
 * Gives access units without encoder timestamps their decode and presentation times, the way a
 * decoder's picture buffer would output them.
 *
 * <p>Decode times come from the frame rate: frame {@code n} decodes at {@code n × 90000 × den /
 * num} ticks (exact for any rational rate, no drift). Presentation order comes from picture
 * order count: pictures wait in a window of {@code maxNumReorderFrames + 1}; when it overflows,
 * the one with the lowest (period, POC) is output next. A period starts at an IDR or at a picture
 * with memory management operation 5, which resets POC: every picture before it is output first
 * (H.264 §C.4.4). The k-th picture output is presented at the decode time of frame {@code k +
 * delay}, where {@code delay} is the largest reorder depth seen so far, so presentation never
 * precedes decoding and composition offsets are never negative in a conforming stream (an SPS
 * that deepens the window moves later pictures' presentation on, never back).
 *
 * <p>Allocation-free: the window is a pair of small primitive arrays.
 */
public final class VideoTimestamper {
  /** Receives each picture's composition offset once its presentation order is known. */
  public interface Output {
    void compositionOffset(long seq, int compositionOffset90k);
  }

  private static final int MAX_WINDOW = 17;

  private final long rateNum;
  private final long rateDen;
  private final long[] seqs = new long[MAX_WINDOW];
  private final long[] keys = new long[MAX_WINDOW];
  private final long[] frames = new long[MAX_WINDOW];
  private int pending;
  private long period = -1;
  private long decoded;
  private long presented;
  private int delay = -1;

  /** @param rateNum frames per {@code rateDen} seconds, e.g. 30000 / 1001 */
  public VideoTimestamper(long rateNum, long rateDen) {
    if (rateNum <= 0 || rateDen <= 0) {
      throw new IllegalArgumentException("frame rate " + rateNum + "/" + rateDen);
    }
    this.rateNum = rateNum;
    this.rateDen = rateDen;
  }

  /** 90 kHz time of frame slot {@code n}. */
  public long ticks(long n) {
    return Math.floorDiv(n * 90_000L * rateDen, rateNum);
  }

  /**
   * Takes the next access unit in decoding order and returns its decode time (90 kHz). Its
   * composition offset reaches {@code out} now or after later pictures arrive.
   *
   * @param periodStart whether the picture is an IDR or has memory management operation 5
   */
  public long next(long seq, boolean periodStart, int picOrderCnt, int maxNumReorderFrames, Output out) {
    int reorder = Math.min(Math.max(maxNumReorderFrames, 0), MAX_WINDOW - 1);
    delay = Math.max(delay, reorder);
    if (periodStart) {
      flush(out);
      period++;
    } else if (period < 0) {
      period = 0;
    }
    long frame = decoded++;
    seqs[pending] = seq;
    keys[pending] = (period << 32) + (picOrderCnt - (long) Integer.MIN_VALUE);
    frames[pending] = frame;
    pending++;
    while (pending > reorder) {
      outputLowest(out);
    }
    return ticks(frame);
  }

  /** Outputs every waiting picture (end of stream or of a recording). */
  public void flush(Output out) {
    while (pending > 0) {
      outputLowest(out);
    }
  }

  /** Decode time (90 kHz) that the next access unit will get. */
  public long nextDecodeTime() {
    return ticks(decoded);
  }

  /** How many frame slots presentation lags decoding ({@code -1} before the first picture). */
  public int delayFrames() {
    return delay;
  }

  private void outputLowest(Output out) {
    int lowest = 0;
    for (int i = 1; i < pending; i++) {
      if (keys[i] < keys[lowest]) {
        lowest = i;
      }
    }
    long pts = ticks(presented++ + delay);
    long dts = ticks(frames[lowest]);
    out.compositionOffset(seqs[lowest], (int) (pts - dts));
    pending--;
    seqs[lowest] = seqs[pending];
    keys[lowest] = keys[pending];
    frames[lowest] = frames[pending];
  }
}
