package io.custody.mp4;


/**
 * Why a video access unit was lost after a trigger: always an error, reported to {@code
 * RecorderListener.framesDropped} and counted in {@code RecorderStats.videoFramesDropped()}.
 */
public enum FrameDrop {
  /**
   * The segment output failed: the pictures written to the segment after its last sealed fragment,
   * and those waiting to be written, went down with it (recovery closes the segment at its last
   * intact fragment).
   */
  OUTPUT_FAILED;

  /** The name used in JSON reports, e.g. {@code output_failed}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
