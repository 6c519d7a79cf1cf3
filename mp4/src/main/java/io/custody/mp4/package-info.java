/**
 * Fragmented MP4 for the write path, and the types the recorder and the sealing stage share.
 *
 * <h2>What it holds</h2>
 *
 * <ul>
 *   <li>{@link io.custody.mp4.FragmentedMp4Writer} muxes H.264 access units (from {@code
 *       io.custody.h264}), AAC frames (from {@link io.custody.aac}) and JSON timed metadata
 *       ({@link io.custody.mp4.TimedMetadata}) into one independently playable fragmented MP4
 *       segment, handing it fragment by fragment to a {@link io.custody.mp4.FragmentSink} ({@link
 *       io.custody.mp4.ChannelFragmentSink} writes a plain file; the sealing stage seals it).
 *   <li>{@link io.custody.mp4.Mp4Demuxer} reads MP4 input (H.264 and AAC tracks) for the
 *       recorder.
 *   <li>The contract between the recorder and where its segments go: {@link
 *       io.custody.mp4.SegmentOutput} opens a {@link io.custody.mp4.FragmentSink} per {@link
 *       io.custody.mp4.SegmentDescriptor} (its {@link io.custody.mp4.RecordingInfo}, {@link
 *       io.custody.mp4.Trigger} and the {@link io.custody.mp4.FrameLoss losses} to record), and
 *       {@link io.custody.mp4.InvalidSettingException}, which both raise for a bad setting.
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>A sink sees {@code init} once, then fragments, then exactly one {@code end(info,
 *       lastInRecording)}, which carries whether the segment ends its recording; or, if the
 *       segment cannot be finished, {@code abort}, after which it holds nothing open.
 *   <li>At most one fragment per track is held in memory; the writer's buffers are reused, and a
 *       segment may take over the buffer of the one before it.
 *   <li>The bytes written depend only on the input and the configuration: never on the default
 *       locale, time zone or charset.
 * </ul>
 *
 * <h2>Segment layout</h2>
 *
 * <p>{@code ftyp} (major brand {@code iso6}; compatible {@code iso6 isom avc1 mp41}), {@code moov}
 * ({@code mvhd} whose creation time is the segment's wall-clock start, one {@code trak} per track
 * with empty sample tables, {@code mvex}), then per fragment {@code prft} + {@code moof} + {@code
 * mdat}. Track IDs: video 1, audio 2 (if any), metadata last. No edit list is written: the
 * presentation timeline is the composition timeline. Video sample entries are {@code avc1} (SPS
 * and PPS only in {@code avcC}) or, when the track config says {@linkplain
 * VideoTrackConfig.Builder#inBandParameterSets so} (the {@code Recorder} always does), {@code avc3}
 * (the {@code avcC} holds the decoder's starting parameter sets and samples may carry more); 4-byte
 * NAL unit lengths, {@code pasp} when the sample aspect ratio is not 1:1. Audio {@code mp4a} +
 * {@code esds}, metadata {@code mett}.
 *
 * <h2>Wall clock</h2>
 *
 * <p>The segment's start time (when video presentation time 0 was captured) is the creation and
 * modification time of {@code mvhd}, {@code tkhd} and {@code mdhd} (seconds since 1904, UTC).
 * Before each {@code moof}, a {@code prft} box (ISO/IEC 14496-12 §8.16.5, version 1, flags 0,
 * reference track = video) maps the presentation time of the fragment's first video sample to an
 * NTP timestamp, derived from the latest wall-clock anchor.
 *
 * <h2>Metadata samples</h2>
 *
 * <p>The metadata track has handler {@code meta}, media header {@code nmhd} and sample entry
 * {@code mett} (TextMetaDataSampleEntry) with an empty content_encoding and mime_format {@code
 * application/json}. Each sample is exactly one JSON object (RFC 8259) encoded as UTF-8, with no
 * BOM, no trailing newline and no NUL; its decode time in the track (timescale 1000 by default)
 * places it on the media timeline, and it is valid until the next sample. Members, in this order
 * when written by {@link io.custody.mp4.TimedMetadata}:
 *
 * <ul>
 *   <li>{@code "type"} (string, always): {@code "gps"}, {@code "marker"} or {@code "mute"}.
 *   <li>{@code "time"} (string, always): the wall-clock time of the event, ISO 8601 in UTC with a
 *       {@code Z} suffix and 0, 3, 6 or 9 fraction digits as {@link java.time.Instant#toString()}
 *       writes it, e.g. {@code "2026-11-25T10:15:30.250Z"}. It is the authoritative time: the
 *       sample's media time may be later when the event arrived late.
 *   <li>For {@code gps}: {@code "lat"} and {@code "lon"} (numbers, always: WGS 84 degrees), and
 *       when known {@code "alt"} (metres above the WGS 84 ellipsoid), {@code "accuracy"}
 *       (horizontal radius in metres, 68 %), {@code "speed"} (metres per second over ground),
 *       {@code "heading"} (degrees clockwise from true north, [0, 360)). Unknown values are left
 *       out, never null.
 *   <li>For {@code marker}: {@code "id"} (string, always, unique within the recording) and {@code
 *       "label"} (string, optional, human-readable).
 *   <li>For {@code mute}: {@code "on"} (boolean, always): true when the microphone is muted from
 *       {@code time} on, false when it is live again.
 * </ul>
 *
 * <p>Example: {@code
 * {"type":"gps","time":"2026-11-25T10:15:30Z","lat":52.52,"lon":13.405,"accuracy":4.5}}. Readers
 * must ignore members they do not know, so later versions can add some.
 *
 * <h2>Interoperability (checked with FFmpeg 5.1 in the tests)</h2>
 *
 * <ul>
 *   <li>ffprobe reports no error for video, audio and metadata tracks; decoded video and audio
 *       are bit-identical to decoding the raw H.264 / ADTS input.
 *   <li>The metadata track is a data stream (codec "none", tag {@code mett}); {@code ffmpeg -i
 *       f.mp4 -map 0:d -c copy -f data -} prints the samples back to back. FFmpeg cannot
 *       stream-copy it into another MP4 ({@code -map 0 -c copy} fails): map video and audio
 *       only, or add {@code -dn}.
 *   <li>Without an edit list, a stream with B-frames starts at its reorder delay (e.g. 0.0667 s
 *       for x264's b-pyramid) when composition offsets are kept non-negative. FFmpeg turns
 *       negative trun version 1 offsets into the same timestamps (it shifts decode times), so
 *       callers gain nothing by using them with FFmpeg.
 * </ul>
 *
 * <h2>Errors and ownership</h2>
 *
 * <p>Malformed AAC input raises {@link io.custody.aac.AacFormatException} with a reason;
 * misuse of the writer raises {@link IllegalArgumentException} or {@link IllegalStateException};
 * sink failures propagate as {@link java.io.IOException}. Views handed to callbacks ({@link
 * io.custody.aac.AdtsFrame}, the sink's buffers) are valid only during the call. Nothing in
 * this package is thread-safe or blocks, other than the sink's own I/O.
 */
package io.custody.mp4;
