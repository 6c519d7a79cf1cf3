package io.custody.recorder;

import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.h264.SequenceParameterSet;

/**
 * The decoder configuration a segment starts with, taken at a keyframe: every parameter set the
 * decoder holds there, and the SPS of that picture (its size and profile; a keyframe with another
 * SPS starts a new segment).
 */
record SegmentConfig(AvcDecoderConfigurationRecord record, SequenceParameterSet activeSps) {}
