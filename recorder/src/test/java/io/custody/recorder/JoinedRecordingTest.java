package io.custody.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.mp4.Trigger;
import io.custody.testing.Clips;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording's segments joined as docs/FORMAT.md §8.1 says (the first whole, then the fragments of
 * the others) are one fragmented MP4: the {@code mfhd} sequence numbers go on across segment
 * boundaries as the video {@code tfdt}s do. (JoinedRecordingIT decodes the joined file.)
 */
class JoinedRecordingTest {
  @TempDir Path dir;

  /** Records the Baseline clip in two-second segments (two one-second GOPs, two fragments each). */
  static List<Path> record(Path dir) throws IOException {
    FileSegmentOutput output = new FileSegmentOutput(dir);
    List<Path> segments = new ArrayList<>();
    Recorder r = Recorder.builder(output)
        .segmentDuration(Duration.ofSeconds(2))
        .streamStart(Instant.parse("2026-11-25T10:00:00Z"))
        .listener(new RecorderListener() {
          @Override
          public void segmentClosed(SegmentSummary s) {
            segments.add(output.pathOf(s.descriptor()));
          }
        })
        .build();
    r.startRecording(Trigger.button());
    byte[] clip = Clips.bytes("bwc-720p30-baseline.h264");
    r.feedAnnexB(clip, 0, clip.length);
    r.close();
    return segments;
  }

  /** The segments joined: the first whole, then the fragments of the others. */
  static byte[] join(List<Path> segments) throws IOException {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (Path segment : segments) {
      byte[] b = Files.readAllBytes(segment);
      int from = joined.size() == 0 ? 0 : initLength(b);
      joined.write(b, from, b.length - from);
    }
    return joined.toByteArray();
  }

  @Test
  void fragmentNumbersAndDecodeTimesGoOnAcrossSegments() throws Exception {
    List<Path> segments = record(dir);
    assertThat(segments).hasSizeGreaterThan(1);
    ByteBuffer b = ByteBuffer.wrap(join(segments));
    List<Long> sequence = new ArrayList<>();
    List<Long> videoDecodeTimes = new ArrayList<>();
    for (int at = 0; at < b.limit(); at += b.getInt(at)) {
      if (type(b, at).equals("moof")) {
        int mfhd = at + 8;
        assertThat(type(b, mfhd)).isEqualTo("mfhd");
        sequence.add(Integer.toUnsignedLong(b.getInt(mfhd + 12)));
        int traf = mfhd + b.getInt(mfhd); // the video traf comes first, when there is one
        int tfhd = traf + 8;
        int tfdt = tfhd + b.getInt(tfhd);
        assertThat(type(b, tfdt)).isEqualTo("tfdt");
        if (b.getInt(tfhd + 12) == 1) { // track 1: video
          videoDecodeTimes.add(b.getLong(tfdt + 12));
        }
      }
    }
    assertThat(sequence).hasSizeGreaterThan(segments.size());
    for (int i = 0; i < sequence.size(); i++) {
      assertThat(sequence.get(i)).as("fragment %d", i).isEqualTo(i + 1L);
    }
    assertThat(videoDecodeTimes).isSorted().doesNotHaveDuplicates();
  }

  /** Bytes of the init part ({@code ftyp} and {@code moov}) at the start of a segment. */
  private static int initLength(byte[] segment) {
    ByteBuffer b = ByteBuffer.wrap(segment);
    int at = 0;
    while (!type(b, at).equals("prft") && !type(b, at).equals("moof")) {
      at += b.getInt(at);
    }
    return at;
  }

  private static String type(ByteBuffer b, int box) {
    return new String(new byte[] {b.get(box + 4), b.get(box + 5), b.get(box + 6), b.get(box + 7)},
        java.nio.charset.StandardCharsets.US_ASCII);
  }
}
