package io.custody.mp4;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link FragmentedMp4Writer} puts a segment, piece by piece: the initialization part
 * once, then each fragment as soon as it is complete, then the end. The concatenation of the
 * buffers, in call order, is the segment file.
 *
 * <p>Ownership: each {@link ByteBuffer} is a view over the writer's reusable array, valid only
 * during the call; a sink must not modify the bytes, and copies them if it needs them later. The
 * views are array-backed ({@link ByteBuffer#hasArray()}), so a sink may read the array in place
 * rather than copy it out. Each buffer's position and limit delimit exactly the bytes to write.
 *
 * <p>Order: {@link #init} first (exactly once), then zero or more {@link #fragment} calls, then
 * {@link #end} (exactly once, unless the writer failed). If a call throws, the writer fails: it
 * calls nothing more and rejects further input.
 */
public interface FragmentSink {
  /** The {@code ftyp} and {@code moov} boxes. */
  void init(ByteBuffer ftypMoov) throws IOException;

  /** One fragment: {@code prft}, {@code moof} and {@code mdat}. */
  void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException;

  /**
   * The segment is complete; no bytes follow.
   *
   * @param info what the segment holds
   * @param lastInRecording whether it is the last segment of its recording (the recording was
   *     stopped, closed, or reached its maximum length), so a sealing sink can say so in its signed
   *     manifest
   */
  void end(SegmentInfo info, boolean lastInRecording) throws IOException;

  /**
   * The segment will not be completed ({@link #end} will not be called): its writer failed, or
   * the recorder is closing after a failure. Release what the sink holds (files, connections);
   * what was written stays as an unfinished segment, as after a crash. Idempotent. The default
   * does nothing.
   */
  default void abort() throws IOException {}
}
