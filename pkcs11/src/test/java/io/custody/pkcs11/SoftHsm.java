package io.custody.pkcs11;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tests' PKCS#11 token: Debian's SoftHSM2 ({@code scripts/install-test-tools.sh} installs it),
 * with one token, {@value #TOKEN}, made once per JVM in a token directory of that JVM's own.
 *
 * <p>SoftHSM reads {@code SOFTHSM2_CONF} and its token directory when the module is initialised,
 * once per process, and does not see tokens made after that; so the build points {@code
 * SOFTHSM2_CONF} at {@code target/softhsm2.conf} for the test JVMs, and {@link #open} writes that
 * file and initialises the token with {@code softhsm2-util} before the first load. Child processes
 * (the CLI run as a process) inherit the variable and see the same token. Tests label their keys
 * with {@link #label}, so that they never meet each other's.
 */
public final class SoftHsm {
  /** Debian's SoftHSM2 module. */
  public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  /** The token's label. */
  public static final String TOKEN = "custody-test";
  /** The user PIN (a test token's; a real one comes from a file or the environment). */
  public static final String PIN = "custody-pin-1234";
  private static final String SO_PIN = "custody-so-5678";
  private static boolean ready;

  private SoftHsm() {}

  /** Makes the token, once per JVM, before the module is first loaded. */
  public static synchronized void ensureToken() throws IOException, InterruptedException {
    if (ready) {
      return;
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null) {
      throw new IllegalStateException("SOFTHSM2_CONF is not set: the build sets it for the test JVMs (pkcs11/pom.xml, cli/pom.xml)");
    }
    if (!Files.isRegularFile(MODULE)) {
      throw new IllegalStateException("SoftHSM2 is not installed (" + MODULE + "): run scripts/install-test-tools.sh");
    }
    Path tokens = Path.of(conf).toAbsolutePath().resolveSibling("softhsm-tokens-" + ProcessHandle.current().pid());
    if (Files.exists(tokens)) {
      try (Stream<Path> s = Files.walk(tokens)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
        StandardCharsets.UTF_8);
    run("softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN);
    ready = true;
  }

  /** A session with the test token, logged in. */
  public static Pkcs11Token open() throws Exception {
    ensureToken();
    return Pkcs11Token.open(MODULE, TOKEN, PIN.toCharArray());
  }

  /** A key label no other test uses. */
  public static String label(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** Runs a command (softhsm2-util, pkcs11-tool), returning its output; fails on a non-zero exit. */
  public static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
