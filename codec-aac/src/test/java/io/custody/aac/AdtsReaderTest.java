package io.custody.aac;

import io.custody.testing.Clips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdtsReaderTest {
  static final String CLIP = "bwc-1080p30-audio.aac";
  static byte[] clip;
  static JsonNode expected;

  @BeforeAll
  static void load() throws Exception {
    clip = Clips.bytes(CLIP);
    expected = Clips.expected(CLIP);
  }

  @Test
  void readsTheClipAsFfprobeDoes() {
    List<AdtsFrame> frames = AdtsReader.readAll(clip);
    JsonNode packets = expected.get("packets");
    assertThat(frames).hasSize(expected.get("access_units").asInt());
    long offset = 0;
    for (int i = 0; i < frames.size(); i++) {
      AdtsFrame f = frames.get(i);
      // ffprobe's ADTS packets include the 7-byte header.
      assertThat(f.length() + 7).as("frame %d", i).isEqualTo(packets.get(i).get("size").asInt());
      assertThat(f.streamOffset()).isEqualTo(offset);
      assertThat(f.index()).isEqualTo(i);
      assertThat(f.isCrcProtected()).isFalse();
      offset += f.length() + 7;
    }
    AacConfig config = frames.get(0).config();
    assertThat(config.objectType()).isEqualTo(2);
    assertThat(config.sampleRate()).isEqualTo(expected.get("sample_rate").asInt());
    assertThat(config.channelCount()).isEqualTo(expected.get("channels").asInt());
    // AAC LC (2), 48 kHz (index 3), stereo: 00010 0011 0010 000
    assertThat(config.audioSpecificConfig()).containsExactly(0x11, 0x90);
    assertThat(config.codecString()).isEqualTo("mp4a.40.2");
    assertThat(config).isEqualTo(AacConfig.lc(48_000, 2));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 6, 7, 9, 100, 8191, 20_000})
  void anyChunkingGivesTheSameFrames(int maxChunk) {
    List<byte[]> whole = raw(AdtsReader.readAll(clip));
    List<byte[]> chunked = new ArrayList<>();
    List<AacConfig> configs = new ArrayList<>();
    AdtsReader reader = new AdtsReader(f -> {
      chunked.add(f.toByteArray());
      configs.add(f.config());
    });
    Random random = new Random(maxChunk);
    for (int at = 0; at < clip.length; ) {
      int n = Math.min(clip.length - at, 1 + random.nextInt(maxChunk));
      byte[] chunk = new byte[n + 3]; // not at index 0 of its array
      System.arraycopy(clip, at, chunk, 3, n);
      reader.feed(chunk, 3, n);
      at += n;
    }
    reader.finish();
    assertThat(chunked).containsExactlyElementsOf(whole);
    assertThat(reader.frames()).isEqualTo(whole.size());
    assertThat(reader.bytesScanned()).isEqualTo(clip.length);
    // The same configuration object throughout: identity changes only on a real change.
    assertThat(configs.stream().distinct().count()).isEqualTo(1);
    assertThat(configs).allSatisfy(c -> assertThat(c).isSameAs(configs.get(0)));
  }

  @Test
  void crcProtectedHeadersAreSkipped() {
    List<AdtsFrame> plain = AdtsReader.readAll(clip);
    byte[] withCrc = rewrite(plain, true, 0);
    List<AdtsFrame> frames = AdtsReader.readAll(withCrc);
    assertThat(raw(frames)).containsExactlyElementsOf(raw(plain));
    assertThat(frames).allMatch(AdtsFrame::isCrcProtected);
    assertThat(frames.get(1).streamOffset()).isEqualTo(9 + plain.get(0).length());
  }

  @Test
  void multipleRawDataBlocksAreRefused() {
    byte[] stream = rewrite(AdtsReader.readAll(clip).subList(0, 3), false, 0);
    stream[6] |= 1; // number_of_raw_data_blocks_in_frame = 1 in the first header
    assertThatThrownBy(() -> AdtsReader.readAll(stream))
        .isInstanceOfSatisfying(AacFormatException.class, e -> {
          assertThat(e.reason()).isEqualTo(AacFormatException.Reason.MULTIPLE_RAW_DATA_BLOCKS);
          assertThat(e.streamOffset()).isEqualTo(0);
        });
  }

  @Test
  void channelConfigurationZeroIsRefused() {
    byte[] stream = Arrays.copyOf(clip, 2000);
    stream[2] &= ~1;
    stream[3] &= 0x3f;
    assertThatThrownBy(() -> AdtsReader.readAll(stream))
        .isInstanceOfSatisfying(AacFormatException.class, e -> assertThat(e.reason())
            .isEqualTo(AacFormatException.Reason.UNSUPPORTED_CHANNEL_CONFIGURATION));
  }

  @Test
  void badSyncThrowsInStrictModeAndIsSkippedInResyncMode() {
    List<AdtsFrame> plain = AdtsReader.readAll(clip);
    int garbageAt = 7 + plain.get(0).length() + 7 + plain.get(1).length();
    byte[] garbage = {0x12, 0x34, (byte) 0xff, 0x00, 0x56};
    byte[] stream = new byte[clip.length + garbage.length];
    System.arraycopy(clip, 0, stream, 0, garbageAt);
    System.arraycopy(garbage, 0, stream, garbageAt, garbage.length);
    System.arraycopy(clip, garbageAt, stream, garbageAt + garbage.length, clip.length - garbageAt);

    assertThatThrownBy(() -> AdtsReader.readAll(stream))
        .isInstanceOfSatisfying(AacFormatException.class, e -> {
          assertThat(e.reason()).isEqualTo(AacFormatException.Reason.BAD_SYNC);
          assertThat(e.streamOffset()).isEqualTo(garbageAt);
        });

    List<byte[]> frames = new ArrayList<>();
    AdtsReader reader = new AdtsReader(f -> frames.add(f.toByteArray()),
        AdtsReader.ErrorPolicy.RESYNC);
    for (int at = 0; at < stream.length; at += 100) { // the garbage straddles no chunk edge here
      reader.feed(stream, at, Math.min(100, stream.length - at));
    }
    reader.finish();
    assertThat(frames).containsExactlyElementsOf(raw(plain));
    assertThat(reader.skippedBytes()).isEqualTo(garbage.length);
    assertThat(reader.resyncs()).isEqualTo(1);
  }

  @Test
  void truncatedLastFrame() {
    byte[] cut = Arrays.copyOf(clip, clip.length - 10);
    assertThatThrownBy(() -> AdtsReader.readAll(cut))
        .isInstanceOfSatisfying(AacFormatException.class, e ->
            assertThat(e.reason()).isEqualTo(AacFormatException.Reason.TRUNCATED));

    List<AdtsFrame> plain = AdtsReader.readAll(clip);
    AdtsReader reader = new AdtsReader(f -> { }, AdtsReader.ErrorPolicy.RESYNC);
    reader.feed(cut);
    reader.finish();
    assertThat(reader.frames()).isEqualTo(plain.size() - 1);
    assertThat(reader.skippedBytes()).isEqualTo(plain.get(plain.size() - 1).length() + 7 - 10);
  }

  @Test
  void inputWithoutAnyFrame() {
    byte[] noise = new byte[50_000];
    new Random(7).nextBytes(noise);
    for (int i = 0; i < noise.length; i++) {
      if (noise[i] == (byte) 0xff) {
        noise[i] = 0; // no syncword anywhere
      }
    }
    AdtsReader strict = new AdtsReader(f -> { });
    assertThatThrownBy(() -> strict.feed(noise))
        .isInstanceOfSatisfying(AacFormatException.class, e ->
            assertThat(e.reason()).isEqualTo(AacFormatException.Reason.BAD_SYNC));
    AdtsReader resync = new AdtsReader(f -> { }, AdtsReader.ErrorPolicy.RESYNC);
    resync.feed(noise);
    assertThatThrownBy(resync::finish)
        .isInstanceOfSatisfying(AacFormatException.class, e ->
            assertThat(e.reason()).isEqualTo(AacFormatException.Reason.BAD_SYNC));
    assertThat(resync.skippedBytes()).isEqualTo(noise.length);

    AdtsReader empty = new AdtsReader(f -> { });
    empty.finish();
    assertThat(empty.frames()).isZero();
    assertThatThrownBy(() -> empty.feed(new byte[1])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @Timeout(60)
  void randomGarbageNeverHangsInResyncMode() {
    Random random = new Random(42);
    long skippedInAll = 0;
    for (int round = 0; round < 50; round++) {
      byte[] noise = new byte[random.nextInt(30_000)];
      random.nextBytes(noise);
      for (int i = 0; i + 1 < noise.length; i += 1 + random.nextInt(200)) {
        noise[i] = (byte) 0xff; // plenty of false syncwords
        noise[i + 1] = (byte) 0xf1;
      }
      long[] frameBytes = new long[1];
      AdtsReader reader = new AdtsReader(f -> frameBytes[0] += f.length() + (f.isCrcProtected() ? 9 : 7),
          AdtsReader.ErrorPolicy.RESYNC);
      long fed = 0;
      boolean refused = false;
      for (int at = 0; at < noise.length && !refused; ) {
        int n = Math.min(noise.length - at, 1 + random.nextInt(5000));
        try {
          reader.feed(noise, at, n);
          fed += n;
        } catch (AacFormatException e) {
          refused = true; // a "valid" header announcing an unsupported feature: refused, fine
        }
        at += n;
      }
      if (refused) {
        continue;
      }
      // Every byte fed is accounted for: in a frame, skipped, or held for the next header.
      assertThat(reader.bytesScanned()).as("round %d", round).isEqualTo(fed);
      assertThat(frameBytes[0] + reader.skippedBytes()).as("round %d", round).isLessThanOrEqualTo(fed);
      skippedInAll += reader.skippedBytes();
    }
    assertThat(skippedInAll).as("noise is skipped, not taken for frames").isPositive();
  }

  @Test
  void aacConfigValidation() {
    assertThatThrownBy(() -> AacConfig.of(2, 13, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AacConfig.of(2, 3, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AacConfig.lc(47_999, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(AacConfig.of(2, 3, 7).channelCount()).isEqualTo(8);
    assertThat(AacConfig.lc(44_100, 1).audioSpecificConfig()).containsExactly(0x12, 0x08);
  }

  private static List<byte[]> raw(List<AdtsFrame> frames) {
    List<byte[]> out = new ArrayList<>();
    frames.forEach(f -> out.add(f.toByteArray()));
    return out;
  }

  /** An ADTS stream of {@code frames}, with 2 CRC bytes per header when {@code crc}. */
  static byte[] rewrite(List<AdtsFrame> frames, boolean crc, int blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (AdtsFrame f : frames) {
      AacConfig c = f.config();
      int length = f.length() + (crc ? 9 : 7);
      out.write(0xff);
      out.write(crc ? 0xf0 : 0xf1);
      out.write(((c.objectType() - 1) << 6) | (c.samplingFrequencyIndex() << 2)
          | (c.channelConfiguration() >> 2));
      out.write(((c.channelConfiguration() & 3) << 6) | (length >> 11));
      out.write(length >> 3);
      out.write(((length & 7) << 5) | 0x1f);
      out.write(0xfc | blocks);
      if (crc) {
        out.write(0xab);
        out.write(0xcd);
      }
      out.write(f.array(), f.offset(), f.length());
    }
    return out.toByteArray();
  }
}
