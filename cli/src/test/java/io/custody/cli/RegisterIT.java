package io.custody.cli;

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
 * {@code custody register} and {@code custody verify --register}, as a force would run them: a
 * register of issued cameras, recordings judged by it, a revocation that flags what is signed or
 * arrives after it, and registers that do not hold refused with a clear message.
 */
class RegisterIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Path clip;
  static Path cam1;
  static Path cam2;
  static Path registerKeys;
  static Path register;

  static EvidenceCommandsIT.Result run(String... args) {
    return EvidenceCommandsIT.run(args);
  }

  static EvidenceCommandsIT.Result ok(String... args) {
    EvidenceCommandsIT.Result r = run(args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r;
  }

  @BeforeAll
  static void keysAndRegister() throws Exception {
    clip = DisclosureIT.clip(dir, "clip.h264", 3);
    cam1 = dir.resolve("cam1");
    cam2 = dir.resolve("cam2");
    registerKeys = dir.resolve("register-keys");
    ok("keys", "init", "--out", cam1.toString());
    ok("keys", "init", "--out", cam2.toString());
    ok("keys", "init", "--register", "--out", registerKeys.toString());
    assertThat(Files.exists(registerKeys.resolve("register.pub"))).isTrue();
    register = dir.resolve("register.txt");
    ok("register", "init", "--register-key", key(), register.toString());
    assertThat(run("register", "init", "--register-key", key(), register.toString()).exit())
        .as("never replaced").isEqualTo(Main.BAD_INPUT);
    ok("register", "add", "--register-key", key(), "--device-pub", cam1.resolve("device.pub").toString(),
        "--serial", "BWC-0001", "--model", "Axon Body 4", "--from", "2026-01-01", register.toString());
    ok("register", "assign", "--register-key", key(), "--key-id", keyIdOf(cam1), "--officer", "PC 1234", "--from",
        "2026-01-02T08:00:00+01:00", register.toString());
  }

  static String key() {
    return registerKeys.resolve("register.key").toString();
  }

  static String pub() {
    return registerKeys.resolve("register.pub").toString();
  }

  /** The key id as keys init printed it for the device key in {@code cam}. */
  static String keyIdOf(Path cam) throws Exception {
    return io.custody.crypto.DevicePublicKey.fromPem(Files.readString(cam.resolve("device.pub"))).keyIdHex();
  }

  static String keyIdOfRegister() throws Exception {
    return io.custody.register.RegisterPublicKey.fromPem(Files.readString(Path.of(pub()))).keyIdHex();
  }

  static String[] exportArgs(String ref, String... more) {
    List<String> a = new ArrayList<>(List.of("export", "--key", cam1.resolve("recipient.key").toString(),
        "--device-pub", cam1.resolve("device.pub").toString(), "--register", register.toString(), "--register-pub",
        pub()));
    a.addAll(List.of(more));
    a.add(ref);
    return a.toArray(new String[0]);
  }

  static String record(Path cam, Path store) throws Exception {
    EvidenceCommandsIT.Result rec = ok("record", "--input", clip.toString(), "--pre-event", "30", "--trigger-at", "0",
        "--device-key", cam.resolve("device.key").toString(), "--recipient", cam.resolve("recipient.pub").toString(),
        "--store", "file:" + store, "--json");
    return "file:" + store + "#" + JSON.readTree(rec.out()).get("recording").asText();
  }

  static EvidenceCommandsIT.Result verify(Path cam, String ref, String... more) {
    List<String> a = new ArrayList<>(List.of("verify", "--device-pub", cam.resolve("device.pub").toString(),
        "--register", register.toString(), "--register-pub", pub()));
    a.addAll(List.of(more));
    a.add(ref);
    return run(a.toArray(new String[0]));
  }

  @Test
  void aCameraIsTrustedUntilItIsRevokedAndWhatComesAfterIsFlagged() throws Exception {
    String before = record(cam1, dir.resolve("store-before"));
    // recorded before the revocation, uploaded after it: the device cannot set when it arrived
    Path spool = dir.resolve("late-spool");
    String late = record(cam1, spool);
    EvidenceCommandsIT.Result v = verify(cam1, before, "--json");
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    JsonNode seg = JSON.readTree(v.out()).at("/recordings/0/segment_reports/0/register");
    assertThat(seg.get("verdict").asText()).isEqualTo("TRUSTED");
    assertThat(seg.get("serial").asText()).isEqualTo("BWC-0001");
    assertThat(seg.get("officer").asText()).isEqualTo("PC 1234");
    // exports carry the verdict: the JSON, the C2PA Custody assertion, and a package verified with the register
    ok("keys", "ca", "--out", dir.resolve("ca").toString(), "--name", "Example Police");
    ok("keys", "export-cert", "--ca", dir.resolve("ca").toString(), "--out", dir.resolve("export").toString());
    Path mp4 = dir.resolve("before.mp4");
    ok(exportArgs(before, "--c2pa", "--c2pa-cert", dir.resolve("export/export.pem").toString(), "--c2pa-key",
        dir.resolve("export/export.key").toString(), "-o", mp4.toString()));
    JsonNode exported = JSON.readTree(Files.readString(dir.resolve("before.json")));
    assertThat(exported.at("/register/segments/0/verdict").asText()).isEqualTo("TRUSTED");
    assertThat(exported.at("/register/register_key_id").asText()).isEqualTo(keyIdOfRegister());
    JsonNode manifest = JSON.readTree(ok("inspect", "--c2pa", "--json", mp4.toString()).out());
    assertThat(manifest.at("/assertions/io.custody.evidence/register/segments/0/officer").asText())
        .isEqualTo("PC 1234");
    Path pkg = dir.resolve("before.cpkg");
    ok(exportArgs(before, "--from", "0", "--to", "1", "--package", pkg.toString(), "--open"));
    assertThat(ok("verify", "--device-pub", cam1.resolve("device.pub").toString(), "--register", register.toString(),
        "--register-pub", pub(), pkg.toString()).out()).contains("register: TRUSTED");
    JsonNode described = JSON.readTree(ok("verify", "--json", "--device-pub", cam1.resolve("device.pub").toString(),
        pkg.toString()).out()).get("description");
    assertThat(described.at("/register/verdict").asText()).as("the exporter's word, in the package").isEqualTo("TRUSTED");
    Thread.sleep(20);
    ok("register", "revoke", "--register-key", key(), "--key-id", keyIdOf(cam1), "--at", Instant.now().toString(),
        "--reason", "stolen", register.toString());
    Thread.sleep(20);
    // still trusted: signed and arrived before the revocation
    assertThat(verify(cam1, before).exit()).isZero();
    // signed after it
    String after = record(cam1, dir.resolve("store-after"));
    v = verify(cam1, after);
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.out()).contains("SIGNED_AFTER_REVOCATION").contains("after its key was revoked (stolen)")
        .contains("NOT verified evidence");
    // nothing it signed after the revocation is exported, and nothing is left behind
    EvidenceCommandsIT.Result refused = run(exportArgs(after, "-o", dir.resolve("after.mp4").toString()));
    assertThat(refused.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(refused.err()).contains("not exported: the register does not trust the key");
    refused = run(exportArgs(after, "--from", "0", "--to", "1", "--package", dir.resolve("after.cpkg").toString(),
        "--open"));
    assertThat(refused.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(dir.resolve("after.mp4")).doesNotExist();
    assertThat(dir.resolve("after.json")).doesNotExist();
    assertThat(dir.resolve("after.cpkg")).doesNotExist();
    // claims a time before it, but reached the force's store (the INGESTED entry of the ledger) after it
    EvidenceCommandsIT.TestLedger ledger = EvidenceCommandsIT.newLedger(dir, "ledger");
    Path force = dir.resolve("force-store");
    String[] l = ledger.options("dock-7").toArray(new String[0]);
    List<String> up = new ArrayList<>(List.of("upload"));
    up.addAll(List.of(l));
    up.addAll(List.of(late, "file:" + force));
    ok(up.toArray(new String[0]));
    String id = late.substring(late.indexOf('#') + 1);
    v = verify(cam1, "file:" + force + "#" + id, l[0], l[1], l[2], l[3], l[4], l[5], "--json");
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    JsonNode r = JSON.readTree(v.out()).at("/recordings/0");
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(r.at("/segment_reports/0/register/verdict").asText()).isEqualTo("SIGNED_AFTER_REVOCATION");
    assertThat(r.at("/segment_reports/0/register/explanation").asText()).contains("claims to be sealed")
        .contains("reached the force at");
    assertThat(r.get("register_problem").asText()).contains("SIGNED_AFTER_REVOCATION");
    // the register shows it all
    JsonNode shown = JSON.readTree(ok("register", "show", "--json", register.toString()).out());
    JsonNode d = shown.at("/devices/0");
    assertThat(d.get("serial").asText()).isEqualTo("BWC-0001");
    assertThat(d.get("model").asText()).isEqualTo("Axon Body 4");
    assertThat(d.get("valid_from").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
    assertThat(d.get("revocation_reason").asText()).isEqualTo("stolen");
    assertThat(d.at("/assignments/0/from").asText()).isEqualTo("2026-01-02T07:00:00.000Z");
    assertThat(shown.get("version").asLong()).isEqualTo(3);
  }

  @Test
  void aKeyTheForceNeverIssuedIsNotVerifiedEvidence() throws Exception {
    String ref = record(cam2, dir.resolve("store-unknown"));
    assertThat(run("verify", "--device-pub", cam2.resolve("device.pub").toString(), ref).exit()).isZero();
    EvidenceCommandsIT.Result v = verify(cam2, ref);
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.out()).contains("UNKNOWN_KEY").contains("never issued");
  }

  @Test
  void registersThatDoNotHoldAreRefusedWithAClearMessage() throws Exception {
    String ref = record(cam1, dir.resolve("store-tamper"));
    List<String> lines = new ArrayList<>(Files.readAllLines(register, StandardCharsets.UTF_8));
    assertThat(lines.size()).isGreaterThanOrEqualTo(3);
    // an older version removed
    Path cut = dir.resolve("cut.txt");
    List<String> fewer = new ArrayList<>(lines);
    fewer.remove(1);
    Files.write(cut, fewer, StandardCharsets.UTF_8);
    EvidenceCommandsIT.Result v = run("register", "verify", "--register-pub", pub(), cut.toString());
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.err()).contains("line 1 holds version 2: versions were removed or reordered");
    v = run("verify", "--device-pub", cam1.resolve("device.pub").toString(), "--register", cut.toString(),
        "--register-pub", pub(), ref);
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.err()).contains("versions were removed");
    // an entry changed in an older version
    Path edited = dir.resolve("edited.txt");
    List<String> changed = new ArrayList<>(lines);
    changed.set(1, changed.get(1).replace("BWC-0001", "BWC-0666"));
    Files.write(edited, changed, StandardCharsets.UTF_8);
    v = run("register", "verify", "--register-pub", pub(), edited.toString());
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.err()).contains("version 1's signature does not hold");
    // signed by another key
    Path otherKeys = dir.resolve("other-register-keys");
    ok("keys", "init", "--register", "--out", otherKeys.toString());
    v = run("register", "verify", "--register-pub", otherKeys.resolve("register.pub").toString(), register.toString());
    assertThat(v.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(v.err()).contains("not by the key given");
    assertThat(run("register", "add", "--register-key", otherKeys.resolve("register.key").toString(), "--device-pub",
        cam2.resolve("device.pub").toString(), "--serial", "X", register.toString()).exit()).isEqualTo(Main.BAD_INPUT);
    // the good one holds
    assertThat(ok("register", "verify", "--register-pub", pub(), register.toString()).out()).contains("holds");
  }

  @Test
  void aRegisterKeptInAStoreWorksTheSame() throws Exception {
    String store = "file:" + dir.resolve("register-store");
    ok("register", "init", "--register-key", key(), store);
    ok("register", "add", "--register-key", key(), "--device-pub", cam2.resolve("device.pub").toString(), "--serial",
        "BWC-0002", "--from", "2026-01-01T00:00:00Z", store);
    assertThat(Files.exists(dir.resolve("register-store/register/000000000001"))).isTrue();
    assertThat(ok("register", "verify", "--register-pub", pub(), store).out()).contains("2 version(s), 1 device key(s)");
    assertThat(ok("register", "show", store).out()).contains("camera BWC-0002");
    String ref = record(cam2, dir.resolve("store-2"));
    EvidenceCommandsIT.Result v = run("verify", "--device-pub", cam2.resolve("device.pub").toString(), "--register",
        store, "--register-pub", pub(), ref);
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    assertThat(v.out()).contains("register: TRUSTED: camera BWC-0002, assigned to no one");
    assertThat(run("register", "assign", "--register-key", key(), "--key-id", "00".repeat(32), "--officer", "PC 1",
        "--from", "2026-02-01", store).err()).contains("is not in the register");
  }
}
