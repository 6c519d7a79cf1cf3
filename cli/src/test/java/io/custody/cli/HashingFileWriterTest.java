package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingFileWriterTest {
  @TempDir Path dir;

  @Test
  void writesEachFileInOrderAndHashesIt() throws Exception {
    Random random = new Random(5);
    byte[] a = new byte[3 * (1 << 20) + 123]; // spans buffers
    byte[] b = new byte[17];
    random.nextBytes(a);
    random.nextBytes(b);
    List<String> hashes;
    try (HashingFileWriter w = new HashingFileWriter()) {
      w.start(dir.resolve("a"));
      for (int at = 0; at < a.length; at += 100_000) {
        w.write(a, at, Math.min(100_000, a.length - at));
      }
      w.start(dir.resolve("b"));
      w.write(b, 0, b.length);
      hashes = w.finish();
      assertThat(w.files()).containsExactly(dir.resolve("a"), dir.resolve("b"));
    }
    assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(a);
    assertThat(Files.readAllBytes(dir.resolve("b"))).isEqualTo(b);
    assertThat(hashes).containsExactly(sha256(a), sha256(b));
  }

  @Test
  void aFailureOnTheWritersSideReachesTheProducer() throws Exception {
    Files.writeString(dir.resolve("taken"), "x");
    try (HashingFileWriter w = new HashingFileWriter()) {
      w.start(dir.resolve("taken")); // exists: the writer cannot create it
      assertThatThrownBy(() -> {
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 100; i++) { // more than its buffers hold: it must stop taking them
          w.write(chunk, 0, chunk.length);
        }
        w.finish();
      }).isInstanceOf(IOException.class).hasMessageContaining("taken");
    }
    assertThat(Files.readString(dir.resolve("taken"))).isEqualTo("x");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
