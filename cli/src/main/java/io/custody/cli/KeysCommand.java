package io.custody.cli;

import java.util.Locale;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.SignatureSuite;
import io.custody.pkcs11.Pkcs11Exception;
import io.custody.pkcs11.Pkcs11Token;
import io.custody.pkcs11.Pkcs11Uri;
import io.custody.ledger.LedgerKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code custody keys init}: a device signing key pair and a recipient key pair, as PEM; {@code
 * keys ca} and {@code keys export-cert}: the force's Content Credentials CA and export certificates.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Makes keys.",
    subcommands = {KeysCommand.Init.class, KeysCommand.Ca.class, KeysCommand.ExportCert.class})
final class KeysCommand {
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Writes DIR/device.key and DIR/device.pub (Ed25519, or P-256 with --suite p256: the camera signs"
          + " with it), DIR/recipient.key and DIR/recipient.pub (X25519: the back office decrypts with it); with"
          + " --ledger, DIR/ledger.key and DIR/ledger.pub instead (Ed25519: the force signs its custody ledger with it);"
          + " with --register, DIR/register.key and DIR/register.pub instead (Ed25519, or P-256 with --suite p256: the"
          + " force signs its device register with it)."
          + " With --pkcs11 URI, the device key (with --recipient the recipient key, with --register the register key)"
          + " is generated inside the token, never extractable, and only DIR/device.pub (DIR/recipient.pub,"
          + " DIR/register.pub) is written; its key id is printed."
          + " Private keys get permissions 0600. Existing files and keys are never overwritten.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:written", "1:a file or key exists, cannot be written, or the token refuses"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the files.")
    Path out;

    @Option(names = "--ledger", description = "Make the force's ledger key pair (ledger.key, ledger.pub) instead.")
    boolean ledger;

    @Option(names = "--register", description = "Make the force's register key pair (register.key, register.pub)"
        + " instead.")
    boolean register;

    @Option(names = "--suite", defaultValue = "ed25519", paramLabel = "ed25519|p256",
        description = "The device key's signature suite (default ${DEFAULT-VALUE}; p256 for hardware that signs"
            + " nothing else, such as a TPM).")
    String suite;

    @Option(names = "--pkcs11", paramLabel = "URI",
        description = "Generate the key in a PKCS#11 token: pkcs11:token=T;object=O (with --pkcs11-module and"
            + " --pin-file, or their environment variables). Writes only the public key.")
    String pkcs11;

    @Option(names = "--recipient", description = "With --pkcs11: generate a recipient key (X25519) in the token"
        + " instead of a device key, and write DIR/recipient.pub.")
    boolean recipientInToken;

    @picocli.CommandLine.Mixin TokenOptions tokens;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      SignatureSuite deviceSuite;
      try {
        deviceSuite = SignatureSuite.ofId(suite);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--suite: " + e.getMessage());
      }
      if (recipientInToken && pkcs11 == null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--recipient goes with --pkcs11");
      }
      if (ledger && pkcs11 != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--ledger and --pkcs11 do not go together");
      }
      try {
        Files.createDirectories(out);
        if (ledger && register) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--ledger or --register, not both");
        }
        if (register && pkcs11 == null) {
          refuseExisting(out, "register.key", "register.pub");
          io.custody.register.RegisterKey key = io.custody.register.RegisterKey.generate(deviceSuite);
          writePrivate(out.resolve("register.key"), key.toPem());
          Files.writeString(out.resolve("register.pub"), key.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
          spec.commandLine().getOut().printf(Locale.ROOT, "register key %s written to %s%n", key.publicKey().keyIdHex(),
              out);
          return Main.OK;
        }
        if (pkcs11 != null) {
          return inToken(Pkcs11Uri.parse(pkcs11), deviceSuite);
        }
        if (ledger) {
          refuseExisting(out, "ledger.key", "ledger.pub");
          LedgerKey key = LedgerKey.generate();
          writePrivate(out.resolve("ledger.key"), key.toPem());
          Files.writeString(out.resolve("ledger.pub"), key.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
          spec.commandLine().getOut().printf(Locale.ROOT, "ledger key written to %s%n", out);
          return Main.OK;
        }
        refuseExisting(out, "device.key", "device.pub", "recipient.key", "recipient.pub");
        DeviceSigningKey device = DeviceSigningKey.generate(deviceSuite);
        RecipientPrivateKey recipient = RecipientPrivateKey.generate();
        writePrivate(out.resolve("device.key"), device.toPem());
        Files.writeString(out.resolve("device.pub"), device.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
        writePrivate(out.resolve("recipient.key"), recipient.toPem());
        Files.writeString(out.resolve("recipient.pub"), recipient.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
        spec.commandLine().getOut().printf(Locale.ROOT, "device key %s%nrecipient key %s%nwritten to %s%n",
            device.publicKey().keyIdHex(), recipient.publicKey().keyIdHex(), out);
        return Main.OK;
      } catch (IOException | Pkcs11Exception | IllegalArgumentException e) {
        err.println("custody keys init: " + e.getMessage());
        return Main.BAD_INPUT;
      } finally {
        tokens.close();
      }
    }

    /** A key generated in the token of {@code uri}: only its public key is written. */
    private int inToken(Pkcs11Uri uri, SignatureSuite deviceSuite) throws IOException, Pkcs11Exception {
      if (recipientInToken && register) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--recipient or --register, not both");
      }
      String name = recipientInToken ? "recipient.pub" : register ? "register.pub" : "device.pub";
      refuseExisting(out, name);
      Pkcs11Token token = tokens.open(uri);
      String pem;
      String line;
      if (recipientInToken) {
        RecipientPublicKey key = token.generateRecipientKey(uri.object());
        pem = key.toPem();
        line = "recipient key " + key.keyIdHex();
      } else {
        DevicePublicKey key = token.generateDeviceKey(uri.object(), deviceSuite);
        pem = key.toPem();
        line = (register ? "register key " : "device key ") + key.keyIdHex() + " (" + deviceSuite.id() + ")";
      }
      Files.writeString(out.resolve(name), pem, StandardOpenOption.CREATE_NEW);
      spec.commandLine().getOut().printf(Locale.ROOT, "%s generated in %s%n%s written to %s%n", line, uri, name, out);
      return Main.OK;
    }

    /** Refuses before anything is written if any of {@code names} exists in {@code dir}. */
    static void refuseExisting(Path dir, String... names) throws FileAlreadyExistsException {
      for (String name : names) {
        if (Files.exists(dir.resolve(name))) {
          throw new FileAlreadyExistsException(dir.resolve(name) + " exists; keys are never overwritten");
        }
      }
    }

    static void writePrivate(Path file, String pem) throws IOException {
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the platform's default permissions apply
      }
      Files.writeString(file, pem, StandardOpenOption.WRITE);
    }
  }

