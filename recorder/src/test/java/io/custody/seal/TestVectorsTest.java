package io.custody.seal;

import static io.custody.seal.SealFormat.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.recorder.Recorder;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.Signatures;
import io.custody.crypto.Hkdf;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import io.custody.testing.Clips;
import io.custody.testing.TestVectorKeys;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The known-answer vectors in docs/test-vectors: fixed keys, content key, nonce prefix and
 * recording id, 16 KiB records (so that a fragment spans several), a two-fragment segment from the
 * Baseline clip. Checked on every build; rewritten
 * only with {@code -Dcustody.regenerateVectors=true} (after a deliberate format change).
 */
class TestVectorsTest {
  static final Path DIR = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"))
      .resolve("../../docs/test-vectors").normalize();
  static final HexFormat HEX = HexFormat.of();
  static final String RECORDING_ID = TestVectorKeys.RECORDING_ID;
  static final byte[] DEVICE_SEED = TestVectorKeys.deviceSeed();
  static final byte[] RECIPIENT_RAW = TestVectorKeys.recipientRaw();
  static final byte[] CONTENT_KEY = TestVectorKeys.contentKey();
  static final byte[] NONCE_PREFIX = TestVectorKeys.noncePrefix();

  /** The suite-2 vectors: the same segment sealed with a P-256 device key. */
  static final Path P256_DIR = DIR.resolve("p256");

  /** Seals AUs 0..34 of the Baseline clip (two fragments) with the fixed inputs. */
  static byte[][] seal() throws IOException {
    return seal(DeviceSigningKey.fromSeed(DEVICE_SEED), UnaryOperator.identity());
  }

  /** The same, handing the sealer each muxer buffer as {@code view} makes it. */
  static byte[][] seal(UnaryOperator<ByteBuffer> view) throws IOException {
    return seal(DeviceSigningKey.fromSeed(DEVICE_SEED), view);
  }

