package io.custody.seal;

import static io.custody.seal.SealFormat.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.Signer;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.json.Json;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.Trigger;
import io.custody.mp4.VideoTrackConfig;
import io.custody.testing.Clips;
import io.custody.testing.TestVectorKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The negative vectors in docs/test-vectors/negative (FORMAT.md §11): a small valid segment,
 * {@code valid.sealed}, and segments made from it that are each wrong in one way, listed in {@code
 * index.json} with the step of §7 and the record (seq, or -1 for the header and footer) at which a
 * verifier must reject them. Each is made from the committed {@code valid.sealed} by a fixed edit
 * (re-signed with the vectors' device key where the edit is to pass the signatures before it;
 * Ed25519 signing is deterministic), so the committed files are checked byte for byte, and the real
 * {@link Verifier} must fail on each at its step and record. Rewritten only with {@code
 * -Dcustody.regenerateVectors=true}.
 */
class NegativeVectorsTest {
  static final Path DIR = TestVectorsTest.DIR.resolve("negative");
  static final Signer SIGNER = Ed25519.signer(DeviceSigningKey.fromSeed(TestVectorKeys.deviceSeed()));
  static final DevicePublicKey DEVICE = DeviceSigningKey.fromSeed(TestVectorKeys.deviceSeed()).publicKey();
  static final Instant START = Instant.parse("2026-11-25T10:00:00.250Z");

  /** The reference verifier's names for the problems of each step of §7. */
  static final Map<Integer, Set<String>> STEP_CHECKS = Map.of(
      1, Set.of("format", "truncated"),
      2, Set.of("device-key", "suite", "header-signature", "descriptor"),
      3, Set.of("seq", "order", "record-size", "format", "truncated"),
      4, Set.of("fragment-info"),
      5, Set.of("checkpoint-content", "checkpoint-signature", "record-hash"),
      6, Set.of("incomplete", "manifest-content", "manifest-signature", "record-hash"),
      7, Set.of("end-missing"),
      8, Set.of("footer", "trailing-bytes", "after-manifest"));

  /** One negative vector: its file, where a verifier rejects it, and the edit that makes it. */
  record Vector(String file, int step, int record, String check, String what, UnaryOperator<byte[]> edit) {}

