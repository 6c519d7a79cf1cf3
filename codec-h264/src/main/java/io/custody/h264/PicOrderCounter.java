package io.custody.h264;

/**
 * Computes PicOrderCnt (ITU-T H.264 §8.2.1) for each picture in decoding order: the number that
 * orders pictures for display. A muxer turns it into composition offsets for B-frames.
 *
 * <p>Holds the state the standard carries from picture to picture (prevPicOrderCntMsb/Lsb of the
 * previous reference picture, prevFrameNum/prevFrameNumOffset), including the reset caused by
 * memory_management_control_operation 5.
 */
final class PicOrderCounter {
  // Type 0: of the previous reference picture.
  private int prevPocMsb;
  private int prevPocLsb;
  // Types 1 and 2: of the previous picture.
  private int prevFrameNum;
  private int prevFrameNumOffset;
  private boolean prevMmco5;

  /** PicOrderCnt of the picture whose first slice is {@code h}, advancing the state. */
  int next(SliceHeader h) {
    SequenceParameterSet sps = h.sps;
    int top;
    int bottom;
    switch (sps.picOrderCntType()) {
      case 0: {
        if (h.isIdr()) {
          prevPocMsb = 0;
          prevPocLsb = 0;
        }
        int maxLsb = 1 << sps.log2MaxPicOrderCntLsb();
        int lsb = h.picOrderCntLsb;
        int msb;
        if (lsb < prevPocLsb && prevPocLsb - lsb >= maxLsb / 2) {
          msb = prevPocMsb + maxLsb;
        } else if (lsb > prevPocLsb && lsb - prevPocLsb > maxLsb / 2) {
          msb = prevPocMsb - maxLsb;
        } else {
          msb = prevPocMsb;
        }
        top = msb + lsb;
        bottom = h.fieldPic ? msb + lsb : top + h.deltaPicOrderCntBottom;
        if (h.nalRefIdc != 0) {
          if (h.mmco5) {
            int temp = picOrderCnt(h, top, bottom);
            prevPocMsb = 0;
            prevPocLsb = h.fieldPic && h.bottomField ? 0 : top - temp;
          } else {
            prevPocMsb = msb;
            prevPocLsb = lsb;
          }
        }
        break;
      }
      case 1: {
        int frameNumOffset = frameNumOffset(h, sps);
        int cycle = sps.numRefFramesInPicOrderCntCycle();
        int absFrameNum = cycle != 0 ? frameNumOffset + h.frameNum : 0;
        if (h.nalRefIdc == 0 && absFrameNum > 0) {
          absFrameNum--;
        }
        int expected = 0;
        if (absFrameNum > 0) {
          int deltaPerCycle = 0;
          for (int i = 0; i < cycle; i++) {
            deltaPerCycle += sps.offsetForRefFrame(i);
          }
          int cycleCnt = (absFrameNum - 1) / cycle;
          int inCycle = (absFrameNum - 1) % cycle;
          expected = cycleCnt * deltaPerCycle;
          for (int i = 0; i <= inCycle; i++) {
            expected += sps.offsetForRefFrame(i);
          }
        }
        if (h.nalRefIdc == 0) {
          expected += sps.offsetForNonRefPic();
        }
        if (!h.fieldPic) {
          top = expected + h.deltaPicOrderCnt0;
          bottom = top + sps.offsetForTopToBottomField() + h.deltaPicOrderCnt1;
        } else {
          top = expected + h.deltaPicOrderCnt0;
          bottom = expected + sps.offsetForTopToBottomField() + h.deltaPicOrderCnt0;
        }
        advanceFrameNum(h, frameNumOffset);
        break;
      }
      default: {
        int frameNumOffset = frameNumOffset(h, sps);
        int temp;
        if (h.isIdr()) {
          temp = 0;
        } else if (h.nalRefIdc == 0) {
          temp = 2 * (frameNumOffset + h.frameNum) - 1;
        } else {
          temp = 2 * (frameNumOffset + h.frameNum);
        }
        top = temp;
        bottom = temp;
        advanceFrameNum(h, frameNumOffset);
        break;
      }
    }
    return picOrderCnt(h, top, bottom);
  }

  private int frameNumOffset(SliceHeader h, SequenceParameterSet sps) {
    if (h.isIdr()) {
      return 0;
    }
    int prevOffset = prevMmco5 ? 0 : prevFrameNumOffset;
    return prevFrameNum > h.frameNum ? prevOffset + (1 << sps.log2MaxFrameNum()) : prevOffset;
  }

  private void advanceFrameNum(SliceHeader h, int frameNumOffset) {
    prevMmco5 = h.mmco5;
    prevFrameNum = h.mmco5 ? 0 : h.frameNum;
    prevFrameNumOffset = frameNumOffset;
  }

  private static int picOrderCnt(SliceHeader h, int top, int bottom) {
    if (!h.fieldPic) {
      return Math.min(top, bottom);
    }
    return h.bottomField ? bottom : top;
  }
}
