package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.RecipientPrivateKey;
import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Record → seal → verify → export, on every clip: the export is byte-identical to the plain fMP4. */
class SealRoundTripIT {
  static List<String> clips() throws Exception {
    try (Stream<Path> s = Files.list(Clips.dir())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".h264")).sorted()
          .collect(Collectors.toList());
    }
  }

  @ParameterizedTest
  @MethodSource("clips")
  void sealedSegmentsVerifyAndExportByteIdentical(String clip, @TempDir Path dir) throws Exception {
    List<Sealing.Pair> pairs = Sealing.record(Clips.bytes(clip), dir, Duration.ofSeconds(1), 1);
    assertThat(pairs).isNotEmpty();
    Verifier verifier = new Verifier(Sealing.DEVICE.publicKey());
    String previous = null;
    for (Sealing.Pair p : pairs) {
      VerificationReport report = verifier.verify(p.sealed());
      assertThat(report.status()).as(report.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
      SegmentManifest m = report.manifest().orElseThrow();
      assertThat(m.segmentIndex()).isEqualTo(p.descriptor().index());
      assertThat(m.deviceId()).isEqualTo("CAM-0042");
      assertThat(m.operatorId()).isEqualTo("PC-1234");
      assertThat(m.triggerSource()).isEqualTo("BUTTON");
      assertThat(m.previousHeaderSha256().orElse(null)).isEqualTo(previous);
      previous = report.header().orElseThrow().sha256Hex();
      assertThat(m.plaintextLength()).isEqualTo(Files.size(p.plain()));
      assertThat(report.signedFragments()).isEqualTo(m.fragments().size());

      for (RecipientPrivateKey key : List.of(Sealing.BACK_OFFICE, Sealing.ESCROW)) {
        try (SegmentReader reader = SegmentReader.open(p.sealed(), key, Sealing.DEVICE.publicKey())) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          reader.writePlaintext(out);
          assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(p.plain()));
          // Random access: init + every fragment, in order, is the same file.
          ByteArrayOutputStream pieces = new ByteArrayOutputStream();
          pieces.writeBytes(reader.readInit());
          for (int i = 0; i < reader.fragmentCount(); i++) {
            pieces.writeBytes(reader.readFragment(i));
          }
          assertThat(pieces.toByteArray()).isEqualTo(out.toByteArray());
        }
      }
    }
  }

  @Test
  void warmingUpLeavesSealingAsItWas(@TempDir Path dir) throws Exception {
    assertThat(SealedSegmentWriter.warmUp()).isPositive();
    assertThat(SealedSegmentWriter.warmUp()).isPositive(); // idempotent
    assertThat(SealedSegmentWriter.warmUp(io.custody.crypto.SignatureSuite.P256)).isPositive();
    List<Sealing.Pair> pairs = Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir, Duration.ofSeconds(60), 1);
    assertThat(new Verifier(Sealing.DEVICE.publicKey()).verify(pairs.get(0).sealed()).status()).isEqualTo(VerificationReport.Status.COMPLETE);
  }

  @Test
  void exportPlaysFrameExactInFfmpeg(@TempDir Path dir) throws Exception {
    List<Sealing.Pair> pairs = Sealing.record(Clips.bytes("bwc-1080p30-high.h264"), dir, Duration.ofSeconds(60), 1);
    assertThat(pairs).hasSize(1);
    Path mp4 = dir.resolve("export.mp4");
    Path json = dir.resolve("export.json");
    Exporter.Result result = new Exporter().export(pairs.get(0).sealed(), Sealing.BACK_OFFICE,
        Sealing.DEVICE.publicKey(), mp4, json);
    assertThat(Files.readAllBytes(mp4)).isEqualTo(Files.readAllBytes(pairs.get(0).plain()));
    assertThat(Ffmpeg.frameMd5(mp4, "0:v")).isEqualTo(Ffmpeg.frameMd5(Clips.path("bwc-1080p30-high.h264"), "0:v"));
    String custody = Files.readString(json);
    assertThat(custody).contains("\"mp4_sha256\":\"" + result.plaintextSha256() + "\"")
        .contains("\"plaintext_sha256_signed\":\"" + result.plaintextSha256() + "\"")
        .contains(Sealing.DEVICE.publicKey().keyIdHex());
  }

  @Test
  void withoutThePlaintextHashTheSegmentStillVerifiesAndExports(@TempDir Path dir) throws Exception {
    byte[] mp4 = plainSegment("high422-720p.h264", dir);
    Path sealed = reseal(mp4, writer().plaintextSha256(false), dir.resolve("no-hash.sealed"));
    VerificationReport r = verifiedOk(sealed);
    assertThat(r.manifest().orElseThrow().plaintextSha256()).isEmpty();
    Exporter.Result result = new Exporter().export(sealed, Sealing.BACK_OFFICE, Sealing.DEVICE.publicKey(),
        dir.resolve("out.mp4"), dir.resolve("out.json"));
    assertThat(Files.readAllBytes(result.mp4())).isEqualTo(mp4);
  }

  @ParameterizedTest
  @ValueSource(ints = {4 << 10, 16 << 10, 256 << 10, 1 << 20})
  void everyRecordSizeVerifiesAndDecryptsTheSameBytes(int recordSize, @TempDir Path dir) throws Exception {
    byte[] mp4 = plainSegment("bwc-1080p30-high.h264", dir);
    Path sealed = reseal(mp4, writer().maxRecordPlaintext(recordSize), dir.resolve("records.sealed"));
    verifiedOk(sealed);
    try (SegmentReader reader = SegmentReader.open(sealed, Sealing.BACK_OFFICE, Sealing.DEVICE.publicKey())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      reader.writePlaintext(out);
      assertThat(out.toByteArray()).isEqualTo(mp4);
    }
    // The fragment is cut into full records and one shorter last one.
    RecordReader records = new RecordReader(new java.io.ByteArrayInputStream(Files.readAllBytes(sealed)));
    assertThat(records.readHeader().maxRecordPlaintext()).isEqualTo(recordSize);
    int data = 0;
    while (records.next()) {
      if (records.kind == SealFormat.KIND_DATA) {
        assertThat(records.bodyLength).isEqualTo(recordSize + SealFormat.TAG);
        data++;
      }
    }
    assertThat(data).isEqualTo((mp4.length - initLength(mp4) - 1) / recordSize);
  }

  @Test
  void recordSizesOutsideTheReadersLimitsAreRefused() {
    SealedSegmentWriter.Builder b = writer();
    assertThatThrownBy(() -> b.maxRecordPlaintext(4095)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxRecordPlaintext((16 << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The plain fMP4 of a clip recorded into one segment. */
  private static byte[] plainSegment(String clip, Path dir) throws Exception {
    return Files.readAllBytes(Sealing.record(Clips.bytes(clip), dir, Duration.ofSeconds(60), 1).get(0).plain());
  }

  private static SealedSegmentWriter.Builder writer() {
    return SealedSegmentWriter.builder(Sealing.SIGNER, List.of(Sealing.BACK_OFFICE.publicKey()));
  }

  private static VerificationReport verifiedOk(Path sealed) throws IOException {
    VerificationReport r = new Verifier(Sealing.DEVICE.publicKey()).verify(sealed);
    assertThat(r.status()).as(r.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
    return r;
  }

  /** Seals a plain fMP4 segment again as one init part and one fragment (the writer does not parse it). */
  private static Path reseal(byte[] mp4, SealedSegmentWriter.Builder builder, Path sealed) throws IOException {
    io.custody.mp4.RecordingInfo rec = new io.custody.mp4.RecordingInfo(java.util.UUID.randomUUID().toString(),
        io.custody.mp4.Trigger.button(), java.util.Optional.empty(), java.time.Instant.EPOCH, 0);
    io.custody.mp4.SegmentDescriptor d = new io.custody.mp4.SegmentDescriptor(rec, 0, java.time.Instant.EPOCH, "", "");
    try (var channel = Files.newByteChannel(sealed, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      SealedSegmentWriter w = builder.open(channel, d);
      int init = initLength(mp4);
      w.init(java.nio.ByteBuffer.wrap(mp4, 0, init));
      w.fragment(java.nio.ByteBuffer.wrap(mp4, init, mp4.length - init), new io.custody.mp4.FragmentInfo(
          1, List.of(), true, java.time.Instant.EPOCH, mp4.length - init));
      w.end(new io.custody.mp4.SegmentInfo(1, mp4.length, List.of()), false);
    }
    return sealed;
  }

  /** Size of ftyp + moov at the head of an fMP4 file. */
  private static int initLength(byte[] mp4) {
    int at = 0;
    while (at + 8 <= mp4.length) {
      int size = java.nio.ByteBuffer.wrap(mp4, at, 4).getInt();
      String type = new String(mp4, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
      if (!type.equals("ftyp") && !type.equals("moov")) {
        return at;
      }
      at += size;
    }
    return at;
  }

  @Test
  void wrongKeysAndUnknownVersionsAreTypedErrors(@TempDir Path dir) throws Exception {
    Path sealed = Sealing.record(Clips.bytes("high422-720p.h264"), dir, Duration.ofSeconds(60), 1).get(0).sealed();
    assertThatThrownBy(() -> SegmentReader.open(sealed, RecipientPrivateKey.generate(), Sealing.DEVICE.publicKey()))
        .isInstanceOfSatisfying(DecryptionException.class,
            e -> assertThat(e.reason()).isEqualTo(DecryptionException.Reason.NOT_A_RECIPIENT));
    assertThatThrownBy(() -> SegmentReader.open(sealed, Sealing.BACK_OFFICE,
            io.custody.crypto.DeviceSigningKey.generate().publicKey()))
        .isInstanceOfSatisfying(VerificationFailedException.class,
            e -> assertThat(e.report().problem().orElseThrow().check()).isEqualTo("device-key"));

    byte[] b = Files.readAllBytes(sealed);
    byte[] v2 = b.clone();
    v2[9] = 2;
    Path version2 = dir.resolve("v2.sealed");
    Files.write(version2, v2);
    VerificationReport r = new Verifier(Sealing.DEVICE.publicKey()).verify(version2);
    assertThat(r.status()).isNotEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(r.problem().orElseThrow().message()).contains("version 2 is not supported");

    Path notSealed = dir.resolve("plain.mp4");
    Files.write(notSealed, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
    assertThat(new Verifier(Sealing.DEVICE.publicKey()).verify(notSealed).problem().orElseThrow().message())
        .contains("not a Custody sealed segment");
  }
}
