package io.custody.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobInfo;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments while a child JVM writes objects: afterwards every object under a
 * final name is complete and matches its recorded SHA-256; nothing partial is ever visible.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KillNineIT {
  @Test
  void killedWritersNeverLeavePartialObjects(@TempDir Path root) throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 6; round++) {
      Process child = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
          System.getProperty("java.class.path"), CrashWriter.class.getName(), root.toString(), "r" + round)
          .redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      Thread.sleep(100 + random.nextInt(600));
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    FileBlobStore store = FileBlobStore.open(root, true);
    List<BlobInfo> all = new ArrayList<>();
    store.listAll("").forEachRemaining(all::add);
    assertThat(all).isNotEmpty();
    for (BlobInfo info : all) {
      try (InputStream in = store.readVerified(info.key())) {
        in.transferTo(java.io.OutputStream.nullOutputStream()); // throws if incomplete or altered
      }
    }
  }
}
