package io.custody.cli;

import java.util.Locale;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.RecipientPrivateKey;
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
      description = "Writes DIR/device.key and DIR/device.pub (Ed25519: the camera signs with it), "
          + "DIR/recipient.key and DIR/recipient.pub (X25519: the back office decrypts with it); with --ledger, "
          + "DIR/ledger.key and DIR/ledger.pub instead (Ed25519: the force signs its custody ledger with it); with"
          + " --register, DIR/register.key and DIR/register.pub (Ed25519: the force signs its device register with it). "
          + "Private keys get permissions 0600. Existing files are never overwritten.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:a file exists or cannot be written"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the files.")
    Path out;

    @Option(names = "--ledger", description = "Make the force's ledger key pair (ledger.key, ledger.pub) instead.")
    boolean ledger;

    @Option(names = "--register", description = "Make the force's register key pair (register.key, register.pub)"
        + " instead.")
    boolean register;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        Files.createDirectories(out);
        if (ledger && register) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--ledger or --register, not both");
        }
        if (register) {
          refuseExisting(out, "register.key", "register.pub");
          io.custody.register.RegisterKey key = io.custody.register.RegisterKey.generate();
          writePrivate(out.resolve("register.key"), key.toPem());
          Files.writeString(out.resolve("register.pub"), key.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
          spec.commandLine().getOut().printf(Locale.ROOT, "register key %s written to %s%n", key.publicKey().keyIdHex(),
              out);
          return Main.OK;
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
        DeviceSigningKey device = DeviceSigningKey.generate();
        RecipientPrivateKey recipient = RecipientPrivateKey.generate();
        writePrivate(out.resolve("device.key"), device.toPem());
        Files.writeString(out.resolve("device.pub"), device.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
        writePrivate(out.resolve("recipient.key"), recipient.toPem());
        Files.writeString(out.resolve("recipient.pub"), recipient.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
        spec.commandLine().getOut().printf(Locale.ROOT, "device key %s%nrecipient key %s%nwritten to %s%n",
            device.publicKey().keyIdHex(), recipient.publicKey().keyIdHex(), out);
        return Main.OK;
      } catch (IOException e) {
        err.println("custody keys init: " + e.getMessage());
        return Main.BAD_INPUT;
      }
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
