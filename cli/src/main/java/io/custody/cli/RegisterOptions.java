package io.custody.cli;

import io.custody.register.DeviceRegister;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --register REGISTER --register-pub FILE}: judge each segment's signing key by the force's
 * device register (docs/REGISTER.md), in verify and export.
 */
final class RegisterOptions {
  @Option(names = "--register", paramLabel = "REGISTER", description = "The force's device register (a file or a"
      + " store URI): each segment's signing key must be one the force issued, trusted when the device says it sealed"
      + " the segment and when the segment reached the force (its INGESTED entry in --ledger, else the store's time)."
      + " With --register-pub.")
  String register;

  @Option(names = "--register-pub", paramLabel = "FILE", description = "The register public key (PEM).")
  Path registerPub;

  /** Whether --register was given. */
  boolean given() {
    return register != null || registerPub != null;
  }

  /** The register, read and checked with the force's key before any work; empty without --register. */
  Optional<DeviceRegister> open(CommandSpec spec) throws IOException {
    if ((register == null) != (registerPub == null)) {
      throw new ParameterException(spec.commandLine(), "--register and --register-pub go together");
    }
    if (register == null) {
      return Optional.empty();
    }
    return Optional.of(RegisterCommand.Location.parse(register).open(Optional.of(RegisterCommand.publicKey(registerPub))));
  }
}
