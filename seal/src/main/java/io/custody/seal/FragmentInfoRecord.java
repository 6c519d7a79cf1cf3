package io.custody.seal;

import static io.custody.seal.SealFormat.getInt;
import static io.custody.seal.SealFormat.getLong;
import static io.custody.seal.SealFormat.getUnsignedInt;
import static io.custody.seal.SealFormat.putInt;
import static io.custody.seal.SealFormat.putLong;

import io.custody.mp4.FragmentInfo;
import io.custody.mp4.TrackKind;
import io.custody.mp4.TrackSpan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of a FRAGMENT_INFO record (docs/FORMAT.md §3.3), the one place its layout is written
 * down: {@link #encode} writes it, {@link #decode} reads it, and the manifest's fragment table
 * ({@link #manifestEntry}) and the verifier's ({@link #toFragment}) are made from what was read.
 * The u32 fields are read unsigned, as the verifier reads them.
 *
 * @param index the fragment's index in the segment, from 0
 * @param firstSeq the seq of the fragment's first DATA or DATA_END record
 * @param plaintextOffset where the fragment starts in the segment's plaintext fMP4
 * @param plaintextLength its length in bytes (u32)
 * @param videoDecodeTime the base decode time of its video, in the video timescale
 * @param videoDuration the duration of its video (u32)
 * @param videoTimescale the video timescale (u32)
 * @param videoSamples its video samples (u32)
 * @param startsWithSync whether it starts with a sync sample
 * @param wallClockMillis when its first video sample was captured, milliseconds since the epoch
 */
record FragmentInfoRecord(int index, int firstSeq, long plaintextOffset, long plaintextLength,
    long videoDecodeTime, long videoDuration, long videoTimescale, long videoSamples,
    boolean startsWithSync, long wallClockMillis) {

  /**
   * Writes the body of fragment {@code index} into {@code b} from {@code at} ({@link
   * SealFormat#FRAGMENT_INFO_LENGTH} bytes), without allocating: the sealer does it per fragment.
   */
  static void encode(byte[] b, int at, int index, int firstSeq, long plaintextOffset, int plaintextLength,
      FragmentInfo info) {
    TrackSpan video = info.track(TrackKind.VIDEO);
    putInt(b, at, index);
    putInt(b, at + 4, firstSeq);
    putLong(b, at + 8, plaintextOffset);
    putInt(b, at + 16, plaintextLength);
    putLong(b, at + 20, video != null ? video.baseDecodeTime() : 0);
    putInt(b, at + 28, video != null ? (int) video.duration() : 0);
    putInt(b, at + 32, video != null ? video.timescale() : 0);
    putInt(b, at + 36, video != null ? video.sampleCount() : 0);
    b[at + 40] = (byte) (info.startsWithSync() ? 1 : 0);
    putLong(b, at + 41, info.wallClock().toEpochMilli());
  }

  /**
   * Whether the {@code length} bytes at {@code b[off]} can be a FRAGMENT_INFO body: {@link
   * SealFormat#FRAGMENT_INFO_LENGTH} bytes whose {@code starts_with_sync} is 0 or 1.
   */
  static boolean wellFormed(byte[] b, int off, int length) {
    return length == SealFormat.FRAGMENT_INFO_LENGTH && (b[off + 40] & 0xff) <= 1;
  }

  /** Reads the body at {@code b[off]}. */
  static FragmentInfoRecord decode(byte[] b, int off) {
    return new FragmentInfoRecord(getInt(b, off), getInt(b, off + 4), getLong(b, off + 8),
        getUnsignedInt(b, off + 16), getLong(b, off + 20), getUnsignedInt(b, off + 28),
        getUnsignedInt(b, off + 32), getUnsignedInt(b, off + 36), b[off + 40] == 1, getLong(b, off + 41));
  }

  /**
   * Whether this is the info of fragment {@code index} whose records start at {@code firstSeq} and
   * hold {@code plaintextLength} bytes from {@code plaintextOffset}: what the records before it say.
   */
  boolean describes(int index, int firstSeq, long plaintextOffset, long plaintextLength) {
    return this.index == index && this.firstSeq == firstSeq && this.plaintextOffset == plaintextOffset
        && this.plaintextLength == plaintextLength;
  }

  /** The manifest's fragment-table entry (§6), with the record's seq and the chain value after it. */
  Map<String, Object> manifestEntry(int infoSeq, String chainAfter) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", (long) index);
    m.put("first_seq", (long) firstSeq);
    m.put("info_seq", (long) infoSeq);
    m.put("plaintext_offset", plaintextOffset);
    m.put("plaintext_length", plaintextLength);
    m.put("video_decode_time", videoDecodeTime);
    m.put("video_duration", videoDuration);
    m.put("video_timescale", videoTimescale);
    m.put("video_samples", videoSamples);
    m.put("starts_with_sync", startsWithSync);
    m.put("wall_clock", Manifests.timestamp(Instant.ofEpochMilli(wallClockMillis)));
    m.put("chain_sha256", chainAfter);
    return m;
  }

  /** The verifier's fragment-table row, with the record's seq and the chain value after it. */
  SegmentManifest.Fragment toFragment(int infoSeq, String chainAfter) {
    return new SegmentManifest.Fragment(index, firstSeq, infoSeq, plaintextOffset, plaintextLength,
        videoDecodeTime, videoDuration, videoTimescale, videoSamples, startsWithSync,
        Instant.ofEpochMilli(wallClockMillis), chainAfter);
  }
}
