package io.custody.storage.fs;

import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import java.nio.file.Paths;
import java.util.Random;

/** Run in a child JVM by {@link KillNineIT}: writes objects until it is killed. */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    FileBlobStore store = FileBlobStore.open(Paths.get(args[0]), true);
    Random random = new Random(args[1].hashCode());
    byte[] chunk = new byte[64 * 1024];
    System.out.println("ready");
    System.out.flush();
    for (int i = 0; ; i++) {
      try (BlobWriter w = store.create(args[1] + "/" + i + ".sealed", CreateOptions.defaults())) {
        int chunks = 1 + random.nextInt(32);
        for (int c = 0; c < chunks; c++) {
          random.nextBytes(chunk);
          w.write(chunk, 0, chunk.length);
        }
        w.commit();
      }
    }
  }
}
