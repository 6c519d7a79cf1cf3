package io.custody.mp4;

import io.custody.aac.AacConfig;
import io.custody.aac.AdtsFrame;
import io.custody.aac.AdtsReader;
import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 3 s 1080p clip muxed with its AAC track and a JSON metadata track, checked with ffprobe and
 * ffmpeg: both media decode exactly as from the raw streams, and the metadata reads back.
 */
class MultiTrackMuxIT {
  static final String VIDEO = "bwc-1080p30-high.h264";
  static final String AUDIO = "bwc-1080p30-audio.aac";
  static final Instant START = Instant.parse("2026-11-25T10:15:30.250Z");

  static ClipMuxer video;
  static List<AdtsFrame> audio;

  @TempDir Path tmp;

  @BeforeAll
  static void parse() throws Exception {
    video = new ClipMuxer(Clips.bytes(VIDEO), 90_000);
    audio = AdtsReader.readAll(Clips.bytes(AUDIO));
  }

  /** The metadata samples: a GPS fix every second, a marker, mute on and off. */
  static List<byte[]> metadataSamples() {
    List<byte[]> out = new ArrayList<>();
    out.add(TimedMetadata.gps(START, 52.520008, 13.404954, 34.5, 4.2, 1.25, 270.0));
    out.add(TimedMetadata.mute(START.plusMillis(400), true));
    out.add(TimedMetadata.gps(START.plusSeconds(1), 52.52001, 13.40495, Double.NaN, 5,
        Double.NaN, Double.NaN));
    out.add(TimedMetadata.marker(START.plusMillis(1500), "m-1", "Event button \"A\""));
    out.add(TimedMetadata.mute(START.plusMillis(1800), false));
    out.add(TimedMetadata.gps(START.plusSeconds(2), 52.52002, 13.40494, 35, 3.9, 1.5, 268.5));
    return out;
  }

  static final long[] METADATA_TIMES_MS = {0, 400, 1000, 1500, 1800, 2000};

  /** Writes video, audio and (optionally) metadata interleaved by time, as a recorder would. */
  private Path mux(boolean withMetadata, List<FragmentInfo> fragments) throws Exception {
    Path out = tmp.resolve(withMetadata ? "av-meta.mp4" : "av.mp4");
    AacConfig aac = audio.get(0).config();
    FragmentedMp4Writer.Builder b = FragmentedMp4Writer.builder(video.videoConfig)
        .audio(AudioTrackConfig.builder(aac).averageBitrate(96_000).build())
        .wallClockStart(START);
    if (withMetadata) {
      b.metadata(MetadataTrackConfig.builder().build());
    }
    FragmentedMp4Writer w = b.open(
        new ClipMuxIT.RecordingSink(ChannelFragmentSink.createFile(out), fragments));
    List<byte[]> meta = metadataSamples();
    int v = 0;
    int a = 0;
    int m = withMetadata ? 0 : meta.size();
    while (v < video.size() || a < audio.size() || m < meta.size()) {
      double tv = v < video.size() ? video.decodeTimes[v] / 90_000.0 : Double.MAX_VALUE;
      double ta = a < audio.size() ? a * 1024 / 48_000.0 : Double.MAX_VALUE;
      double tm = m < meta.size() ? METADATA_TIMES_MS[m] / 1000.0 : Double.MAX_VALUE;
      if (tm <= tv && tm <= ta) {
        w.addMetadata(meta.get(m), METADATA_TIMES_MS[m]);
        m++;
      } else if (ta <= tv) {
        w.addAudio(audio.get(a), a * 1024L);
        a++;
      } else {
        video.addVideo(w, v++);
      }
    }
    w.finish(video.endTime());
    return out;
  }

