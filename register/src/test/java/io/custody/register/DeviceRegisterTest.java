package io.custody.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.DeviceSigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceRegisterTest {
  static final Instant T0 = Instant.parse("2026-01-01T08:00:00Z");
  final RegisterKey key = RegisterKey.generate();
  final DevicePublicKey cam1 = DeviceSigningKey.generate().publicKey();
  final DevicePublicKey cam2 = DeviceSigningKey.generate().publicKey();

  /** init; add two cameras; assign one twice; revoke it: four versions. */
  List<String> history() {
    List<String> lines = new ArrayList<>(List.of(DeviceRegister.init(key, T0)));
    lines.add(read(lines).update(T0.plusSeconds(60))
        .add(cam1, "BWC-0001", Optional.of("Axon Body 4"), T0)
        .add(cam2, "BWC-0002", Optional.empty(), T0.plusSeconds(3600)).sign(key));
    lines.add(read(lines).update(T0.plusSeconds(120)).assign(cam1.keyIdHex(), "PC 1234", T0.plusSeconds(600))
        .sign(key));
    lines.add(read(lines).update(T0.plusSeconds(180)).assign(cam1.keyIdHex(), "PC 5678", T0.plusSeconds(86_400))
        .sign(key));
    lines.add(read(lines).update(T0.plusSeconds(240))
        .revoke(cam1.keyIdHex(), T0.plusSeconds(2 * 86_400), RevocationReason.STOLEN).sign(key));
    return lines;
  }

  DeviceRegister read(List<String> lines) {
    return DeviceRegister.read(lines, key.publicKey());
  }

  @Test
  void aRegisterGrowsVersionByVersionAndReadsBackItsDevices() {
    DeviceRegister empty = read(List.of(DeviceRegister.init(key, T0)));
    assertThat(empty.version()).isZero();
    assertThat(empty.devices()).isEmpty();
    DeviceRegister r = read(history());
    assertThat(r.version()).isEqualTo(4);
    assertThat(r.updated()).isEqualTo(T0.plusSeconds(240));
    assertThat(r.registerKeyId()).isEqualTo(key.publicKey().keyIdHex());
    assertThat(r.headSha256()).hasSize(64);
    assertThat(DeviceRegister.readTrustingStoredKey(history()).registerKeyId()).isEqualTo(r.registerKeyId());
    Device d = r.device(cam1.keyIdHex()).orElseThrow();
    assertThat(d.serial()).isEqualTo("BWC-0001");
    assertThat(d.model()).contains("Axon Body 4");
    assertThat(d.publicKey()).isEqualTo(cam1);
    assertThat(d.suite()).isEqualTo("ed25519");
    assertThat(d.assignments()).extracting(Assignment::officer).containsExactly("PC 1234", "PC 5678");
    assertThat(d.revocation()).contains(new Revocation(T0.plusSeconds(2 * 86_400), RevocationReason.STOLEN));
    assertThat(r.device(cam2.keyIdHex()).orElseThrow().model()).isEmpty();
    assertThat(r.devices()).extracting(Device::serial).containsExactly("BWC-0001", "BWC-0002");
  }

  @Test
  void verdictsRestOnTheTimeClaimedAndTheTimeOfArrival() {
    DeviceRegister r = read(history());
    String k1 = cam1.keyIdHex();
    Finding ok = r.check(k1, T0.plusSeconds(3600), Optional.of(T0.plusSeconds(7200)));
    assertThat(ok.verdict()).isEqualTo(Verdict.TRUSTED);
    assertThat(ok.trusted()).isTrue();
    assertThat(ok.officer()).contains("PC 1234");
    assertThat(r.check(k1, T0.plusSeconds(90_000), Optional.empty()).officer()).contains("PC 5678");
    assertThat(r.check(k1, T0.plusSeconds(60), Optional.empty()).officer()).isEmpty();
    Finding unknown = r.check(DeviceSigningKey.generate().publicKey().keyIdHex(), T0, Optional.empty());
    assertThat(unknown.verdict()).isEqualTo(Verdict.UNKNOWN_KEY);
    assertThat(unknown.explanation()).contains("never issued");
    Finding after = r.check(k1, T0.plusSeconds(3 * 86_400), Optional.empty());
    assertThat(after.verdict()).isEqualTo(Verdict.SIGNED_AFTER_REVOCATION);
    assertThat(after.explanation()).contains("2026-01-04T08:00:00.000Z").contains("2026-01-03T08:00:00.000Z")
        .contains("stolen");
    // a thief sets the camera's clock back: the claimed time is before the revocation, the arrival after
    Finding backdated = r.check(k1, T0.plusSeconds(86_400), Optional.of(T0.plusSeconds(5 * 86_400)));
    assertThat(backdated.verdict()).isEqualTo(Verdict.SIGNED_AFTER_REVOCATION);
    assertThat(backdated.explanation()).contains("claims to be sealed").contains("reached the force at");
    assertThat(r.check(k1, T0.plusSeconds(86_400), Optional.of(T0.plusSeconds(86_400 + 60))).verdict())
        .isEqualTo(Verdict.TRUSTED);
    Finding early = r.check(cam2.keyIdHex(), T0, Optional.empty());
    assertThat(early.verdict()).isEqualTo(Verdict.OUTSIDE_VALIDITY);
    assertThat(r.check(cam2.keyIdHex(), T0.plusSeconds(3600), Optional.empty()).verdict()).isEqualTo(Verdict.TRUSTED);
  }

  /** A P-256 register key signs a register of P-256 and Ed25519 cameras. */
  @Test
  void bothSuitesAreRegisteredAndSign() {
    RegisterKey p256 = RegisterKey.generate(io.custody.crypto.SignatureSuite.P256);
    DevicePublicKey cam = DeviceSigningKey.generate(io.custody.crypto.SignatureSuite.P256).publicKey();
    List<String> lines = new ArrayList<>(List.of(DeviceRegister.init(p256, T0)));
    lines.add(DeviceRegister.read(lines, p256.publicKey()).update(T0).add(cam, "TPM-1", Optional.empty(), T0)
        .add(cam1, "BWC-0001", Optional.empty(), T0).sign(p256));
    DeviceRegister r = DeviceRegister.read(lines, RegisterPublicKey.fromPem(p256.publicKey().toPem()));
    assertThat(r.device(cam.keyIdHex()).orElseThrow().suite()).isEqualTo("p256");
    assertThat(r.device(cam1.keyIdHex()).orElseThrow().suite()).isEqualTo("ed25519");
    assertThat(RegisterKey.fromPem(p256.toPem()).publicKey()).isEqualTo(p256.publicKey());
    List<String> tampered = new ArrayList<>(lines);
    tampered.set(1, tampered.get(1).replace("TPM-1", "TPM-2"));
    assertThatThrownBy(() -> DeviceRegister.read(tampered, p256.publicKey())).isInstanceOf(RegisterFormatException.class)
        .hasMessageContaining("signature does not hold");
  }

  @Test
  void changesThatDoNotApplyAreRefusedBeforeAnythingIsSigned() {
    DeviceRegister r = read(history());
    Instant t = T0.plusSeconds(300);
    assertThatThrownBy(() -> r.update(t).add(cam1, "again", Optional.empty(), t))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already in the register");
    String stranger = DeviceSigningKey.generate().publicKey().keyIdHex();
    assertThatThrownBy(() -> r.update(t).assign(stranger, "PC 1", t))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not in the register");
    assertThatThrownBy(() -> r.update(t).assign(cam1.keyIdHex(), "PC 1", t))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was revoked (stolen)");
    assertThatThrownBy(() -> r.update(t).revoke(cam1.keyIdHex(), t, RevocationReason.LOST))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was revoked");
    assertThatThrownBy(() -> r.update(t).assign(cam2.keyIdHex(), "PC 1", T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before it was valid");
    assertThatThrownBy(() -> r.update(T0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.update(t).sign(key)).isInstanceOf(IllegalStateException.class);
    RegisterKey other = RegisterKey.generate();
    Instant later = T0.plusSeconds(7200);
    assertThatThrownBy(() -> r.update(later).assign(cam2.keyIdHex(), "PC 1", later).sign(other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signed by register key");
    assertThatThrownBy(() -> RevocationReason.parse("misplaced")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rewritingHistoryIsDetected() {
    List<String> good = history();
    // an assignment removed from an older version, its signature left as it was
    List<String> edited = new ArrayList<>(good);
    edited.set(2, edited.get(2).replace("PC 1234", "PC 9999"));
    assertThatThrownBy(() -> read(edited)).isInstanceOf(RegisterFormatException.class)
        .hasMessageContaining("version 2's signature does not hold");
    // the same, re-signed by whoever holds the register key: the next version still names the old one
    DeviceRegister upTo1 = read(good.subList(0, 2));
    List<String> resigned = new ArrayList<>(good);
    resigned.set(2, upTo1.update(T0.plusSeconds(120)).assign(cam1.keyIdHex(), "PC 9999", T0.plusSeconds(600))
        .sign(key));
    assertThatThrownBy(() -> read(resigned)).isInstanceOf(RegisterFormatException.class)
        .hasMessageContaining("version 3 names").hasMessageContaining("an earlier version was altered");
    // a version removed, or two swapped
    List<String> removed = new ArrayList<>(good);
    removed.remove(2);
    assertThatThrownBy(() -> read(removed)).isInstanceOf(RegisterFormatException.class)
        .hasMessageContaining("line 2 holds version 3");
    List<String> swapped = new ArrayList<>(good);
    swapped.set(2, good.get(3));
    swapped.set(3, good.get(2));
    assertThatThrownBy(() -> read(swapped)).isInstanceOf(RegisterFormatException.class);
    // another register key
    assertThatThrownBy(() -> DeviceRegister.read(good, RegisterKey.generate().publicKey()))
        .isInstanceOf(RegisterFormatException.class).hasMessageContaining("not by the key given");
    assertThatThrownBy(() -> read(List.of())).isInstanceOf(RegisterFormatException.class)
        .hasMessageContaining("no version 0");
  }

  /** Every byte change, cut or garbage is a RegisterFormatException (or a register that still holds), never another. */
  @Test
  void hostileRegistersGiveATypedRefusal() {
    List<String> good = history();
    String text = String.join("\n", good);
    Random random = new Random(18);
    for (int i = 0; i < 2000; i++) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      String mutated = new String(b, StandardCharsets.UTF_8);
      if (random.nextInt(4) == 0) {
        mutated = mutated.substring(0, random.nextInt(mutated.length()));
      }
      List<String> lines = List.of(mutated.split("\n", -1));
      try {
        DeviceRegister r = read(lines);
        assertThat(r.lines()).isEqualTo(lines);
      } catch (RegisterFormatException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
