package io.custody.cli;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import io.custody.pkcs11.Pkcs11Exception;
import io.custody.pkcs11.Pkcs11Token;
import io.custody.pkcs11.Pkcs11Uri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * {@code --pkcs11-module} and {@code --pin-file}, and the keys a command names: a PEM file, or an
 * RFC 7512 {@code pkcs11:token=T;object=O} URI whose private key stays in its token.
 *
 * <p>The module path comes from {@code --pkcs11-module PATH} or else {@code
 * CUSTODY_PKCS11_MODULE}; the PIN from the first line of {@code --pin-file FILE} or else {@code
 * CUSTODY_PKCS11_PIN}: never from the command line, where other users of the machine can read it,
 * and never printed. A token opened here stays open until {@link #close} (or, where a command does
 * not close it, until the process ends), for the command's life.
 */
final class TokenOptions implements AutoCloseable {
  static final String MODULE_ENV = "CUSTODY_PKCS11_MODULE";
  static final String PIN_ENV = "CUSTODY_PKCS11_PIN";

  @Option(names = "--pkcs11-module", paramLabel = "PATH",
      description = "The PKCS#11 library of a pkcs11: key (default: $" + MODULE_ENV + ").")
  Path module;

  @Option(names = "--pin-file", paramLabel = "FILE",
      description = "A file whose first line is the token's user PIN (default: $" + PIN_ENV + "; never on the command line).")
  Path pinFile;

  private Pkcs11Token token;

  /** Whether {@code key} names a key in a token rather than a file. */
  static boolean inToken(String key) {
    return Pkcs11Uri.isPkcs11(key);
  }

  /**
   * The device's signer: with the key in a PEM file, or in the token {@code key} names.
   *
   * @throws Pkcs11Exception if the token cannot be reached or refuses, in words
   */
  Signer deviceSigner(String key) throws IOException, Pkcs11Exception {
    if (!inToken(key)) {
      return Signatures.signer(DeviceSigningKey.fromPem(Files.readString(Path.of(key))));
    }
    Pkcs11Uri uri = Pkcs11Uri.parse(key);
    return open(uri).signer(uri.object());
  }

  /**
   * A recipient's private key: from a PEM file, or held in the token {@code key} names (each
   * content key is then unwrapped by an X25519 agreement in the token).
   *
   * @throws IOException also when the token cannot be reached or refuses (its words, as the
   *     message), so that the commands that read keys report it as they report an unreadable file
   */
  RecipientPrivateKey recipientKey(String key) throws IOException {
    if (!inToken(key)) {
      return RecipientPrivateKey.fromPem(Files.readString(Path.of(key)));
    }
    Pkcs11Uri uri = Pkcs11Uri.parse(key);
    try {
      return RecipientPrivateKey.inToken(open(uri).recipientKey(uri.object()));
    } catch (Pkcs11Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The token of {@code uri}, logged in (once per command). */
  Pkcs11Token open(Pkcs11Uri uri) throws IOException, Pkcs11Exception {
    if (token != null) {
      if (!token.label().equals(uri.token())) {
        throw new Pkcs11Exception("one command uses one token: \"" + token.label() + "\" is open, not \"" + uri.token() + "\"");
      }
      return token;
    }
    Path library = module != null ? module : envPath(MODULE_ENV);
    if (library == null) {
      throw new Pkcs11Exception(uri + " needs the token's PKCS#11 library: --pkcs11-module PATH or " + MODULE_ENV);
    }
    char[] pin = pin();
    try {
      token = Pkcs11Token.open(library, uri.token(), pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
    return token;
  }

  private char[] pin() throws IOException, Pkcs11Exception {
    if (pinFile != null) {
      String text = Files.readString(pinFile, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = (end < 0 ? text : text.substring(0, end)).strip();
      if (line.isEmpty()) {
        throw new Pkcs11Exception("the PIN file " + pinFile + " is empty");
      }
      return line.toCharArray();
    }
    String env = System.getenv(PIN_ENV);
    if (env == null || env.isEmpty()) {
      throw new Pkcs11Exception("a token needs its PIN: --pin-file FILE or " + PIN_ENV + " (never on the command line)");
    }
    return env.toCharArray();
  }

  private static Path envPath(String name) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? null : Path.of(value);
  }

  @Override
  public void close() {
    if (token != null) {
      token.close();
      token = null;
    }
  }
}
