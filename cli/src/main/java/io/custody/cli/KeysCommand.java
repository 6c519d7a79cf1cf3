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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody keys init}: a device signing key pair and a recipient key pair, as PEM. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Makes keys.",
    subcommands = KeysCommand.Init.class)
final class KeysCommand {
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Writes DIR/device.key and DIR/device.pub (Ed25519: the camera signs with it), "
          + "DIR/recipient.key and DIR/recipient.pub (X25519: the back office decrypts with it); with --ledger, "
          + "DIR/ledger.key and DIR/ledger.pub instead (Ed25519: the force signs its custody ledger with it). "
          + "Private keys get permissions 0600. Existing files are never overwritten.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:a file exists or cannot be written"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the files.")
    Path out;

    @Option(names = "--ledger", description = "Make the force's ledger key pair (ledger.key, ledger.pub) instead.")
    boolean ledger;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        Files.createDirectories(out);
        if (ledger) {
          for (String name : List.of("ledger.key", "ledger.pub")) {
            if (Files.exists(out.resolve(name))) {
              throw new FileAlreadyExistsException(out.resolve(name) + " exists; keys are never overwritten");
            }
          }
          LedgerKey key = LedgerKey.generate();
          writePrivate(out.resolve("ledger.key"), key.toPem());
          Files.writeString(out.resolve("ledger.pub"), key.publicKey().toPem(), StandardOpenOption.CREATE_NEW);
          spec.commandLine().getOut().printf(Locale.ROOT, "ledger key written to %s%n", out);
          return Main.OK;
        }
        for (String name : List.of("device.key", "device.pub", "recipient.key", "recipient.pub")) {
          if (Files.exists(out.resolve(name))) {
            throw new FileAlreadyExistsException(out.resolve(name) + " exists; keys are never overwritten");
          }
        }
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

    private static void writePrivate(Path file, String pem) throws IOException {
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the platform's default permissions apply
      }
      Files.writeString(file, pem, StandardOpenOption.WRITE);
    }
  }
}
