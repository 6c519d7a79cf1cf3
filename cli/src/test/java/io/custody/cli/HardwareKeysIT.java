package io.custody.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.SignatureSuite;
import io.custody.pkcs11.SoftHsm;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 19, keys in hardware, through the command line: a camera whose key lives in a SoftHSM2
 * token is provisioned ({@code keys init --pkcs11}), records as a process that is killed with
 * SIGKILL mid-stream, is recovered through the token, verifies, and its footage is exported and
 * disclosed with a back-office key that lives in a token too; in both signature suites, and with
 * P-256 keys in files.
 */
class HardwareKeysIT {
  @TempDir static Path dir;
  static byte[] stream;
  static List<String> sourceFrames;
  static Path pinFile;
  static String module;

  @BeforeAll
  static void setUp() throws Exception {
    SoftHsm.ensureToken();
    module = SoftHsm.MODULE.toString();
    pinFile = dir.resolve("pin");
    Files.writeString(pinFile, SoftHsm.PIN + "\n", US_ASCII);
    byte[] clip = Files.readAllBytes(EvidenceCommandsIT.CLIPS.resolve("bwc-720p30-baseline.h264"));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 4; i++) {
      all.writeBytes(clip); // 16 s, a keyframe every second
    }
    stream = all.toByteArray();
    Files.write(dir.resolve("source.h264"), stream);
    sourceFrames = EvidenceCommandsIT.frameMd5(dir.resolve("source.h264"));
  }

  /** {@code args} with the token's module and PIN file added. */
  static EvidenceCommandsIT.Result token(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    // After the command's name: "keys init", "register add", or "record", "recover", "export", "inspect".
    a.addAll(args[0].equals("keys") || args[0].equals("register") ? 2 : 1,
        List.of("--pkcs11-module", module, "--pin-file", pinFile.toString()));
    return EvidenceCommandsIT.run(a.toArray(new String[0]));
  }

  @ParameterizedTest
  @EnumSource(SignatureSuite.class)
  void aCameraWhoseKeyIsInATokenRecordsCrashesRecoversAndItsFootageIsDisclosed(SignatureSuite suite) throws Exception {
    Path keys = dir.resolve("camera-" + suite.id());
    Path office = dir.resolve("office-" + suite.id());
    String device = "pkcs11:token=" + SoftHsm.TOKEN + ";object=" + SoftHsm.label("camera-" + suite.id());
    String recipient = "pkcs11:token=" + SoftHsm.TOKEN + ";object=" + SoftHsm.label("office");

    // Provisioning: the keys are made in the token; only the public keys are written.
    EvidenceCommandsIT.Result init = token("keys", "init", "--pkcs11", device, "--suite", suite.id(), "--out", keys.toString());
    assertThat(init.exit()).as(init.err()).isZero();
    DevicePublicKey pub = DevicePublicKey.fromPem(Files.readString(keys.resolve("device.pub")));
    assertThat(pub.suite()).isEqualTo(suite);
    assertThat(init.out()).contains("device key " + pub.keyIdHex());
    try (Stream<Path> files = Files.list(keys)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("device.pub");
    }
    EvidenceCommandsIT.Result initOffice = token("keys", "init", "--pkcs11", recipient, "--recipient", "--out", office.toString());
    assertThat(initOffice.exit()).as(initOffice.err()).isZero();
    assertThat(office.resolve("recipient.pub")).exists();
    assertThat(office.resolve("recipient.key")).doesNotExist();
    // The same label again is refused: a key in a token is never replaced.
    EvidenceCommandsIT.Result again = token("keys", "init", "--pkcs11", device, "--out", dir.resolve("again-" + suite.id()).toString());
    assertThat(again.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(again.err()).contains("never overwritten");

    // Recording, as a process with the module and PIN in its environment, killed mid-stream.
    Path store = dir.resolve("evidence-" + suite.id());
    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
        "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "record", "--input", "-", "--pre-event", "0",
        "--trigger-at", "0", "--segment", "2", "--device-key", device, "--recipient",
        office.resolve("recipient.pub").toString(), "--store", "file:" + store));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(dir.resolve("record-" + suite.id() + ".err").toFile());
    Map<String, String> env = builder.environment();
    env.put("CUSTODY_PKCS11_MODULE", module);
    env.put("CUSTODY_PKCS11_PIN", SoftHsm.PIN);
    Process p = builder.start();
    try (OutputStream pipe = p.getOutputStream()) {
      int cut = stream.length * 5 / 8; // 10 s of 16: five closed segments and one being written
      for (int pos = 0; pos < cut; pos += 32 * 1024) {
        pipe.write(stream, pos, Math.min(32 * 1024, cut - pos));
        pipe.flush();
        Thread.sleep(5);
      }
      Thread.sleep(1500);
      assertThat(p.isAlive()).as("record is still waiting for input: %s",
          Files.readString(dir.resolve("record-" + suite.id() + ".err"))).isTrue();
      p.destroyForcibly(); // SIGKILL, mid-recording
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try (Stream<Path> s = Files.walk(store)) {
      assertThat(s.filter(f -> f.getFileName().toString().endsWith(".sealed.part")).count())
          .as("the segment being written was left unfinished").isEqualTo(1);
    }

    // Recovery signs the closing manifest through the token.
    EvidenceCommandsIT.Result rec = token("recover", "--device-key", device, "file:" + store);
    assertThat(rec.exit()).as(rec.err()).isZero();
    assertThat(rec.out()).contains("recovered with");
    EvidenceCommandsIT.Result ver = EvidenceCommandsIT.run("verify", "--device-pub", keys.resolve("device.pub").toString(),
        "file:" + store);
    assertThat(ver.exit()).as(ver.out() + ver.err()).isZero();
    // Another device's key (the office's camera of the other suite would do) does not verify it.
    Path stranger = dir.resolve("stranger-" + suite.id());
    assertThat(EvidenceCommandsIT.run("keys", "init", "--suite", suite.id(), "--out", stranger.toString()).exit()).isZero();
    assertThat(EvidenceCommandsIT.run("verify", "--device-pub", stranger.resolve("device.pub").toString(),
        "file:" + store).exit()).isEqualTo(Main.BAD_INPUT);

    // The force's register, its key in the token too: the camera is added and issued; the footage is
    // uploaded and verified by it; the camera is revoked; what it records afterwards is flagged.
    Path regKeys = dir.resolve("register-keys-" + suite.id());
    String registerKey = "pkcs11:token=" + SoftHsm.TOKEN + ";object=" + SoftHsm.label("register-" + suite.id());
    EvidenceCommandsIT.Result regInit = token("keys", "init", "--register", "--pkcs11", registerKey, "--suite",
        suite.id(), "--out", regKeys.toString());
    assertThat(regInit.exit()).as(regInit.err()).isZero();
    assertThat(regKeys.resolve("register.key")).doesNotExist();
    String register = dir.resolve("register-" + suite.id() + ".txt").toString();
    for (String[] change : List.of(new String[] {"register", "init"},
        new String[] {"register", "add", "--device-pub", keys.resolve("device.pub").toString(), "--serial",
            "BWC-" + suite.id(), "--from", "2026-01-01"},
        new String[] {"register", "assign", "--key-id", pub.keyIdHex(), "--officer", "PC 1234", "--from",
            "2026-01-01"})) {
      List<String> a = new ArrayList<>(List.of(change));
      a.addAll(List.of("--register-key", registerKey, register));
      EvidenceCommandsIT.Result r = token(a.toArray(new String[0]));
      assertThat(r.exit()).as(r.err()).isZero();
    }
    Path force = dir.resolve("force-" + suite.id());
    EvidenceCommandsIT.Result up = EvidenceCommandsIT.run("upload", "file:" + store, "file:" + force);
    assertThat(up.exit()).as(up.err()).isZero();
    String[] byRegister = {"verify", "--device-pub", keys.resolve("device.pub").toString(), "--register", register,
        "--register-pub", regKeys.resolve("register.pub").toString(), "file:" + force};
    EvidenceCommandsIT.Result trusted = EvidenceCommandsIT.run(byRegister);
    assertThat(trusted.exit()).as(trusted.out() + trusted.err()).isZero();
    assertThat(trusted.out()).contains("register: TRUSTED: camera BWC-" + suite.id() + ", assigned to PC 1234");
    Thread.sleep(20);
    EvidenceCommandsIT.Result revoke = token("register", "revoke", "--register-key", registerKey, "--key-id",
        pub.keyIdHex(), "--at", java.time.Instant.now().toString(), "--reason", "stolen", register);
    assertThat(revoke.exit()).as(revoke.err()).isZero();
    Thread.sleep(20);
    EvidenceCommandsIT.Result later = token("record", "--input", dir.resolve("source.h264").toString(), "--pre-event",
        "0", "--trigger-at", "0", "--segment", "4", "--device-key", device, "--recipient",
        office.resolve("recipient.pub").toString(), "--store", "file:" + dir.resolve("after-" + suite.id()));
    assertThat(later.exit()).as(later.err()).isZero();
    assertThat(EvidenceCommandsIT.run("upload", "file:" + dir.resolve("after-" + suite.id()), "file:" + force).exit())
        .isZero();
    EvidenceCommandsIT.Result flagged = EvidenceCommandsIT.run(byRegister);
    assertThat(flagged.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(flagged.out()).contains("SIGNED_AFTER_REVOCATION").contains("NOT verified evidence");
    assertThat(flagged.out().lines().filter(l -> l.contains("register: TRUSTED")).count())
        .as("the recording made before the revocation is still trusted").isPositive();

    // Export with the office's key in its token: frame-exact with the source up to the kill.
    Path mp4 = dir.resolve("export-" + suite.id() + ".mp4");
    EvidenceCommandsIT.Result exp = token("export", "--key", recipient, "--device-pub",
        keys.resolve("device.pub").toString(), "-o", mp4.toString(), "file:" + store);
    assertThat(exp.exit()).as(exp.err()).isZero();
    List<String> frames = EvidenceCommandsIT.frameMd5(mp4);
    assertThat(frames.size()).isGreaterThanOrEqualTo(8 * 30);
    assertThat(frames).isEqualTo(sourceFrames.subList(0, frames.size()));

    // Inspect decrypts stream facts with the token's key too.
    EvidenceCommandsIT.Result inspect = token("inspect", "--device-pub", keys.resolve("device.pub").toString(), "--key",
        recipient, "--json", "file:" + store);
    assertThat(inspect.exit()).as(inspect.err()).isZero();

    // An excerpt disclosed to a court, whose key is a file: verified, and opened only by it.
    Path court = dir.resolve("court-" + suite.id());
    assertThat(EvidenceCommandsIT.run("keys", "init", "--out", court.toString()).exit()).isZero();
    Path pkg = dir.resolve("excerpt-" + suite.id() + ".cpkg");
    EvidenceCommandsIT.Result disclose = token("export", "--key", recipient, "--device-pub",
        keys.resolve("device.pub").toString(), "--from", "2.5", "--to", "4.5", "--package", pkg.toString(),
        "--to-recipient", court.resolve("recipient.pub").toString(), "file:" + store);
    assertThat(disclose.exit()).as(disclose.err()).isZero();
    EvidenceCommandsIT.Result pv = EvidenceCommandsIT.run("verify", "--device-pub", keys.resolve("device.pub").toString(),
        pkg.toString());
    assertThat(pv.exit()).as(pv.out()).isZero();
    Path excerpt = dir.resolve("excerpt-" + suite.id() + ".mp4");
    EvidenceCommandsIT.Result open = EvidenceCommandsIT.run("export", "--key", court.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString(), "-o", excerpt.toString(), pkg.toString());
    assertThat(open.exit()).as(open.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(excerpt)).isEqualTo(sourceFrames.subList(2 * 30, 5 * 30));
  }

  @Test
  void p256KeysInFilesRecordVerifyExportAndDisclose() throws Exception {
    Path keys = dir.resolve("p256-files");
    EvidenceCommandsIT.Result init = EvidenceCommandsIT.run("keys", "init", "--suite", "p256", "--out", keys.toString());
    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(Files.readString(keys.resolve("device.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(DevicePublicKey.fromPem(Files.readString(keys.resolve("device.pub"))).suite()).isEqualTo(SignatureSuite.P256);
    Path store = dir.resolve("p256-evidence");
    EvidenceCommandsIT.Result rec = EvidenceCommandsIT.run("record", "--input", dir.resolve("source.h264").toString(),
        "--pre-event", "0", "--trigger-at", "0", "--segment", "4", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store);
    assertThat(rec.exit()).as(rec.err()).isZero();
    EvidenceCommandsIT.Result ver = EvidenceCommandsIT.run("verify", "--device-pub", keys.resolve("device.pub").toString(),
        "file:" + store);
    assertThat(ver.exit()).as(ver.out()).isZero();
    Path mp4 = dir.resolve("p256.mp4");
    EvidenceCommandsIT.Result exp = EvidenceCommandsIT.run("export", "--key", keys.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString(), "-o", mp4.toString(), "file:" + store);
    assertThat(exp.exit()).as(exp.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(mp4)).isEqualTo(sourceFrames);
    Path pkg = dir.resolve("p256.cpkg");
    EvidenceCommandsIT.Result disclose = EvidenceCommandsIT.run("export", "--key", keys.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString(), "--from", "5.5", "--to", "6.5", "--package",
        pkg.toString(), "--open", "file:" + store);
    assertThat(disclose.exit()).as(disclose.err()).isZero();
    assertThat(EvidenceCommandsIT.run("verify", "--device-pub", keys.resolve("device.pub").toString(), pkg.toString())
        .exit()).isZero();
  }

  @Test
  void tokenMistakesAreRefusedInWords() throws Exception {
    String device = "pkcs11:token=" + SoftHsm.TOKEN + ";object=" + SoftHsm.label("mistakes");
    Path out = dir.resolve("mistakes");
    assertThat(token("keys", "init", "--pkcs11", device, "--out", out.toString()).exit()).isZero();
    Path store = dir.resolve("mistakes-evidence");
    String[] record = {"record", "--input", dir.resolve("source.h264").toString(), "--device-key", device,
        "--recipient", out.resolve("device.pub").toString(), "--store", "file:" + store};
    // No module, then no PIN: said plainly, nothing recorded.
    EvidenceCommandsIT.Result noModule = EvidenceCommandsIT.run(record);
    assertThat(noModule.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(noModule.err()).contains("--pkcs11-module PATH or CUSTODY_PKCS11_MODULE");
    List<String> withModule = new ArrayList<>(List.of(record));
    withModule.addAll(1, List.of("--pkcs11-module", module));
    EvidenceCommandsIT.Result noPin = EvidenceCommandsIT.run(withModule.toArray(new String[0]));
    assertThat(noPin.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(noPin.err()).contains("--pin-file FILE or CUSTODY_PKCS11_PIN");
    // A PIN in the URI is refused, and not echoed.
    EvidenceCommandsIT.Result pinInUri = token("recover", "--device-key", device + ";pin-value=" + SoftHsm.PIN,
        "file:" + store);
    assertThat(pinInUri.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(pinInUri.err()).contains("never taken from a URI").doesNotContain(SoftHsm.PIN);
    // A key the token does not hold.
    EvidenceCommandsIT.Result missing = token("recover", "--device-key", "pkcs11:token=" + SoftHsm.TOKEN + ";object=nobody",
        "file:" + store);
    assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err()).contains("holds no private key labelled \"nobody\"");
    // --recipient without --pkcs11 is a usage error.
    assertThat(EvidenceCommandsIT.run("keys", "init", "--recipient", "--out", out.toString()).exit()).isEqualTo(Main.USAGE);
    assertThat(store).doesNotExist();
  }
}
