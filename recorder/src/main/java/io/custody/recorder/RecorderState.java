package io.custody.recorder;

/**
 * The recorder's states. {@code BUFFERING → RECORDING} on {@link Recorder#startRecording},
 * {@code RECORDING → BUFFERING} on {@link Recorder#stopRecording}, and any state to {@code CLOSED}
 * on {@link Recorder#close}, after which every call but {@code close} and the getters fails.
 */
public enum RecorderState {
  /** Keeping the pre-event window; nothing is written. */
  BUFFERING,
  /** Writing segments. */
  RECORDING,
  /** Closed; everything fed was written or reported. */
  CLOSED
}