  /** The vectors. valid.sealed: INIT, (DATA, DATA_END, FRAGMENT_INFO, CHECKPOINT) ×2, END, MANIFEST. */
  static List<Vector> vectors() {
    List<Vector> v = new ArrayList<>();
    v.add(new Vector("bad-magic.sealed", 1, -1, "format", "the magic is CSTDYSEH",
        b -> set(b, 7, 'H')));
    v.add(new Vector("version-2.sealed", 1, -1, "format", "version 2", b -> set(b, 9, 2)));
    v.add(new Vector("suite-3.sealed", 1, -1, "format", "suite 3", b -> set(b, 11, 3)));
    v.add(new Vector("max-record-0.sealed", 1, -1, "format", "max_record_plaintext 0",
        b -> resign(b, p -> putInt(p.header, 51, 0))));
    v.add(new Vector("no-recipients.sealed", 1, -1, "format", "recipient_count 0",
        b -> resign(b, p -> putShort(p.header, 119, 0))));
    v.add(new Vector("descriptor-length.sealed", 1, -1, "format",
        "descriptor_length one more than the bytes before the signature",
        b -> resign(b, p -> putInt(p.header, p.descriptorOffset() - 4, getInt(p.header, p.descriptorOffset() - 4) + 1))));
    v.add(new Vector("device-key-id.sealed", 2, -1, "device-key", "device_key_id is not the verifying key's",
        b -> set(b, 87, b[87] ^ 1)));
    v.add(new Vector("suite-mismatch.sealed", 2, -1, "suite",
        "suite 2 (ECDSA P-256) for the Ed25519 device key (re-signed)",
        b -> resign(b, p -> putShort(p.header, 10, 2))));
    v.add(new Vector("header-signature.sealed", 2, -1, "header-signature", "a bit of the header signature flipped",
        b -> set(b, headerLength(b) - 1, b[headerLength(b) - 1] ^ 1)));
    v.add(new Vector("descriptor-type.sealed", 2, -1, "descriptor", "the descriptor's device_id is a number",
        b -> resign(b, p -> p.descriptor(d -> d.put("device_id", 42L)))));
    v.add(new Vector("seq.sealed", 3, 2, "seq", "record 2 says it is record 3",
        b -> resign(b, p -> p.seqOverride.put(2, 3))));
    v.add(new Vector("data-size.sealed", 3, 1, "record-size",
        "a DATA record 16 bytes short of max_record_plaintext",
        b -> resign(b, p -> p.records.set(1, p.records.get(1).shorter(16)))));
    v.add(new Vector("end-size.sealed", 3, 9, "record-size", "an END record with 16 bytes of plaintext",
        b -> resign(b, p -> p.records.set(9, new Rec(KIND_END, new byte[32])))));
    v.add(new Vector("fragment-info.sealed", 4, 3, "fragment-info",
        "the first FRAGMENT_INFO's plaintext_offset is one more than the records say (all re-signed)",
        b -> resign(b, p -> {
          byte[] info = p.records.get(3).body();
          putLong(info, 8, getLong(info, 8) + 1);
        })));
    v.add(new Vector("starts-with-sync-2.sealed", 4, 7, "fragment-info",
        "the second FRAGMENT_INFO's starts_with_sync is 2 (all re-signed)",
        b -> resign(b, p -> p.records.get(7).body()[40] = 2)));
    v.add(new Vector("data-altered.sealed", 5, 2, "record-hash",
        "a bit of the DATA_END record 2 flipped: checkpoint 4 names it",
        b -> set(b, recordOffset(b, 2) + FRAMING, b[recordOffset(b, 2) + FRAMING] ^ 1)));
    v.add(new Vector("checkpoint-signature.sealed", 5, 4, "checkpoint-signature",
        "a bit of checkpoint 4's signature flipped",
        b -> set(b, recordOffset(b, 5) - 1, b[recordOffset(b, 5) - 1] ^ 1)));
    v.add(new Vector("truncated.sealed", 6, 9, "incomplete", "cut after record 8: no MANIFEST",
        b -> Arrays.copyOf(b, recordOffset(b, 9))));
    v.add(new Vector("manifest-signature.sealed", 6, 10, "manifest-signature", "a bit of the manifest signature flipped",
        b -> set(b, footerOffset(b) - 1, b[footerOffset(b) - 1] ^ 1)));
    v.add(new Vector("manifest-device-id.sealed", 6, 10, "manifest-content",
        "the manifest's device_id differs from the descriptor's (re-signed)",
        b -> resign(b, p -> p.manifest.put("device_id", "CAM-OTHER"))));
    v.add(new Vector("recovered-plaintext-sha256.sealed", 6, 10, "manifest-content",
        "recovered true with a plaintext_sha256 (re-signed)",
        b -> resign(b, p -> p.manifest.put("recovered", true))));
    v.add(new Vector("lost-bytes.sealed", 6, 10, "manifest-content",
        "lost_bytes 5 in a manifest not recovered (re-signed)",
        b -> resign(b, p -> p.manifest.put("lost_bytes", 5L))));
    v.add(new Vector("end-missing.sealed", 7, 9, "end-missing",
        "the END record removed, the manifest not recovered (re-signed)",
        b -> resign(b, p -> p.records.remove(9))));
    v.add(new Vector("footer-offset.sealed", 8, -1, "footer", "the footer points one byte past the MANIFEST",
        b -> { byte[] c = b.clone(); putLong(c, c.length - 8, getLong(c, c.length - 8) + 1); return c; }));
    v.add(new Vector("trailing-byte.sealed", 8, -1, "trailing-bytes", "a byte after the footer",
        b -> Arrays.copyOf(b, b.length + 1)));
    return v;
  }

