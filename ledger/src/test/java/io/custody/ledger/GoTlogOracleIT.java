package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GoTlogOracle} on tlogcheck's own fixture ({@code tlogcheck gen}, a log built with Go's
 * tlog): the good fixture passes every check, a changed byte in a tile, an entry bundle, a
 * checkpoint or a proof fails it. Also runs tlogcheck's Go tests, so that they run in CI.
 */
class GoTlogOracleIT {
  @TempDir static Path fixtures;
  static Path good;

  @BeforeAll
  static void generate() {
    good = fixtures.resolve("good");
    GoTlogOracle.gen(good, 1000, 300, 517);
  }

  static Path copy(Path dir) throws IOException {
    Path to = Files.createTempDirectory(fixtures, "copy");
    try (var files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path q = to.resolve(dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  static void flip(Path file, int at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[at] ^= 0x01;
    Files.write(file, b);
  }

  /** The hash lines of a c2sp.org/tlog-proof@v1 file (after the index line, to the empty one). */
  static List<String> proofHashes(Path tlogProof) throws IOException {
    List<String> lines = Files.readAllLines(tlogProof, StandardCharsets.UTF_8);
    List<String> hashes = new ArrayList<>();
    int i = 0;
    while (!lines.get(i).startsWith("index ")) {
      i++;
    }
    for (i++; !lines.get(i).isEmpty(); i++) {
      hashes.add(lines.get(i));
    }
    return hashes;
  }

  @Test
  void theGoodFixturePassesEveryCheck() throws IOException {
    Path vkey = good.resolve("vkey");
    Path cp = good.resolve("checkpoint");
    Path old = good.resolve("old-checkpoint");
    Path ledger = good.resolve("ledger");

    assertThat(GoTlogOracle.checkpoint(vkey, cp))
        .matches("ok example\\.com/custody/tlogcheck-gen 1000 [A-Za-z0-9+/]{43}=");
    assertThat(GoTlogOracle.checkpoint(vkey, old)).contains(" 300 ");
    GoTlogOracle.inclusion(vkey, good.resolve("inclusion.tlog-proof"));
    GoTlogOracle.consistency(vkey, old, cp, good.resolve("consistency.proof"));
    assertThat(GoTlogOracle.tiles(vkey, cp, ledger)).isEqualTo(1000);
    assertThat(GoTlogOracle.tiles(vkey, old, ledger)).isEqualTo(300);

    assertThat(GoTlogOracle.prove(vkey, cp, ledger, 517))
        .isEqualTo(proofHashes(good.resolve("inclusion.tlog-proof")))
        .hasSize(10);
    assertThat(GoTlogOracle.proveTree(vkey, cp, ledger, 300))
        .isEqualTo(Files.readAllLines(good.resolve("consistency.proof"), StandardCharsets.UTF_8))
        .isNotEmpty();
    assertThat(GoTlogOracle.proveTree(vkey, cp, ledger, 1000)).isEmpty();
  }

  @Test
  void aChangedByteInATileOrABundleFailsTheTiles() throws IOException {
    for (String file : List.of("tile/0/001", "tile/0/003.p/232", "tile/1/000.p/3",
        "tile/entries/002", "tile/entries/003.p/232")) {
      Path dir = copy(good);
      flip(dir.resolve("ledger").resolve(file), 50);
      assertThatThrownBy(() -> GoTlogOracle.tiles(dir.resolve("vkey"), dir.resolve("checkpoint"),
          dir.resolve("ledger")))
          .as(file)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("tlogcheck: FAIL")
          .hasMessageMatching("(?s).*(" + file.replace(".", "\\.") + "|entry \\d+).*");
    }
  }

  @Test
  void aChangedByteInAProofOrACheckpointFails() throws IOException {
    Path dir = copy(good);
    Path vkey = dir.resolve("vkey");
    // The first proof hash of the tlog-proof (the line after "index 517").
    Path proof = dir.resolve("inclusion.tlog-proof");
    String text = Files.readString(proof, StandardCharsets.UTF_8);
    flip(proof, text.indexOf("\nindex 517\n") + "\nindex 517\n".length() + 5);
    assertThatThrownBy(() -> GoTlogOracle.inclusion(vkey, proof))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("tlog.CheckRecord");

    Path consistency = dir.resolve("consistency.proof");
    flip(consistency, 0);
    assertThatThrownBy(() -> GoTlogOracle.consistency(vkey, dir.resolve("old-checkpoint"),
        dir.resolve("checkpoint"), consistency))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("tlog.CheckTree");

    Path cp = dir.resolve("checkpoint");
    flip(cp, 40); // in the root hash line
    assertThatThrownBy(() -> GoTlogOracle.checkpoint(vkey, cp))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("signed note");
    assertThat(GoTlogOracle.run("checkpoint", vkey.toString(), cp.toString()).exitCode())
        .isEqualTo(1);
  }

  @Test
  void tlogchecksOwnGoTestsPass() {
    assertThat(GoTlogOracle.goTest()).contains("ok");
  }
}