  @Command(name = "ca", mixinStandardHelpOptions = true,
      description = "Makes the force's private certificate authority for Content Credentials (C2PA), for a force"
          + " that has none: DIR/ca.pem (the root certificate: give it to whoever validates the force's exports)"
          + " and DIR/ca.key (0600: keep it offline). ECDSA P-256. Existing files are never overwritten.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:a file exists or cannot be written"})
  static final class Ca implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for ca.pem and ca.key.")
    Path out;

    @Option(names = "--name", required = true, paramLabel = "FORCE", description = "The force (the certificates' O).")
    String name;

    @Option(names = "--days", defaultValue = "3650", paramLabel = "N", description = "Validity (default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
      try {
        io.custody.c2pa.ExportCa ca = io.custody.c2pa.ExportCa.create(name, java.time.Duration.ofDays(days),
            java.time.Clock.systemUTC());
        ca.save(out);
        spec.commandLine().getOut().printf(Locale.ROOT, "CA %s written to %s (until %s)%n",
            ca.certificate().getSubjectX500Principal().getName(), out, ca.certificate().getNotAfter().toInstant());
        return Main.OK;
      } catch (IOException | java.security.GeneralSecurityException e) {
        spec.commandLine().getErr().println("custody keys ca: " + e.getMessage());
        return Main.BAD_INPUT;
      }
    }
  }

  @Command(name = "export-cert", mixinStandardHelpOptions = true,
      description = "Issues an export certificate from the CA in --ca: DIR/export.pem (the chain that signs C2PA"
          + " manifests) and DIR/export.key (0600). ECDSA P-256, key usage digital signature, extended key usage"
          + " document signing (1.3.6.1.5.5.7.3.36). Existing files are never overwritten.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:no CA, or a file exists"})
  static final class ExportCert implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA (keys ca --out DIR).")
    Path ca;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for export.pem and export.key.")
    Path out;

    @Option(names = "--subject", defaultValue = "Evidence export", paramLabel = "NAME",
        description = "The certificate's common name (default: ${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--days", defaultValue = "397", paramLabel = "N", description = "Validity (default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
      try {
        Init.refuseExisting(out, "export.pem", "export.key");
        io.custody.c2pa.SigningCredentials c = io.custody.c2pa.ExportCa.load(ca).issue(subject,
            java.time.Duration.ofDays(days), java.time.Clock.systemUTC());
        Files.createDirectories(out);
        Files.writeString(out.resolve("export.pem"), c.chainPem(), StandardOpenOption.CREATE_NEW);
        Init.writePrivate(out.resolve("export.key"), c.keyPem());
        spec.commandLine().getOut().printf(Locale.ROOT, "export certificate %s written to %s (until %s)%n",
            c.certificate().getSubjectX500Principal().getName(), out, c.certificate().getNotAfter().toInstant());
        return Main.OK;
      } catch (IOException | java.security.GeneralSecurityException e) {
        spec.commandLine().getErr().println("custody keys export-cert: " + e.getMessage());
        return Main.BAD_INPUT;
      }
    }
  }
}