  /** The same, signed with {@code device}. */
  static byte[][] seal(DeviceSigningKey device, UnaryOperator<ByteBuffer> view) throws IOException {
    RecipientPrivateKey recipient = RecipientPrivateKey.fromRaw(RECIPIENT_RAW);
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    SegmentOutput output = d -> {
      RecordingInfo fixed = new RecordingInfo(RECORDING_ID, d.recording().trigger(), Optional.empty(),
          d.recording().wallClockStart(), 0);
      SealedSegmentWriter w = SealedSegmentWriter.builder(Signatures.signer(device), List.of(recipient.publicKey()))
          .fixedKeysForTestVectors(CONTENT_KEY, NONCE_PREFIX).maxRecordPlaintext(16 * 1024)
          .open(Channels.newChannel(sealed), new SegmentDescriptor(fixed, d.index(), d.wallClockStart(),
              d.deviceId(), d.operatorId()));
      return new FragmentSink() {
        @Override
        public void init(ByteBuffer b) throws IOException {
          plain.write(copy(b.duplicate()));
          w.init(view.apply(b));
        }

        @Override
        public void fragment(ByteBuffer b, FragmentInfo info) throws IOException {
          plain.write(copy(b.duplicate()));
          w.fragment(view.apply(b), info);
        }

        @Override
        public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
          w.end(info, false); // the published vectors were sealed with last_in_recording false
        }
      };
    };
    List<AccessUnit> units = AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-baseline.h264"));
    Recorder r = Recorder.builder(output).streamStart(Instant.parse("2026-11-25T10:00:00Z"))
        .deviceId("CAM-TEST-VECTOR").operatorId("PC-0000").build();
    for (int i = 0; i < 35; i++) {
      r.feedAccessUnit(units.get(i), i * 3000L, i * 3000L);
    }
    r.startRecording(Trigger.button());
    r.close();
    return new byte[][] {sealed.toByteArray(), plain.toByteArray()};
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Record key, commitment, the chain after every record of {@code sealed}, and its manifest. */
  static String expected(byte[] sealed) throws IOException {
    byte[] recordingId = uuidBytes(RECORDING_ID);
    byte[] salt = salt(recordingId, 0);
    RecordReader r = new RecordReader(new ByteArrayInputStream(sealed));
    r.readHeader();
    List<Object> chains = new ArrayList<>();
    chains.add(HEX.formatHex(r.chain));
    List<Object> kinds = new ArrayList<>();
    Object manifest = null;
    while (r.next()) {
      chains.add(HEX.formatHex(r.chain));
      kinds.add(kindName(r.kind));
      if (r.kind == KIND_MANIFEST) {
        manifest = Json.parse(java.util.Arrays.copyOf(r.body, r.bodyLength - SIGNATURE));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recording_id", RECORDING_ID);
    m.put("segment_index", 0L);
    m.put("salt", HEX.formatHex(salt));
    m.put("record_key", HEX.formatHex(Hkdf.sha256(CONTENT_KEY, salt, RECORD_KEY_INFO, 32)));
    m.put("key_commitment", HEX.formatHex(Hkdf.sha256(CONTENT_KEY, salt, COMMITMENT_INFO, 32)));
    m.put("nonce_prefix", HEX.formatHex(NONCE_PREFIX));
    m.put("hpke_info", HEX.formatHex(wrapInfo(recordingId, 0)));
    m.put("record_kinds", kinds);
    m.put("chain_after_header_and_each_record", chains);
    m.put("manifest", manifest);
    return Json.write(m) + "\n";
  }

  @Test
  void vectorsVerifyDecryptAndRecompute() throws Exception {
    if (Boolean.getBoolean("custody.regenerateVectors")) {
      byte[][] made = seal();
      Files.createDirectories(DIR);
      DeviceSigningKey device = DeviceSigningKey.fromSeed(DEVICE_SEED);
      RecipientPrivateKey recipient = RecipientPrivateKey.fromRaw(RECIPIENT_RAW);
      Files.writeString(DIR.resolve("device.key"), device.toPem());
      Files.writeString(DIR.resolve("device.pub"), device.publicKey().toPem());
      Files.writeString(DIR.resolve("recipient.key"), recipient.toPem());
      Files.writeString(DIR.resolve("recipient.pub"), recipient.publicKey().toPem());
      Files.writeString(DIR.resolve("content-key.hex"), HEX.formatHex(CONTENT_KEY) + "\n");
      Files.write(DIR.resolve("segment.sealed"), made[0]);
      Files.write(DIR.resolve("segment.mp4"), made[1]);
      Files.writeString(DIR.resolve("expected.json"), expected(made[0]));
    }
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(DIR.resolve("device.pub")));
    RecipientPrivateKey recipient = RecipientPrivateKey.fromPem(Files.readString(DIR.resolve("recipient.key")));
    assertThat(device).isEqualTo(DeviceSigningKey.fromSeed(DEVICE_SEED).publicKey());
    Path sealed = DIR.resolve("segment.sealed");

    VerificationReport report = new Verifier(device).verify(sealed);
    assertThat(report.status()).as(report.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(report.fragments()).isEqualTo(2);
    try (SegmentReader reader = SegmentReader.open(sealed, recipient, device)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      reader.writePlaintext(out);
      assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(DIR.resolve("segment.mp4")));
    }
    byte[] committed = Files.readAllBytes(sealed);
    assertThat(expected(committed)).isEqualTo(Files.readString(DIR.resolve("expected.json")));

    // Sealing again with the same inputs gives the same ciphertext bodies (HPKE's ephemeral key,
    // and so the header and chain, differ from run to run).
    byte[][] again = seal();
    assertThat(again[1]).isEqualTo(Files.readAllBytes(DIR.resolve("segment.mp4")));
    assertThat(ciphertexts(again[0])).isEqualTo(ciphertexts(committed));
  }

  @Test
  void p256VectorsVerifyDecryptAndRecompute() throws Exception {
    DeviceSigningKey p256 = DeviceSigningKey.fromRaw(SignatureSuite.P256, TestVectorKeys.deviceP256Scalar());
    if (Boolean.getBoolean("custody.regenerateVectors")) {
      byte[][] made = seal(p256, UnaryOperator.identity());
      Files.createDirectories(P256_DIR);
      Files.writeString(P256_DIR.resolve("device.key"), p256.toPem());
      Files.writeString(P256_DIR.resolve("device.pub"), p256.publicKey().toPem());
      Files.write(P256_DIR.resolve("segment.sealed"), made[0]);
      Files.writeString(P256_DIR.resolve("expected.json"), expected(made[0]));
    }
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(P256_DIR.resolve("device.pub")));
    assertThat(device).isEqualTo(p256.publicKey());
    assertThat(DeviceSigningKey.fromPem(Files.readString(P256_DIR.resolve("device.key")))).isEqualTo(p256);
    Path sealed = P256_DIR.resolve("segment.sealed");
    byte[] committed = Files.readAllBytes(sealed);
    assertThat(getShort(committed, 10)).isEqualTo(2);

    VerificationReport report = new Verifier(device).verify(sealed);
    assertThat(report.status()).as(report.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(report.fragments()).isEqualTo(2);
    RecipientPrivateKey recipient = RecipientPrivateKey.fromPem(Files.readString(DIR.resolve("recipient.key")));
    try (SegmentReader reader = SegmentReader.open(sealed, recipient, device)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      reader.writePlaintext(out);
      assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(DIR.resolve("segment.mp4")));
    }
    assertThat(expected(committed)).isEqualTo(Files.readString(P256_DIR.resolve("expected.json")));
    // The Ed25519 key of the suite-1 vectors does not verify it, and names the key mismatch.
    DevicePublicKey ed = DevicePublicKey.fromPem(Files.readString(DIR.resolve("device.pub")));
    assertThat(new Verifier(ed).verify(sealed).problem().orElseThrow().check()).isEqualTo("device-key");
    // Same plaintext and content key: the same ciphertexts as suite 1's.
    assertThat(ciphertexts(committed)).isEqualTo(ciphertexts(Files.readAllBytes(DIR.resolve("segment.sealed"))));
  }

  @Test
  void buffersWithoutAnArraySealToTheSameCiphertexts() throws Exception {
    // The muxer's buffers are array-backed and sealed in place; others are copied out first.
    List<String> inPlace = ciphertexts(seal()[0]);
    assertThat(ciphertexts(seal(ByteBuffer::asReadOnlyBuffer)[0])).isEqualTo(inPlace);
    assertThat(ciphertexts(seal(TestVectorsTest::direct)[0])).isEqualTo(inPlace);
  }

  private static ByteBuffer direct(ByteBuffer b) {
    ByteBuffer d = ByteBuffer.allocateDirect(b.remaining());
    d.put(b.duplicate()).flip();
    return d;
  }

  private static List<String> ciphertexts(byte[] sealed) throws IOException {
    RecordReader r = new RecordReader(new ByteArrayInputStream(sealed));
    r.readHeader();
    List<String> out = new ArrayList<>();
    while (r.next()) {
      if (isEncrypted(r.kind)) {
        out.add(HEX.formatHex(r.body, 0, r.bodyLength));
      }
    }
    return out;
  }
}
