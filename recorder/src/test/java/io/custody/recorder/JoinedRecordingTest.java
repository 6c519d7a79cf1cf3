package io.custody.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.mp4.Trigger;
import io.custody.testing.Clips;
import java.io.ByteArrayOutputStream;
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
 * boundaries as the video {@code tfdt}s do.
 */
class JoinedRecordingTest {
  @TempDir Path dir;

  @Test
  void fragmentNumbersAndDecodeTimesGoOnAcrossSegments() throws Exception {
    FileSegmentOutput output = new FileSegmentOutput(dir);
    List<SegmentSummary> segments = new ArrayList<>();
    Recorder r = Recorder.builder(output)
        .segmentDuration(Duration.ofSeconds(2)) // two one-second GOPs, two fragments, a segment
        .streamStart(Instant.parse("2026-11-25T10:00:00Z"))
        .listener(new RecorderListener() {
          @Override
          public void segmentClosed(SegmentSummary s) {
            segments.add(s);
          }
        })
        .build();
    r.startRecording(Trigger.button());
    byte[] clip = Clips.bytes("bwc-720p30-baseline.h264");
    r.feedAnnexB(clip, 0, clip.length);
    r.close();
    assertThat(segments).hasSizeGreaterThan(1);

    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (SegmentSummary s : segments) {
      byte[] b = Files.readAllBytes(output.pathOf(s.descriptor()));
      int from = joined.size() == 0 ? 0 : initLength(b);
      joined.write(b, from, b.length - from);
    }
    ByteBuffer b = ByteBuffer.wrap(joined.toByteArray());
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
