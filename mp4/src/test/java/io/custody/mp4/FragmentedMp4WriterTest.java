package io.custody.mp4;

import io.custody.aac.AacConfig;
import io.custody.testing.Clips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.h264.AccessUnit;
import io.custody.h264.AvcDecoderConfigurationRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Box layout and API contract of {@link FragmentedMp4Writer}, read back with {@link Mp4Boxes}. */
class FragmentedMp4WriterTest {
  static final Instant START = Instant.parse("2026-11-25T10:15:30.250Z");
  static ClipMuxer clip;

  @BeforeAll
  static void parse() throws Exception {
    clip = new ClipMuxer(Clips.bytes("bwc-720p30-baseline.h264"), 90_000);
  }

  /** Keeps the whole segment in memory, with the infos. */
  static class MemorySink implements FragmentSink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<FragmentInfo> fragments = new ArrayList<>();
    SegmentInfo end;
    int inits;

    @Override
    public void init(ByteBuffer ftypMoov) {
      inits++;
      write(ftypMoov);
    }

    @Override
    public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) {
      assertThat(prftMoofMdat.hasArray()).isTrue();
      assertThat(prftMoofMdat.remaining()).isEqualTo(info.byteSize());
      fragments.add(info);
      write(prftMoofMdat);
    }

    @Override
    public void end(SegmentInfo info, boolean lastInRecording) {
      end = info;
    }

    private void write(ByteBuffer b) {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      bytes.write(a, 0, a.length);
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  static FragmentedMp4Writer.Builder builder() {
    return FragmentedMp4Writer.builder(clip.videoConfig).wallClockStart(START);
  }

  /** A fake video sample: {@code n} bytes all equal to {@code i}. */
  static byte[] sample(int i, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) i);
    return b;
  }

  @Test
  void initSegmentLayout() throws IOException {
    MemorySink sink = new MemorySink();
    builder()
        .audio(AudioTrackConfig.builder(AacConfig.lc(48_000, 2)).averageBitrate(96_000).build())
        .metadata(MetadataTrackConfig.builder().build())
        .open(sink);
    byte[] b = sink.toByteArray();
    assertThat(sink.inits).isEqualTo(1);
    List<Mp4Boxes.Box> top = Mp4Boxes.children(b, 0, b.length);
    assertThat(top).extracting(Mp4Boxes.Box::type).containsExactly("ftyp", "moov");
    assertThat(new String(b, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("iso6");
    assertThat(new String(b, 16, 16, StandardCharsets.US_ASCII)).isEqualTo("iso6isomavc1mp41");

    List<Mp4Boxes.Box> moov = Mp4Boxes.children(b, top.get(1), 0);
    assertThat(moov).extracting(Mp4Boxes.Box::type)
        .containsExactly("mvhd", "trak", "trak", "trak", "mvex");
    Mp4Boxes.Box mvhd = moov.get(0);
    assertThat(b[mvhd.body()]).isEqualTo((byte) 1); // version 1: 64-bit times
    assertThat(Mp4Boxes.u64(b, mvhd.body() + 4))
        .isEqualTo(START.getEpochSecond() + 2_082_844_800L);
    assertThat(Mp4Boxes.u32(b, mvhd.end() - 4)).isEqualTo(4); // next_track_ID

    // Walk every trak fully: sizes must tile their parents all the way down.
    String[] handlers = {"vide", "soun", "meta"};
    String[] entries = {"avc1", "mp4a", "mett"};
    for (int t = 0; t < 3; t++) {
      List<Mp4Boxes.Box> trak = Mp4Boxes.children(b, moov.get(1 + t), 0);
      assertThat(trak).extracting(Mp4Boxes.Box::type).containsExactly("tkhd", "mdia");
      assertThat(Mp4Boxes.u32(b, trak.get(0).body() + 20)).isEqualTo(t + 1); // track_ID
      List<Mp4Boxes.Box> mdia = Mp4Boxes.children(b, trak.get(1), 0);
      assertThat(mdia).extracting(Mp4Boxes.Box::type).containsExactly("mdhd", "hdlr", "minf");
      assertThat(new String(b, mdia.get(1).body() + 8, 4, StandardCharsets.US_ASCII))
          .isEqualTo(handlers[t]);
      List<Mp4Boxes.Box> minf = Mp4Boxes.children(b, mdia.get(2), 0);
      assertThat(minf.get(0).type()).isEqualTo(new String[] {"vmhd", "smhd", "nmhd"}[t]);
      List<Mp4Boxes.Box> stbl = Mp4Boxes.children(b, Mp4Boxes.only(minf, "stbl"), 0);
      assertThat(stbl).extracting(Mp4Boxes.Box::type)
          .containsExactly("stsd", "stts", "stsc", "stsz", "stco");
      List<Mp4Boxes.Box> stsd = Mp4Boxes.children(b, stbl.get(0), 8);
      assertThat(stsd).extracting(Mp4Boxes.Box::type).containsExactly(entries[t]);
      if (t == 0) {
        List<Mp4Boxes.Box> avc1 = Mp4Boxes.children(b, stsd.get(0), 78);
        assertThat(avc1).extracting(Mp4Boxes.Box::type).containsExactly("avcC"); // SAR 1:1
        Mp4Boxes.Box avcC = avc1.get(0);
        assertThat(Arrays.copyOfRange(b, avcC.body(), avcC.end()))
            .isEqualTo(clip.videoConfig.decoderConfiguration().toByteArray());
        assertThat(Mp4Boxes.u32(b, stsd.get(0).body() + 24)).isEqualTo((1280 << 16) | 720);
      } else if (t == 1) {
        Mp4Boxes.Box esds = Mp4Boxes.only(Mp4Boxes.children(b, stsd.get(0), 28), "esds");
        byte[] body = Arrays.copyOfRange(b, esds.body(), esds.end());
        // ... DecoderSpecificInfo tag 5, length 2, AudioSpecificConfig 0x1190, SLConfig.
        assertThat(Arrays.copyOfRange(body, body.length - 7, body.length))
            .containsExactly(0x05, 0x02, 0x11, 0x90, 0x06, 0x01, 0x02);
      } else {
        Mp4Boxes.Box mett = stsd.get(0);
        assertThat(Arrays.copyOfRange(b, mett.body() + 8, mett.end()))
            .isEqualTo("\0application/json\0".getBytes(StandardCharsets.US_ASCII));
      }
    }
    List<Mp4Boxes.Box> mvex = Mp4Boxes.children(b, moov.get(4), 0);
    assertThat(mvex).extracting(Mp4Boxes.Box::type).containsExactly("trex", "trex", "trex");
  }

  @Test
  void prftFractionsReadBackRoundedDownGiveTheNanosecondAndTheMillisecond() {
    java.util.Random random = new java.util.Random(17);
    for (int i = 0; i < 200_000; i++) {
      int nanos = i < 1000 ? i * 1_000_000 : i < 2000 ? 999_999_999 - (i - 1000) : random.nextInt(1_000_000_000);
      long fraction = FragmentedMp4Writer.ntpFraction(nanos);
      assertThat(fraction).isLessThan(1L << 32);
      assertThat((fraction * 1_000_000_000L) >>> 32).as("nanos %d", nanos).isEqualTo(nanos);
      assertThat((fraction * 1000L) >>> 32).as("nanos %d", nanos).isEqualTo(nanos / 1_000_000);
    }
  }

  @Test
  void aLaterSegmentNumbersItsFragmentsOnFromThePreviousOne() throws IOException {
    MemorySink first = new MemorySink();
    FragmentedMp4Writer a = builder().open(first);
    for (int i = 0; i < 8; i++) {
      a.addVideo(sample(i, 50 + i), 0, 50 + i, i * 3000L, 0, i % 4 == 0);
    }
    MemorySink second = new MemorySink();
    FragmentedMp4Writer b = builder().open(second);
    assertThatThrownBy(() -> b.continueNumberingAfter(a)).isInstanceOf(IllegalStateException.class);
    a.finish(24_000);
    b.continueNumberingAfter(a);
    for (int i = 8; i < 12; i++) {
      b.addVideo(sample(i, 50 + i), 0, 50 + i, i * 3000L, 0, i % 4 == 0);
    }
    b.finish(36_000);
    assertThat(first.fragments).extracting(FragmentInfo::sequenceNumber).containsExactly(1L, 2L);
    assertThat(second.fragments).extracting(FragmentInfo::sequenceNumber).containsExactly(3L);
    byte[] bytes = second.toByteArray();
    List<Mp4Boxes.Box> top = Mp4Boxes.children(bytes, 0, bytes.length);
    assertThat(Mp4Boxes.u32(bytes, top.get(3).body() + 12)).isEqualTo(3); // mfhd
    assertThat(b.fragmentsWritten()).isEqualTo(1);
    assertThat(second.end.fragmentCount()).isEqualTo(1);
    assertThat(b.lastSequenceNumber()).isEqualTo(3);
    assertThatThrownBy(() -> b.continueNumberingAfter(a)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fragmentLayoutAndTiming() throws IOException {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder()
        .audio(AudioTrackConfig.builder(AacConfig.lc(48_000, 2)).build())
        .open(sink);
    // Two GOPs of 4 frames at 3000 ticks, B-frame style offsets; audio every 1024 ticks.
    int[] cts = {3000, 9000, 0, 3000};
    int audioFrame = 0;
    for (int i = 0; i < 8; i++) {
      long dts = i * 3000L;
      while (audioFrame * 1024L * 90_000 < dts * 48_000) {
        w.addAudio(sample(100 + audioFrame, 10 + audioFrame), audioFrame * 1024L);
        audioFrame++;
      }
      w.addVideo(sample(i, 50 + i), 0, 50 + i, dts, cts[i % 4], i % 4 == 0);
    }
    w.finish(24_000);
    byte[] b = sink.toByteArray();

    List<Mp4Boxes.Box> top = Mp4Boxes.children(b, 0, b.length);
    assertThat(top).extracting(Mp4Boxes.Box::type)
        .containsExactly("ftyp", "moov", "prft", "moof", "mdat", "prft", "moof", "mdat");
    assertThat(sink.fragments).extracting(FragmentInfo::sequenceNumber).containsExactly(1L, 2L);
    assertThat(Mp4Boxes.u32(b, top.get(3).body() + 12)).isEqualTo(1); // mfhd
    assertThat(Mp4Boxes.u32(b, top.get(6).body() + 12)).isEqualTo(2);

    // prft: version 1, reference track 1, NTP time of the first sample's presentation.
    Mp4Boxes.Box prft = top.get(5);
    assertThat(b[prft.body()]).isEqualTo((byte) 1);
    assertThat(Mp4Boxes.u32(b, prft.body() + 4)).isEqualTo(1);
    long ntp = Mp4Boxes.u64(b, prft.body() + 8);
    long mediaTime = Mp4Boxes.u64(b, prft.body() + 16);
    assertThat(mediaTime).isEqualTo(12_000 + 3000);
    Instant expected = START.plusNanos(mediaTime * 1_000_000_000L / 90_000);
    assertThat(ntp >>> 32).isEqualTo(expected.getEpochSecond() + 2_208_988_800L);
    // The fraction is rounded up: read back and rounded down, it gives the nanosecond and the
    // millisecond of the wall clock (FORMAT.md §3.3).
    long fraction = ntp & 0xffffffffL;
    assertThat((fraction * 1_000_000_000L) >>> 32).isEqualTo(expected.getNano());
    assertThat((fraction * 1000L) >>> 32).isEqualTo(expected.getNano() / 1_000_000);
    assertThat(sink.fragments.get(1).wallClock()).isEqualTo(expected);

    List<Mp4Boxes.Sample> samples = Mp4Boxes.samples(b);
    List<Mp4Boxes.Sample> video = samples.stream().filter(s -> s.trackId() == 1).toList();
    assertThat(video).hasSize(8);
    for (int i = 0; i < 8; i++) {
      Mp4Boxes.Sample s = video.get(i);
      assertThat(s.data()).isEqualTo(sample(i, 50 + i));
      assertThat(s.decodeTime()).isEqualTo(i * 3000L);
      assertThat(s.duration()).isEqualTo(3000);
      assertThat(s.compositionOffset()).isEqualTo(cts[i % 4]);
      assertThat(s.flags()).isEqualTo(i % 4 == 0 ? 0x02000000 : 0x01010000);
      assertThat(s.fragment()).isEqualTo(i < 4 ? 1 : 2);
    }
    List<Mp4Boxes.Sample> audio = samples.stream().filter(s -> s.trackId() == 2).toList();
    assertThat(audio).hasSize(audioFrame);
    for (int i = 0; i < audio.size(); i++) {
      assertThat(audio.get(i).data()).isEqualTo(sample(100 + i, 10 + i));
      assertThat(audio.get(i).decodeTime()).isEqualTo(i * 1024L);
      assertThat(audio.get(i).duration()).isEqualTo(1024);
      assertThat(audio.get(i).flags()).isEqualTo(0x02000000);
    }

    TrackSpan v1 = sink.fragments.get(0).track(TrackKind.VIDEO);
    assertThat(v1).isEqualTo(new TrackSpan(1, TrackKind.VIDEO, 90_000, 0, 12_000, 4,
        50 + 51 + 52 + 53));
    assertThat(sink.end.fragmentCount()).isEqualTo(2);
    assertThat(sink.end.byteSize()).isEqualTo(b.length).isEqualTo(w.bytesWritten());
    assertThat(sink.end.tracks().get(0).duration()).isEqualTo(24_000);
    assertThat(sink.end.tracks().get(1).sampleCount()).isEqualTo(audioFrame);
    assertThatThrownBy(() -> w.addVideo(sample(9, 9), 0, 9, 30_000, 0, true))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> w.finish(40_000)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void targetDurationAndSizeLimit() throws IOException {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder()
        .targetFragmentDuration(Duration.ofMillis(200))
        .maxFragmentBytes(1000)
        .open(sink);
    // Sync every 3 frames (100 ms at 30 fps); 300 bytes per frame.
    for (int i = 0; i < 12; i++) {
      w.addVideo(sample(i, 300), 0, 300, i * 3000L, 0, i % 3 == 0);
    }
    w.finish();
    // Target 200 ms alone would cut at frame 6 (the first sync sample 6 frames after the start),
    // but 1000 bytes hold only 3 frames: cut every 3 frames, here at sync samples anyway.
    assertThat(sink.fragments).extracting(f -> f.track(TrackKind.VIDEO).sampleCount())
        .containsExactly(3, 3, 3, 3);
    assertThat(sink.fragments).extracting(FragmentInfo::startsWithSync)
        .containsExactly(true, true, true, true);

    MemorySink sink2 = new MemorySink();
    FragmentedMp4Writer w2 = builder().targetFragmentDuration(Duration.ofMillis(200)).open(sink2);
    for (int i = 0; i < 12; i++) {
      w2.addVideo(sample(i, 300), 0, 300, i * 3000L, 0, i % 3 == 0);
    }
    w2.finish();
    assertThat(sink2.fragments).extracting(f -> f.track(TrackKind.VIDEO).sampleCount())
        .containsExactly(6, 6);

    MemorySink sink3 = new MemorySink();
    FragmentedMp4Writer w3 = builder().maxFragmentBytes(1000).open(sink3);
    for (int i = 0; i < 8; i++) {
      w3.addVideo(sample(i, 300), 0, 300, i * 3000L, 0, i == 0);
    }
    w3.finish();
    assertThat(sink3.fragments).extracting(f -> f.track(TrackKind.VIDEO).sampleCount())
        .containsExactly(3, 3, 2);
    assertThat(sink3.fragments).extracting(FragmentInfo::startsWithSync)
        .containsExactly(true, false, false);
    assertThat(Mp4Boxes.samples(sink3.toByteArray())).hasSize(8);
  }

  @Test
  void metadataSamplesAreCutAtFragmentsAndLateOnesMoved() throws IOException {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder().metadata(MetadataTrackConfig.builder().build()).open(sink);
    byte[] json = TimedMetadata.mute(START, true);
    w.addVideo(sample(0, 10), 0, 10, 0, 0, true);
    w.addMetadata(json, 100);
    w.addVideo(sample(1, 10), 0, 10, 90_000, 0, true); // cut at 1 s: the sample lasts until then
    w.addMetadata(json, 500); // late: before the cut, moved to 1000
    w.addMetadata(json, 1000); // same time as the moved one: moved to 1001
    w.finish(180_000);
    assertThat(w.metadataSamplesMoved()).isEqualTo(2);
    List<Mp4Boxes.Sample> meta = Mp4Boxes.samples(sink.toByteArray()).stream()
        .filter(s -> s.trackId() == 2).toList();
    assertThat(meta).extracting(Mp4Boxes.Sample::decodeTime).containsExactly(100L, 1000L, 1001L);
    assertThat(meta).extracting(Mp4Boxes.Sample::duration).containsExactly(900L, 1L, 999L);
    assertThat(meta).extracting(Mp4Boxes.Sample::fragment).containsExactly(1L, 2L, 2L);
  }

  @Test
  void invalidInputIsRejectedAndTheWriterStaysUsable() throws IOException {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder()
        .audio(AudioTrackConfig.builder(AacConfig.lc(48_000, 2)).build())
        .open(sink);
    assertThatThrownBy(() -> w.addVideo(sample(0, 10), 0, 10, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync");
    w.addVideo(sample(0, 10), 0, 10, 3000, 0, true);
    assertThatThrownBy(() -> w.addVideo(sample(1, 10), 0, 10, 3000, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after");
    assertThatThrownBy(() -> w.addVideo(sample(1, 10), 0, 10, -5, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> w.addVideo(sample(1, 10), 5, 10, 6000, 0, false))
        .isInstanceOf(IndexOutOfBoundsException.class);
    w.addAudio(sample(1, 5), 0, 5, 1024);
    assertThatThrownBy(() -> w.addAudio(sample(1, 5), 0, 5, 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.addMetadata(new byte[] {'{', '}'}, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no metadata track");
    assertThatThrownBy(() -> w.finish(3000)).isInstanceOf(IllegalArgumentException.class);
    w.addVideo(sample(1, 10), 0, 10, 6000, 0, false);
    w.finish(9000);
    assertThat(Mp4Boxes.samples(sink.toByteArray())).hasSize(3);
    assertThatThrownBy(() -> w.addAudio(sample(1, 5), 0, 5, 5000))
        .isInstanceOf(IllegalStateException.class);

    assertThatThrownBy(() -> FragmentedMp4Writer.builder(clip.videoConfig).open(new MemorySink()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("wallClockStart");
    FragmentedMp4Writer noAudio = builder().open(new MemorySink());
    assertThatThrownBy(() -> noAudio.addAudio(sample(1, 5), 0, 5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    FragmentedMp4Writer one = builder().open(new MemorySink());
    one.addVideo(sample(0, 10), 0, 10, 0, 0, true);
    assertThatThrownBy(one::finish).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void accessUnitsAreStrippedOfParameterSetsAndChecked() throws Exception {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder().open(sink);
    AccessUnit first = clip.accessUnits.get(0);
    clip.addVideo(w, 0);
    clip.addVideo(w, 1);
    w.finish(clip.decodeTimes[2]);
    List<Mp4Boxes.Sample> samples = Mp4Boxes.samples(sink.toByteArray());
    // The IDR access unit without its SPS and PPS: the remaining NAL units, length-prefixed.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < first.nalUnitCount(); i++) {
      int type = first.nalUnitType(i);
      if (type != 7 && type != 8 && type != 9) {
        expected.write(first.data(), first.nalUnitOffset(i) - 4, 4 + first.nalUnitLength(i));
      }
    }
    assertThat(samples.get(0).data()).isEqualTo(expected.toByteArray());
    assertThat(samples.get(0).size()).isLessThan(first.length());
    assertThat(samples.get(1).data())
        .isEqualTo(Arrays.copyOf(clip.accessUnits.get(1).data(), clip.accessUnits.get(1).length()));

    ClipMuxer other = new ClipMuxer(Clips.bytes("bwc-1080p30-high.h264"), 90_000);
    FragmentedMp4Writer mismatch = builder().open(new MemorySink());
    assertThatThrownBy(() -> other.addVideo(mismatch, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SPS");
  }

  @Test
  void sinkFailureFailsTheWriter() throws IOException {
    FragmentSink failing = new MemorySink() {
      @Override
      public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) {
        throw new java.io.UncheckedIOException(new IOException("disk full"));
      }
    };
    FragmentedMp4Writer w = builder().open(failing);
    w.addVideo(sample(0, 10), 0, 10, 0, 0, true);
    assertThatThrownBy(() -> w.addVideo(sample(1, 10), 0, 10, 3000, 0, true))
        .hasMessageContaining("disk full");
    assertThatThrownBy(() -> w.addVideo(sample(1, 10), 0, 10, 6000, 0, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
  }

  @Test
  void compositionOffsetsSetLateGiveTheSameBytes() throws IOException {
    // The B-frame offsets of fragmentLayoutAndTiming, each settled two samples after its sample
    // was added (as a reorder window would), against the same samples added with them.
    int[] cts = {3000, 9000, 0, 3000};
    MemorySink atOnce = new MemorySink();
    MemorySink late = new MemorySink();
    FragmentedMp4Writer a = builder().open(atOnce);
    FragmentedMp4Writer b = builder().open(late);
    int settled = 0;
    for (int i = 0; i < 12; i++) {
      boolean sync = i % 4 == 0;
      a.addVideo(sample(i, 50 + i), 0, 50 + i, i * 3000L, cts[i % 4], sync);
      assertThat(b.cutsBefore(50 + i, i * 3000L, sync)).isEqualTo(sync && i > 0);
      for (; sync && settled < i; settled++) {
        b.setCompositionOffset(settled, cts[settled % 4]); // all settled before the cut
      }
      assertThat(b.videoSamplesAdded()).isEqualTo(i);
      b.addVideo(sample(i, 50 + i), 0, 50 + i, i * 3000L, -1, sync);
      for (; settled < i - 1; settled++) {
        b.setCompositionOffset(settled, cts[settled % 4]);
      }
    }
    for (; settled < 12; settled++) {
      b.setCompositionOffset(settled, cts[settled % 4]);
    }
    a.finish(36_000);
    b.finish(36_000);
    assertThat(late.toByteArray()).isEqualTo(atOnce.toByteArray());
    assertThat(late.fragments).hasSize(3);
  }

  @Test
  void onlyPendingSamplesTakeALateCompositionOffset() throws IOException {
    FragmentedMp4Writer w = builder().open(new MemorySink());
    w.addVideo(sample(0, 10), 0, 10, 0, 0, true);
    w.addVideo(sample(1, 10), 0, 10, 3000, 0, false);
    w.addVideo(sample(2, 10), 0, 10, 6000, 0, true); // writes samples 0 and 1
    assertThatThrownBy(() -> w.setCompositionOffset(1, 3000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not pending");
    assertThatThrownBy(() -> w.setCompositionOffset(3, 3000))
        .isInstanceOf(IllegalArgumentException.class);
    w.setCompositionOffset(2, 3000);
    assertThat(w.videoSamplesAdded()).isEqualTo(3);
    assertThat(w.cutsBefore(10, 9000, false)).isFalse();
    assertThat(w.cutsBefore(10, 9000, true)).isTrue();
  }

  @Test
  void samplesFromASourceGiveTheSameBytesAsFromArrays() throws IOException {
    MemorySink fromArrays = new MemorySink();
    MemorySink fromSources = new MemorySink();
    FragmentedMp4Writer a = builder().targetFragmentDuration(Duration.ofMillis(100)).open(fromArrays);
    FragmentedMp4Writer b = builder().targetFragmentDuration(Duration.ofMillis(100)).open(fromSources);
    for (int i = 0; i < 40; i++) {
      int n = 1 + (i * 7919) % 20_000; // some grow the fragment buffer
      byte[] data = sample(i, n);
      a.addVideo(data, 0, n, i * 3000L, 0, i % 5 == 0);
      b.addVideo((dst, off) -> System.arraycopy(data, 0, dst, off, n), n, i * 3000L, 0, i % 5 == 0);
    }
    a.finish();
    b.finish();
    assertThat(fromSources.toByteArray()).isEqualTo(fromArrays.toByteArray());
    assertThat(fromSources.fragments).hasSize(8);
  }

  @Test
  void aFailingSourceFailsTheWriter() throws IOException {
    FragmentedMp4Writer w = builder().open(new MemorySink());
    w.addVideo(sample(0, 10), 0, 10, 0, 0, true);
    assertThatThrownBy(() -> w.addVideo((dst, off) -> {
      throw new IOException("spill file unreadable");
    }, 10, 3000, 0, false)).isInstanceOf(IOException.class).hasMessage("spill file unreadable");
    assertThatThrownBy(() -> w.addVideo(sample(2, 10), 0, 10, 6000, 0, false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
    assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void largeFragmentGrowsTheHeaderRoom() throws IOException {
    // 3000 one-byte samples: the video trun alone is 48 KB, more than the initial room.
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = builder().open(sink);
    for (int i = 0; i < 3000; i++) {
      w.addVideo(sample(i, 1 + i % 7), 0, 1 + i % 7, i * 10L, 0, i % 1000 == 0 && i < 2000);
    }
    w.finish();
    List<Mp4Boxes.Sample> samples = Mp4Boxes.samples(sink.toByteArray());
    assertThat(samples).hasSize(3000);
    for (int i = 0; i < 3000; i++) {
      assertThat(samples.get(i).data()).isEqualTo(sample(i, 1 + i % 7));
    }
    assertThat(sink.fragments).extracting(f -> f.track(TrackKind.VIDEO).sampleCount())
        .containsExactly(1000, 2000);
  }

  /** Three samples per fragment of distinct bytes, so a stale byte from a reused buffer shows. */
  private static byte[] segment(FragmentedMp4Writer.Builder b, int seed) throws IOException {
    MemorySink sink = new MemorySink();
    FragmentedMp4Writer w = b.open(sink);
    for (int i = 0; i < 12; i++) {
      int n = 1000 + ((i * 7919 + seed) % 3000);
      w.addVideo(sample(i + seed, n), 0, n, i * 3000L, 0, i % 3 == 0);
    }
    w.finish();
    return sink.toByteArray();
  }

  @Test
  void aFinishedWritersBufferIsReusedAndGivesTheSameBytes() throws IOException {
    MemorySink big = new MemorySink();
    FragmentedMp4Writer first = builder().open(big);
    for (int i = 0; i < 3000; i++) { // grows the header room and the buffer
      first.addVideo(sample(i, 1 + i % 7), 0, 1 + i % 7, i * 10L, 0, i == 0);
    }
    FragmentedMp4Writer unfinished = builder().open(new MemorySink());
    unfinished.addVideo(sample(1, 10), 0, 10, 0, 0, true);
    // an unfinished writer gives nothing: the new one works on its own buffer
    assertThat(segment(builder().reuseBufferOf(unfinished), 5)).isEqualTo(segment(builder(), 5));
    first.finish();
    byte[] grown = first.buffer();
    FragmentedMp4Writer taker = builder().reuseBufferOf(first).open(new MemorySink());
    assertThat(taker.buffer()).isSameAs(grown);
    assertThat(first.buffer()).isNull();
    taker.finish();
    assertThat(segment(builder().reuseBufferOf(taker), 9)).isEqualTo(segment(builder(), 9));
    // taken once: a second writer reusing the same one allocates its own
    assertThat(segment(builder().reuseBufferOf(first), 11)).isEqualTo(segment(builder(), 11));
  }

  @Test
  void timedMetadataJson() {
    assertThat(new String(TimedMetadata.gps(START, 1.5, -2.25, Double.NaN, 3, Double.NaN, 0),
        StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"gps\",\"time\":\"2026-11-25T10:15:30.250Z\","
            + "\"lat\":1.5,\"lon\":-2.25,\"accuracy\":3.0,\"heading\":0.0}");
    assertThat(new String(TimedMetadata.marker(START, "x\"1", "a\nb"), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"marker\",\"time\":\"2026-11-25T10:15:30.250Z\",\"id\":\"x\\\"1\","
            + "\"label\":\"a\\u000ab\"}");
    assertThat(new String(TimedMetadata.mute(START, false), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"mute\",\"time\":\"2026-11-25T10:15:30.250Z\",\"on\":false}");
    assertThatThrownBy(() -> TimedMetadata.gps(START, 91, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TimedMetadata.marker(START, "", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crossTimescaleComparisonsAreExact() {
    assertThat(FragmentedMp4Writer.before(47_999, 48_000, 90_000, 90_000)).isTrue();
    assertThat(FragmentedMp4Writer.before(48_000, 48_000, 90_000, 90_000)).isFalse();
    assertThat(FragmentedMp4Writer.ceilTicks(90_001, 90_000, 1000)).isEqualTo(1001);
    assertThat(FragmentedMp4Writer.ceilTicks(90_000, 90_000, 1000)).isEqualTo(1000);
    assertThat(AvcDecoderConfigurationRecord.class).isNotNull();
  }
}