  @Test
  void audioAndVideoDecodeExactlyAsTheRawStreams() throws Exception {
    List<FragmentInfo> fragments = new ArrayList<>();
    Path out = mux(false, fragments);
    assertThat(fragments).hasSize(3);
    // Audio goes with the video fragment covering it (1 s of video per fragment), except a
    // frame whose successor had not arrived yet at the cut: it waits for the next fragment.
    long audioEnd = 0;
    for (int f = 0; f < 3; f++) {
      TrackSpan a = fragments.get(f).track(TrackKind.AUDIO);
      assertThat(a.baseDecodeTime()).isEqualTo(audioEnd);
      audioEnd = a.endDecodeTime();
      if (f < 2) {
        assertThat(audioEnd).isBetween((f + 1) * 48_000L - 2048, (f + 1) * 48_000L);
      }
    }
    assertThat(audioEnd).isEqualTo(142 * 1024L);

    JsonNode probe = Ffmpeg.probe(out);
    JsonNode streams = probe.get("streams");
    assertThat(streams).hasSize(2);
    assertThat(streams.get(1).get("codec_name").asText()).isEqualTo("aac");
    assertThat(streams.get(1).get("profile").asText()).isEqualTo("LC");
    assertThat(streams.get(1).get("sample_rate").asInt()).isEqualTo(48_000);
    assertThat(streams.get(1).get("channels").asInt()).isEqualTo(2);
    List<Long> audioPts = new ArrayList<>();
    for (JsonNode p : probe.get("packets")) {
      if (p.get("stream_index").asInt() == 1) {
        audioPts.add(p.get("pts").asLong());
      }
    }
    assertThat(audioPts).hasSize(142);
    for (int i = 0; i < audioPts.size(); i++) {
      assertThat(audioPts.get(i)).isEqualTo(i * 1024L);
    }

    assertThat(Ffmpeg.frameMd5(out, "0:v")).isEqualTo(Ffmpeg.frameMd5(Clips.path(VIDEO), "0:v"));
    List<String> sourceAudio = Ffmpeg.frameMd5(Clips.path(AUDIO), "0:a");
    assertThat(sourceAudio).hasSizeGreaterThanOrEqualTo(141);
    assertThat(Ffmpeg.frameMd5(out, "0:a")).isEqualTo(sourceAudio);
  }

  @Test
  void metadataTrackProbesCleanAndReadsBack() throws Exception {
    List<FragmentInfo> fragments = new ArrayList<>();
    Path out = mux(true, fragments);

    JsonNode probe = Ffmpeg.probe(out);
    JsonNode streams = probe.get("streams");
    assertThat(streams).hasSize(3);
    JsonNode data = streams.get(2);
    assertThat(data.get("codec_type").asText()).isEqualTo("data");
    assertThat(data.get("codec_tag_string").asText()).isEqualTo("mett");
    int dataPackets = 0;
    for (JsonNode p : probe.get("packets")) {
      if (p.get("stream_index").asInt() == 2) {
        assertThat(p.get("pts").asLong()).isEqualTo(METADATA_TIMES_MS[dataPackets]);
        dataPackets++;
      }
    }
    assertThat(dataPackets).isEqualTo(6);

    // ffmpeg copies the data stream out: the samples back to back.
    Ffmpeg.Result copied = Ffmpeg.run("ffmpeg", "-nostdin", "-v", "error", "-i", out.toString(),
        "-map", "0:d", "-c", "copy", "-f", "data", "-");
    assertThat(copied.stderr()).isBlank();
    StringBuilder expectedBytes = new StringBuilder();
    for (byte[] s : metadataSamples()) {
      expectedBytes.append(new String(s, StandardCharsets.UTF_8));
    }
    assertThat(copied.out()).isEqualTo(expectedBytes.toString());

    // Our own box reader: one JSON object per sample, with its media time.
    ObjectMapper json = new ObjectMapper();
    List<Mp4Boxes.Sample> samples = new ArrayList<>();
    for (Mp4Boxes.Sample s : Mp4Boxes.samples(Files.readAllBytes(out))) {
      if (s.trackId() == 3) {
        samples.add(s);
      }
    }
    assertThat(samples).hasSize(6);
    for (int i = 0; i < samples.size(); i++) {
      assertThat(samples.get(i).decodeTime()).isEqualTo(METADATA_TIMES_MS[i]);
      JsonNode sample = json.readTree(samples.get(i).data());
      assertThat(Instant.parse(sample.get("time").asText()))
          .isEqualTo(START.plusMillis(METADATA_TIMES_MS[i]));
    }
    JsonNode gps = json.readTree(samples.get(0).data());
    assertThat(gps.get("type").asText()).isEqualTo("gps");
    assertThat(gps.get("lat").asDouble()).isEqualTo(52.520008);
    assertThat(gps.get("heading").asDouble()).isEqualTo(270.0);
    assertThat(json.readTree(samples.get(2).data()).has("alt")).isFalse();
    JsonNode marker = json.readTree(samples.get(3).data());
    assertThat(marker.get("label").asText()).isEqualTo("Event button \"A\"");
    assertThat(json.readTree(samples.get(4).data()).get("on").asBoolean()).isFalse();
    // The last sample lasts until the end of the video.
    assertThat(samples.get(5).duration()).isEqualTo(1000);

    // Video and audio still decode with the data track present.
    assertThat(Ffmpeg.frameMd5(out, "0:v")).isEqualTo(Ffmpeg.frameMd5(Clips.path(VIDEO), "0:v"));
    assertThat(Ffmpeg.frameMd5(out, "0:a")).hasSize(Ffmpeg.frameMd5(Clips.path(AUDIO), "0:a")
        .size());
  }
}
