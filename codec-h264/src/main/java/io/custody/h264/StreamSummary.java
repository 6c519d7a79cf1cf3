package io.custody.h264;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The facts of a whole H.264 Annex-B stream, read in one streaming pass: picture size, profile,
 * level and frame rate (from the first SPS), access-unit count and the decode-order indexes of
 * keyframes. Immutable.
 */
public final class StreamSummary {
  private final SequenceParameterSet firstSps;
  private final long bytes;
  private final long nalUnits;
  private final long accessUnits;
  private final List<Long> keyframes;
  private final int parameterSetChanges;
  private final long skippedBytes;

  private StreamSummary(
      SequenceParameterSet firstSps,
      long bytes,
      long nalUnits,
      long accessUnits,
      List<Long> keyframes,
      int parameterSetChanges,
      long skippedBytes) {
    this.firstSps = firstSps;
    this.bytes = bytes;
    this.nalUnits = nalUnits;
    this.accessUnits = accessUnits;
    this.keyframes = List.copyOf(keyframes);
    this.parameterSetChanges = parameterSetChanges;
    this.skippedBytes = skippedBytes;
  }

  /**
   * Reads {@code in} to its end (it is not closed).
   *
   * @throws H264FormatException if the stream is malformed or holds no picture
   * @throws IOException if reading fails
   */
  public static StreamSummary read(InputStream in) throws IOException {
    List<Long> keyframes = new ArrayList<>();
    SequenceParameterSet[] first = new SequenceParameterSet[1];
    SequenceParameterSet[] last = new SequenceParameterSet[1];
    int[] changes = new int[1];
    AccessUnitAssembler assembler =
        new AccessUnitAssembler(
            au -> {
              if (au.isKeyframe()) {
                keyframes.add(au.decodeIndex());
              }
              if (first[0] == null) {
                first[0] = au.sps();
              } else if (au.sps() != last[0]) {
                changes[0]++;
              }
              last[0] = au.sps();
            });
    AnnexBScanner scanner = new AnnexBScanner(assembler);
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) >= 0; ) {
      scanner.feed(buf, 0, n);
    }
    scanner.finish();
    assembler.finish();
    if (first[0] == null) {
      throw new H264FormatException(
          H264FormatException.Reason.MISSING_PARAMETER_SET,
          "the stream holds no coded picture (" + scanner.nalUnits() + " NAL units)");
    }
    return new StreamSummary(
        first[0],
        scanner.bytesScanned(),
        scanner.nalUnits(),
        assembler.accessUnits(),
        keyframes,
        changes[0],
        scanner.skippedBytes());
  }

  /** The SPS of the first picture; the stream-level facts below come from it. */
  public SequenceParameterSet sps() {
    return firstSps;
  }

  public int width() {
    return firstSps.width();
  }

  public int height() {
    return firstSps.height();
  }

  public int profileIdc() {
    return firstSps.profileIdc();
  }

  public int levelIdc() {
    return firstSps.levelIdc();
  }

  /** Frames per second from VUI timing, 0 when the stream carries none. */
  public double fps() {
    return firstSps.frameRate();
  }

  /** Bytes read. */
  public long bytes() {
    return bytes;
  }

  public long nalUnits() {
    return nalUnits;
  }

  /** Coded pictures (fields count singly) in decoding order, as FFmpeg counts packets. */
  public long accessUnits() {
    return accessUnits;
  }

  /** Decode-order indexes of the random-access access units (see {@link AccessUnit#isKeyframe()}). */
  public List<Long> keyframes() {
    return keyframes;
  }

  /** How many times a picture used a different SPS than the picture before it. */
  public int parameterSetChanges() {
    return parameterSetChanges;
  }

  /** Bytes before the first start code, skipped. */
  public long skippedBytes() {
    return skippedBytes;
  }
}
