package io.custody.recorder;

import io.custody.mp4.FrameDrop;

/**
 * Why a video access unit that the {@link Recorder} was fed was not sealed, under a documented
 * rule that loses nothing a trigger asked for. Every access unit fed ends sealed, evicted for one
 * of these reasons, or {@linkplain FrameDrop dropped}; {@link RecorderStats} counts each.
 */
public enum FrameEviction {
  /**
   * It slid out of the pre-event window before any trigger (the window keeps the newest
   * keyframe-aligned GOPs that cover {@link Recorder.Builder#preEvent}), or was still waiting in
   * the window, untriggered, when the recorder closed.
   */
  PRE_EVENT_WINDOW,
  /** It was evicted before any trigger to keep the window within {@link Recorder.Builder#preEventMaxBytes}. */
  PRE_EVENT_BYTES,
  /**
   * No keyframe came before it to decode from: it was fed before the stream's first keyframe, after
   * a recording stopped and before the next keyframe, or after a trigger when the window held no
   * keyframe yet (the recording starts at the next one).
   */
  BEFORE_KEYFRAME;

  /** The name used in JSON reports, e.g. {@code pre_event_window}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
