package io.custody.seal;

import io.custody.testing.TestVectorKeys;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.Trigger;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.TrackKind;
import io.custody.mp4.TrackSpan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed corpus of the sealed-segment fuzz targets: small segments sealed with the test-vector
 * keys (docs/test-vectors: the RFC 8032 and RFC 7748 test keys, never a real one) over short
 * stand-in payloads, so that the fuzzer starts from segments that verify and decrypt, and reaches
 * past the header into records, checkpoints, the fragment table and the manifest. The files are
 * committed; after a deliberate format change {@link SealedSegmentFuzzTest} says they no longer
 * verify, and {@code main} (run from the seal module with the test classpath) writes them anew.
 */
final class SealedSeeds {
  static final DeviceSigningKey DEVICE = DeviceSigningKey.fromSeed(TestVectorKeys.deviceSeed());
  static final RecipientPrivateKey RECIPIENT = RecipientPrivateKey.fromRaw(TestVectorKeys.recipientRaw());
  static final Path RESOURCES = Paths.get("src/test/resources/io/custody/seal");

  private SealedSeeds() {}

  /** Segments that verify: name to bytes. */
  static Map<String, byte[]> complete() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("one-fragment", seal(1, 1, 64, false));
    seeds.put("three-fragments-checkpoint-each", seal(3, 1, 96, true));
    seeds.put("four-fragments-checkpoint-every-2", seal(4, 2, 48, false));
    seeds.put("fragment-over-two-records", seal(2, 1, 5000, true));
    return seeds;
  }

  /**
   * One segment sealed with fixed keys and content: {@code fragments} fragments of {@code
   * fragmentBytes} stand-in bytes, records of at most 4 KiB (the least the format allows).
   */
  static byte[] seal(int fragments, int checkpointInterval, int fragmentBytes, boolean last) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Instant start = Instant.parse("2026-11-25T10:00:00Z");
    RecordingInfo recording = new RecordingInfo(TestVectorKeys.RECORDING_ID, Trigger.button(),
        Optional.empty(), start, 0);
    SealedSegmentWriter w = SealedSegmentWriter.builder(Ed25519.signer(DEVICE), List.of(RECIPIENT.publicKey()))
        .fixedKeysForTestVectors(TestVectorKeys.contentKey(), TestVectorKeys.noncePrefix())
        .maxRecordPlaintext(4096).checkpointInterval(checkpointInterval)
        .open(Channels.newChannel(out), new SegmentDescriptor(recording, 0, start, "CAM-FUZZ", "PC-0000"));
    w.init(ByteBuffer.wrap("ftyp....moov....".getBytes(StandardCharsets.US_ASCII)));
    for (int i = 0; i < fragments; i++) {
      byte[] body = new byte[fragmentBytes];
      Arrays.fill(body, (byte) i);
      TrackSpan video = new TrackSpan(1, TrackKind.VIDEO, 90_000, i * 9000L, 9000, 3, fragmentBytes);
      w.fragment(ByteBuffer.wrap(body), new FragmentInfo(i + 1, List.of(video), true,
          start.plusMillis(100L * i), fragmentBytes));
    }
    w.end(new SegmentInfo(fragments, 16 + (long) fragments * fragmentBytes,
        List.of(new TrackSpan(1, TrackKind.VIDEO, 90_000, 0, fragments * 9000L, 3 * fragments,
            (long) fragments * fragmentBytes))), last);
    return out.toByteArray();
  }

  /** The signed manifest JSON of a complete segment. */
  static byte[] manifestJson(byte[] sealed) throws IOException {
    VerificationReport report = new Verifier(DEVICE.publicKey()).verify(new ByteArrayInputStream(sealed));
    return report.manifest().orElseThrow().json().getBytes(StandardCharsets.UTF_8);
  }

  /** Writes the seeds into the fuzz targets' input directories. */
  public static void main(String[] args) throws IOException {
    for (Map.Entry<String, byte[]> seed : complete().entrySet()) {
      byte[] b = seed.getValue();
      write("SealedSegmentFuzzTestInputs/verify", seed.getKey(), b);
      write("SealedSegmentFuzzTestInputs/decryptUnverified", seed.getKey(), b);
      write("SealedSegmentFuzzTestInputs/recover", seed.getKey(), b);
      // a power cut: the segment ends inside its last records
      write("SealedSegmentFuzzTestInputs/recover", seed.getKey() + "-cut", Arrays.copyOf(b, b.length * 2 / 3));
      write("ManifestFuzzTestInputs/parseManifest", seed.getKey() + ".json", manifestJson(b));
    }
  }

  private static void write(String dir, String name, byte[] b) throws IOException {
    Path d = RESOURCES.resolve(dir);
    Files.createDirectories(d);
    Files.write(d.resolve(name), b);
  }
}
