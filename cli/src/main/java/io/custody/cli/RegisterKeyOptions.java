package io.custody.cli;

import io.custody.register.RegisterKey;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * {@code --register-key FILE|pkcs11:URI} (with the token's module and PIN options): the key the
 * register commands that change a register sign with.
 */
final class RegisterKeyOptions {
  @Option(names = "--register-key", required = true, paramLabel = "FILE|pkcs11:URI",
      description = "The register key: a PEM file, or a key in a PKCS#11 token.")
  String registerKey;

  @picocli.CommandLine.Mixin TokenOptions tokens;

  /** The register key: a PEM file, or a pkcs11: URI whose key stays in its token. */
  RegisterKey open() throws IOException {
    try {
      return RegisterKey.of(tokens.deviceSigner(registerKey));
    } catch (io.custody.pkcs11.Pkcs11Exception e) {
      throw new IOException("register key " + registerKey + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad register key " + registerKey + ": " + e.getMessage(), e);
    }
  }
}
