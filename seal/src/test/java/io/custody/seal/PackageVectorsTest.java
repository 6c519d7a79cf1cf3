package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The disclosure package test vectors (docs/FORMAT.md §12.7): the reference verifier reports what
 * {@code expected.json} says, decrypts {@code excerpt.mp4} byte for byte for the recipient, and
 * refuses every other key and a changed byte.
 */
class PackageVectorsTest {
  static final Path DIR = Paths.get("../docs/test-vectors/package");

  static DevicePublicKey device() throws Exception {
    return DevicePublicKey.fromPem(Files.readString(DIR.resolve("device.pub")));
  }

  static byte[] decrypt(byte[] pkg, Optional<RecipientPrivateKey> key, PackageReport[] report) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report[0] = new PackageVerifier(device()).decrypt(new ByteArrayInputStream(pkg), key, new SegmentDecryptor.Sink() {
      @Override
      public void init(byte[] b, int offset, int length) {
        out.write(b, offset, length);
      }

      @Override
      public void media(byte[] b, int offset, int length) {
        out.write(b, offset, length);
      }
    });
    return out.toByteArray();
  }

  @Test
  void theVerifierReportsWhatExpectedJsonSays() throws Exception {
    PackageReport r = new PackageVerifier(device()).verify(DIR.resolve("excerpt.cpkg"));
    Map<?, ?> expected = (Map<?, ?>) Json.parse(Files.readAllBytes(DIR.resolve("expected.json")));
    assertThat(r.ok()).isEqualTo(expected.get("ok"));
    assertThat(r.recordingId()).isEqualTo(expected.get("recording_id"));
    assertThat(r.deviceId()).isEqualTo(expected.get("device_id"));
    assertThat(r.operatorId()).isEqualTo(expected.get("operator_id"));
    assertThat(r.deviceKeyId()).isEqualTo(expected.get("device_key_id"));
    List<Object> pieces = new ArrayList<>();
    for (PackageReport.Piece p : r.pieces()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("segment_index", (long) p.segmentIndex());
      m.put("first_fragment", (long) p.firstFragment());
      m.put("last_fragment", (long) p.lastFragment());
      m.put("starts_segment", p.startsSegment());
      m.put("ends_segment", p.endsSegment());
      pieces.add(m);
    }
    assertThat(pieces).isEqualTo(expected.get("pieces"));
    assertThat(PackageReport.time(r.from().orElseThrow())).isEqualTo(expected.get("from"));
    assertThat(PackageReport.time(r.to().orElseThrow())).isEqualTo(expected.get("to"));
    assertThat(r.fromSeconds().orElseThrow().toPlainString()).isEqualTo(expected.get("from_seconds"));
    assertThat(r.toSeconds().orElseThrow().toPlainString()).isEqualTo(expected.get("to_seconds"));
    assertThat(r.startsRecording()).isEqualTo(expected.get("starts_recording"));
    assertThat(r.endsRecording()).isEqualTo(expected.get("ends_recording"));
    assertThat(r.recipientKeyId()).contains((String) expected.get("recipient_key_id"));
    assertThat(r.description()).isEqualTo(expected.get("description"));
  }

  @Test
  void itsRecipientDecryptsTheMp4AndNoOtherKeyDoes() throws Exception {
    byte[] pkg = Files.readAllBytes(DIR.resolve("excerpt.cpkg"));
    PackageReport[] report = new PackageReport[1];
    byte[] mp4 = decrypt(pkg, Optional.of(RecipientPrivateKey.fromPem(Files.readString(DIR.resolve("recipient.key")))),
        report);
    assertThat(report[0].ok()).isTrue();
    assertThat(mp4).isEqualTo(Files.readAllBytes(DIR.resolve("excerpt.mp4")));
    // the segments' own recipient (the force) is not the package's
    RecipientPrivateKey force = RecipientPrivateKey.fromPem(Files.readString(DIR.resolve("../recipient.key")));
    assertThatThrownBy(() -> decrypt(pkg, Optional.of(force), report)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not for key");
    assertThatThrownBy(() -> decrypt(pkg, Optional.empty(), report)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("private key is needed");
  }

  @Test
  void aChangedByteInARecordIsRefusedAndLocated() throws Exception {
    byte[] pkg = Files.readAllBytes(DIR.resolve("excerpt.cpkg"));
    int located = 0;
    for (int at = pkg.length / 2; at < pkg.length / 2 + 64; at++) {
      byte[] bad = pkg.clone();
      bad[at] ^= 0x08;
      PackageReport r = new PackageVerifier(device()).verify(new ByteArrayInputStream(bad));
      assertThat(r.ok()).as("a changed byte at %d", at).isFalse();
      if (r.problem().orElseThrow().record() >= 0) {
        located++;
        assertThat(r.problem().orElseThrow().toString()).startsWith("piece ");
      }
    }
    assertThat(located).as("changes located at a record").isGreaterThan(32);
  }

  @Test
  void aHeaderNamingAnotherSuiteThanTheKeysIsRefusedBeforeItsSignature() throws Exception {
    byte[] pkg = Files.readAllBytes(DIR.resolve("excerpt.cpkg"));
    // a byte for a char: the first piece's segment header is where its magic first appears
    int header = new String(pkg, StandardCharsets.ISO_8859_1).indexOf(new String(SealFormat.MAGIC, StandardCharsets.ISO_8859_1));
    assertThat(header).as("the first piece's segment header").isPositive();
    assertThat(pkg[header + 11]).as("suite 1, Ed25519, as the vector's device key").isEqualTo((byte) 1);
    byte[] bad = pkg.clone();
    bad[header + 11] = 2; // ECDSA P-256: a suite the format knows, but not the key's
    PackageReport r = new PackageVerifier(device()).verify(new ByteArrayInputStream(bad));
    assertThat(r.ok()).isFalse();
    PackageReport.Problem p = r.problem().orElseThrow();
    assertThat(p.check()).isEqualTo("suite");
    assertThat(p.message()).contains("suite 2", "signs ed25519");
  }
}
