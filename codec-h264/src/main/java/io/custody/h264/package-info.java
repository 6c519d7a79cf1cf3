/**
 * H.264 (ITU-T H.264 | ISO/IEC 14496-10) bitstream reading for the write path.
 *
 * <p>Data flows {@link io.custody.h264.AnnexBScanner} (bytes to NAL units, no copy) → {@link
 * io.custody.h264.AccessUnitAssembler} (NAL units to length-prefixed access units with keyframe
 * flags and picture order count) → the caller. {@link io.custody.h264.SequenceParameterSet} and
 * {@link io.custody.h264.PictureParameterSet} are parsed on the way; {@link
 * io.custody.h264.AvcDecoderConfigurationRecord} builds the MP4 {@code avcC}. {@link
 * io.custody.h264.StreamSummary} reads a whole stream for tools.
 *
 * <p>Errors in the input are reported as {@link io.custody.h264.H264FormatException} with a
 * {@link io.custody.h264.H264FormatException.Reason}; nothing in this package blocks, and memory
 * is bounded by the largest NAL unit and access unit (both capped).
 */
package io.custody.h264;