  /**
   * The small valid segment: two fragments of two 3,000-byte pictures (not decodable video, but a
   * well-formed fMP4), sealed in 4 KiB records with the vectors' keys.
   */
  static byte[] valid() throws IOException {
    AccessUnit first = AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-baseline.h264")).get(0);
    VideoTrackConfig video = VideoTrackConfig.builder(AvcDecoderConfigurationRecord.of(first.sps(), first.pps())).build();
    RecordingInfo recording = new RecordingInfo(TestVectorKeys.RECORDING_ID, Trigger.button(), Optional.empty(), START, 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SealedSegmentWriter sealer = SealedSegmentWriter.builder(SIGNER,
            List.of(RecipientPrivateKey.fromRaw(TestVectorKeys.recipientRaw()).publicKey()))
        .fixedKeysForTestVectors(TestVectorKeys.contentKey(), TestVectorKeys.noncePrefix()).maxRecordPlaintext(4096)
        .open(Channels.newChannel(out), new SegmentDescriptor(recording, 0, START, "CAM-TEST-VECTOR", "PC-0000"));
    FragmentedMp4Writer mux = FragmentedMp4Writer.builder(video).wallClockStart(START).open(sealer);
    for (int i = 0; i < 4; i++) {
      byte[] picture = new byte[3000];
      Arrays.fill(picture, (byte) i);
      mux.addVideo(picture, 0, picture.length, i * 3000L, 0, i % 2 == 0);
    }
    mux.finish(12_000, true);
    return out.toByteArray();
  }

  static String index() {
    List<Object> list = new ArrayList<>();
    for (Vector v : vectors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", v.file());
      m.put("step", (long) v.step());
      m.put("record", (long) v.record());
      m.put("check", v.check());
      m.put("what", v.what());
      list.add(m);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("valid", "valid.sealed");
    index.put("device_public_key", "../device.pub");
    index.put("negative", list);
    return Json.write(index) + "\n";
  }

  @Test
  void eachNegativeVectorFailsAtItsStepAndRecord() throws Exception {
    if (Boolean.getBoolean("custody.regenerateVectors")) {
      Files.createDirectories(DIR);
      byte[] valid = valid();
      Files.write(DIR.resolve("valid.sealed"), valid);
      for (Vector v : vectors()) {
        Files.write(DIR.resolve(v.file()), v.edit().apply(valid));
      }
      Files.writeString(DIR.resolve("index.json"), index());
    }
    assertThat(Files.readString(DIR.resolve("index.json"))).isEqualTo(index());
    byte[] valid = Files.readAllBytes(DIR.resolve("valid.sealed"));
    Verifier verifier = new Verifier(DEVICE);
    VerificationReport ok = verifier.verify(new ByteArrayInputStream(valid));
    assertThat(ok.status()).as(ok.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(ok.records()).isEqualTo(11);
    for (Vector v : vectors()) {
      byte[] committed = Files.readAllBytes(DIR.resolve(v.file()));
      assertThat(committed).as(v.file()).isEqualTo(v.edit().apply(valid));
      VerificationReport r = verifier.verify(new ByteArrayInputStream(committed));
      assertThat(r.status()).as(v.file()).isNotEqualTo(VerificationReport.Status.COMPLETE);
      VerificationReport.Problem p = r.problem().orElseThrow();
      assertThat(p.check()).as(v.file() + ": " + p.message()).isEqualTo(v.check());
      assertThat(p.record()).as(v.file() + ": " + p.message()).isEqualTo(v.record());
      assertThat(STEP_CHECKS.get(v.step())).as(v.file()).contains(p.check());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Editing a segment

  /** A record as stored after its framing. */
  @SuppressWarnings("ArrayRecordComponent") // a test value, edited in place on purpose
  record Rec(int kind, byte[] body) {
    Rec shorter(int n) {
      return new Rec(kind, Arrays.copyOf(body, body.length - n));
    }
  }

  /** A segment taken apart, to be edited and put together again with every signature redone. */
  static final class Parts {
    byte[] header;
    final List<Rec> records = new ArrayList<>();
    Map<String, Object> manifest;
    /** Seq written in the framing of some records instead of their position. */
    final Map<Integer, Integer> seqOverride = new LinkedHashMap<>();

    int descriptorOffset() {
      return descriptorLengthOffset() + 4;
    }

    private int descriptorLengthOffset() {
      int at = SegmentHeader.FIXED;
      for (int i = 0; i < getShort(header, 119); i++) {
        at += HASH + 2 + getShort(header, at + HASH);
      }
      return at;
    }

    @SuppressWarnings("unchecked")
    void descriptor(java.util.function.Consumer<Map<String, Object>> edit) {
      int at = descriptorLengthOffset();
      Map<String, Object> d = (Map<String, Object>) Json.parse(Arrays.copyOfRange(header, at + 4, header.length - SIGNATURE));
      edit.accept(d);
      byte[] json = Json.write(d).getBytes(StandardCharsets.UTF_8);
      byte[] h = new byte[at + 4 + json.length + SIGNATURE];
      System.arraycopy(header, 0, h, 0, at);
      putInt(h, at, json.length);
      System.arraycopy(json, 0, h, at + 4, json.length);
      putInt(h, 12, h.length);
      header = h;
    }
  }

  /** Takes {@code segment} apart, applies {@code edit}, and puts it together with fresh signatures. */
  @SuppressWarnings("unchecked")
  static byte[] resign(byte[] segment, java.util.function.Consumer<Parts> edit) {
    try {
      Parts p = new Parts();
      RecordReader r = new RecordReader(new ByteArrayInputStream(segment));
      p.header = r.readHeader().bytes().clone();
      while (r.next()) {
        byte[] body = Arrays.copyOf(r.body, r.bodyLength);
        if (r.kind == KIND_MANIFEST) {
          p.manifest = (Map<String, Object>) Json.parse(Arrays.copyOf(body, body.length - SIGNATURE));
        }
        p.records.add(new Rec(r.kind, body));
      }
      edit.accept(p);
      return assemble(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static byte[] assemble(Parts p) throws IOException {
    MessageDigest sha = sha256();
    byte[] h = p.header;
    byte[] signed = SegmentHeader.signedPart(h, h.length - SIGNATURE);
    SIGNER.sign(signed, 0, signed.length, h, h.length - SIGNATURE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(h);
    sha.update(CHAIN_PREFIX);
    sha.update(h);
    byte[] chain = sha.digest();
    List<byte[]> pending = new ArrayList<>();
    List<String> fragmentChains = new ArrayList<>();
    int fragments = 0;
    long manifestOffset = -1;
    byte[] recordingId = Arrays.copyOfRange(h, 16, 32);
    for (int seq = 0; seq < p.records.size(); seq++) {
      Rec rec = p.records.get(seq);
      byte[] body = rec.body();
      if (rec.kind() == KIND_CHECKPOINT) {
        body = new byte[CHECKPOINT_FIXED + pending.size() * HASH];
        putInt(body, 0, fragments);
        putInt(body, 4, pending.size());
        for (int i = 0; i < pending.size(); i++) {
          System.arraycopy(pending.get(i), 0, body, 8 + i * HASH, HASH);
        }
        System.arraycopy(chain, 0, body, 8 + pending.size() * HASH, HASH);
        byte[] message = Manifests.checkpointMessageBuffer();
        int n = Manifests.checkpointMessage(message, recordingId, getInt(h, 32), seq, fragments, chain);
        SIGNER.sign(message, 0, n, body, body.length - SIGNATURE);
      } else if (rec.kind() == KIND_MANIFEST) {
        Map<String, Object> m = p.manifest;
        m.put("records", (long) seq);
        m.put("chain_sha256", hex(chain));
        List<String> tail = new ArrayList<>();
        pending.forEach(x -> tail.add(hex(x)));
        m.put("tail_record_sha256", tail);
        List<Object> table = (List<Object>) m.get("fragments");
        for (int i = 0; i < table.size() && i < fragmentChains.size(); i++) {
          ((Map<String, Object>) table.get(i)).put("chain_sha256", fragmentChains.get(i));
        }
        byte[] json = Json.write(m).getBytes(StandardCharsets.UTF_8);
        body = Arrays.copyOf(json, json.length + SIGNATURE);
        byte[] message = Manifests.manifestMessage(chain, json);
        SIGNER.sign(message, 0, message.length, body, json.length);
        manifestOffset = out.size();
      }
      byte[] record = new byte[FRAMING + body.length];
      record[0] = (byte) rec.kind();
      putInt(record, 1, p.seqOverride.getOrDefault(seq, seq));
      putInt(record, 5, body.length);
      System.arraycopy(body, 0, record, FRAMING, body.length);
      out.write(record);
      byte[] hash = sha.digest(record);
      pending.add(hash);
      sha.update(chain);
      sha.update(hash);
      chain = sha.digest();
      if (rec.kind() == KIND_FRAGMENT_INFO) {
        fragments++;
        fragmentChains.add(hex(chain));
      }
      if (rec.kind() == KIND_CHECKPOINT) {
        pending.clear();
        pending.add(hash);
      }
    }
    byte[] footer = new byte[FOOTER_LENGTH];
    System.arraycopy(FOOTER_MAGIC, 0, footer, 0, 8);
    putLong(footer, 8, manifestOffset);
    out.write(footer);
    return out.toByteArray();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] set(byte[] b, int at, int value) {
    byte[] c = b.clone();
    c[at] = (byte) value;
    return c;
  }

  private static int headerLength(byte[] b) {
    return getInt(b, 12);
  }

  /** Byte offset of record {@code seq} (or of the footer, past the last record). */
  private static int recordOffset(byte[] b, int seq) {
    int at = headerLength(b);
    for (int i = 0; i < seq; i++) {
      at += FRAMING + getInt(b, at + 5);
    }
    return at;
  }

  private static int footerOffset(byte[] b) {
    return b.length - FOOTER_LENGTH;
  }
}
