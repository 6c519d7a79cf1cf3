package io.custody.ledger;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's independent check: {@code tlogcheck} (ledger/src/test/go/tlogcheck), a Go program
 * that verifies our checkpoints, inclusion and consistency proofs and C2SP tlog-tiles directories
 * with golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, an implementation we did not
 * write (Debian's {@code golang-go} and {@code golang-golang-x-mod-dev}, which
 * scripts/install-test-tools.sh installs).
 *
 * <p>The program is built once per JVM into {@code ledger/target/tlogcheck}, offline, in GOPATH
 * mode against Debian's {@code /usr/share/gocode} (the system property {@code custody.gopath}
 * overrides it), with its build cache in {@code ledger/target/go-cache}. Every check runs it with
 * a timeout and throws {@link AssertionError}, with what it printed on stderr, when it rejects its
 * input. A missing Go is a failure too, never a skip.
 *
 * <p>Files are what the program reads: a verifier key file holds one note verifier key line
 * ({@code <name>+<hex key id>+<base64 key>}, name = the log's origin); a checkpoint file is a
 * C2SP signed note; an inclusion proof is a {@code c2sp.org/tlog-proof@v1} document with the entry
 * in its {@code extra} line; a consistency proof is base64 hashes, one per line.
 */
public final class GoTlogOracle {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final String GOPATH = System.getProperty("custody.gopath", "/usr/share/gocode");
  private static final String INSTALL_HINT = "run scripts/install-test-tools.sh (the README's test"
      + " command runs it; it installs golang-go and golang-golang-x-mod-dev)";

  /** The built program, once per JVM (guarded by the class). */
  private static Path program;

  private GoTlogOracle() {}

  /** What the program printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The stdout lines, without the empty one after the final newline. */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      for (String l : stdout.split("\n", -1)) {
        if (!l.isEmpty()) {
          out.add(l);
        }
      }
      return out;
    }
  }

  /**
   * Verifies the signed checkpoint and returns what tlogcheck read from it:
   * {@code ok <origin> <size> <base64 root>}.
   */
  public static String checkpoint(Path vkey, Path checkpoint) {
    return check("checkpoint", vkey.toString(), checkpoint.toString()).stdout().strip();
  }

  /** Verifies a c2sp.org/tlog-proof@v1 inclusion proof (its checkpoint, then the proof). */
  public static void inclusion(Path vkey, Path proof) {
    check("inclusion", vkey.toString(), proof.toString());
  }

  /** Verifies both checkpoints and the consistency proof from the old tree to the new one. */
  public static void consistency(Path vkey, Path oldCheckpoint, Path newCheckpoint, Path proof) {
    check("consistency", vkey.toString(), oldCheckpoint.toString(), newCheckpoint.toString(),
        proof.toString());
  }

  /**
   * Checks a C2SP tlog-tiles directory (the root of a {@code file:} store) against the
   * checkpoint: every hash tile of its tree, and every entry bundle, whose entries must hash to
   * the leaves. Returns the number of entries checked.
   */
  public static long tiles(Path vkey, Path checkpoint, Path ledgerDir) {
    String out = check("tiles", vkey.toString(), checkpoint.toString(), ledgerDir.toString())
        .stdout().strip();
    String[] f = out.split(" ", -1);
    if (f.length != 3 || !f[0].equals("ok") || !f[2].equals("entries")) {
      throw new AssertionError("tlogcheck tiles printed " + out);
    }
    return Long.parseLong(f[1]);
  }

  /**
   * Go's inclusion proof (tlog.ProveRecord, from the tiles of {@code ledgerDir}) of entry
   * {@code index} in the checkpoint's tree, as base64 hashes (leaf side first).
   */
  public static List<String> prove(Path vkey, Path checkpoint, Path ledgerDir, long index) {
    return check("prove", vkey.toString(), checkpoint.toString(), ledgerDir.toString(),
        Long.toString(index)).lines();
  }

  /**
   * Go's consistency proof (tlog.ProveTree, from the tiles of {@code ledgerDir}) from the tree of
   * size {@code oldSize} to the checkpoint's tree, as base64 hashes.
   */
  public static List<String> proveTree(Path vkey, Path newCheckpoint, Path ledgerDir,
      long oldSize) {
    return check("prove-tree", vkey.toString(), newCheckpoint.toString(), ledgerDir.toString(),
        Long.toString(oldSize)).lines();
  }

  /**
   * Writes tlogcheck's own test fixture into {@code outDir} (see gen.go): a log of {@code size}
   * entries published at {@code oldSize} and at {@code size}, its key, both checkpoints, the
   * consistency proof and an inclusion proof of entry {@code index}.
   */
  public static void gen(Path outDir, long size, long oldSize, long index) {
    check("gen", outDir.toString(), Long.toString(size), Long.toString(oldSize),
        Long.toString(index));
  }

  /** Runs tlogcheck with these arguments; throws if it exits non-zero. */
  public static Result check(String... args) {
    Result r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError("tlogcheck " + String.join(" ", args) + " exited with "
          + r.exitCode() + ":\n" + r.stderr());
    }
    return r;
  }

  /** Runs tlogcheck with these arguments and returns how it ended, whatever the exit code. */
  public static Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(program().toString());
    cmd.addAll(List.of(args));
    return exec(cmd, null, RUN_TIMEOUT);
  }

  /** Runs the Go tests of tlogcheck itself ({@code go test}); throws if they fail. */
  public static String goTest() {
    Path src = sourceDir();
    Result r = exec(List.of(goCommand().toString(), "test", "-count=1", "-timeout", "240s", "."),
        src, BUILD_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new AssertionError("go test of " + src + " failed:\n" + r.stdout() + r.stderr());
    }
    return r.stdout();
  }

  /** The program, built on the first call in this JVM. */
  public static synchronized Path program() {
    if (program == null) {
      program = build();
    }
    return program;
  }

  private static Path build() {
    Path src = sourceDir();
    Path target = src.resolve("../../../../target").normalize();
    Path exe = target.resolve("tlogcheck");
    // Several JVMs (surefire, failsafe) may build at once: each builds its own file and renames.
    Path tmp = target.resolve("tlogcheck.build-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(target);
      Result r = exec(List.of(goCommand().toString(), "build", "-o", tmp.toString(), "."), src,
          BUILD_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new AssertionError("go build of " + src + " failed (exit " + r.exitCode()
            + "); if golang.org/x/mod is missing, " + INSTALL_HINT + ":\n" + r.stdout()
            + r.stderr());
      }
      Files.move(tmp, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new AssertionError("cannot build tlogcheck into " + exe + ": " + e, e);
    }
    return exe;
  }

  /**
   * ledger/src/test/go/tlogcheck: relative to the module directory (Maven's working directory),
   * else under the repository root ({@code custody.root}).
   */
  static Path sourceDir() {
    List<Path> candidates = List.of(Paths.get("src/test/go/tlogcheck"),
        Paths.get(System.getProperty("custody.root", ".."), "ledger/src/test/go/tlogcheck"),
        Paths.get("ledger/src/test/go/tlogcheck"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve("main.go"))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("tlogcheck's Go source not found (tried " + candidates
        + " from " + Paths.get("").toAbsolutePath() + ")");
  }

  /** {@code go} from PATH; a clear failure when Go or x/mod is not installed. */
  static Path goCommand() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator, -1)) {
        Path go = Paths.get(dir.isEmpty() ? "." : dir, "go");
        if (Files.isRegularFile(go) && Files.isExecutable(go)) {
          if (!Files.isDirectory(Paths.get(GOPATH, "src/golang.org/x/mod/sumdb/tlog"))) {
            throw new AssertionError("golang.org/x/mod is not in " + GOPATH + ": " + INSTALL_HINT);
          }
          return go;
        }
      }
    }
    throw new AssertionError("Go (the go command) is not on PATH, and the ledger tests check"
        + " their output with a Go program: " + INSTALL_HINT);
  }

  /**
   * Runs a command with an explicit environment: offline GOPATH mode against Debian's x/mod, no
   * cgo, the build cache under target/.
   */
  private static Result exec(List<String> cmd, Path dir, Duration timeout) {
    Path target = sourceDir().resolve("../../../../target").normalize();
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Map<String, String> env = pb.environment();
    String path = System.getenv("PATH");
    env.clear();
    env.put("PATH", path == null ? "/usr/bin:/bin" : path);
    env.put("HOME", target.toString());
    env.put("GO111MODULE", "off");
    env.put("GOPATH", GOPATH);
    env.put("GOCACHE", target.resolve("go-cache").toString());
    env.put("GOFLAGS", "");
    env.put("GOENV", "off");
    env.put("GOPROXY", "off");
    env.put("GOTOOLCHAIN", "local");
    env.put("CGO_ENABLED", "0");
    env.put("TMPDIR", System.getProperty("java.io.tmpdir"));
    Path out = null;
    Path err = null;
    try {
      Files.createDirectories(target);
      out = Files.createTempFile(target, "tlogcheck", ".out");
      err = Files.createTempFile(target, "tlogcheck", ".err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", cmd) + " timed out after " + timeout + ":\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", cmd), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover temporary file under target/ is harmless
      }
    }
  }
}
