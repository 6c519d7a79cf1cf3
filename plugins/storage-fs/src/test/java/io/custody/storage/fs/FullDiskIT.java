package io.custody.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.StorageFullException;
import io.custody.storage.tck.SmallFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file: store on a small tmpfs that the test mounts: when the disk fills, at the write or at
 * the link that publishes, the error is a {@link StorageFullException}, the key stays absent, the
 * temporary file is gone, and what was stored before reads back intact.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FullDiskIT {
  @TempDir Path dir;

  @Test
  void anObjectLargerThanTheFreeSpaceIsNeverPublished() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("small"), "size=1m");
        FileBlobStore store = FileBlobStore.open(fs.dir.resolve("store"), true)) {
      byte[] kept = bytes(200_000, 1);
      put(store, "rec/00000.sealed", kept);

      try (BlobWriter w = store.create("rec/00001.sealed", CreateOptions.defaults())) {
        assertThatThrownBy(() -> {
          for (int i = 0; i < 32; i++) {
            w.write(ByteBuffer.wrap(bytes(64 * 1024, i)));
          }
          w.commit();
        }).isInstanceOf(StorageFullException.class)
            .hasMessageStartingWith("no space left on device writing " + fs.dir.resolve("store/.custody/tmp"));
      }

      assertThat(store.stat("rec/00001.sealed")).isEmpty();
      assertThat(keys(store)).containsExactly("rec/00000.sealed");
      assertThat(temporaries(fs.dir.resolve("store"))).isEmpty();
      assertThat(read(store, "rec/00000.sealed")).isEqualTo(kept);

      // Room again (the first object released): the same key takes a smaller object.
      store.delete("rec/00000.sealed");
      byte[] next = bytes(500_000, 2);
      put(store, "rec/00001.sealed", next);
      assertThat(read(store, "rec/00001.sealed")).isEqualTo(next);
    }
  }

  @Test
  void aLinkThatFindsTheDiskFullLeavesTheKeyAbsent() throws Exception {
    // tmpfs counts inodes, hard links and extended attributes against one limit (nr_inodes, 1 KiB
    // a piece): ballast takes it all, then the writer's temporary file takes a freed inode and a
    // released 512-byte attribute leaves room for the object's SHA-256 attribute but not the link.
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("small"), "size=1m,nr_inodes=32");
        FileBlobStore store = FileBlobStore.open(fs.dir.resolve("store"), true)) {
      byte[] kept = bytes(1000, 1);
      put(store, "rec/00000.sealed", kept);
      Path ballast = fs.dir.resolve("ballast");
      Files.createDirectory(ballast);
      UserDefinedFileAttributeView attrs = Files.getFileAttributeView(ballast, UserDefinedFileAttributeView.class);
      attrs.write("ballast", ByteBuffer.wrap(new byte[512]));
      List<Path> files = new ArrayList<>();
      try {
        for (int i = 0; ; i++) {
          files.add(Files.createFile(ballast.resolve("f" + i)));
        }
      } catch (FileSystemException full) {
        // no inode left
      }
      // The bytes nearly all taken too, so the disk is full however its error is worded.
      long usable = Files.getFileStore(fs.dir).getUsableSpace();
      Files.write(files.get(0), bytes((int) usable - 48 * 1024, 3));
      Files.delete(files.remove(files.size() - 1));

      try (BlobWriter w = store.create("rec/00001.sealed", CreateOptions.defaults())) {
        w.write(ByteBuffer.wrap(bytes(16 * 1024, 4)));
        attrs.delete("ballast");
        assertThatThrownBy(w::commit).isInstanceOf(StorageFullException.class)
            .hasMessage("no space left on device writing " + fs.dir.resolve("store/rec/00001.sealed"))
            .cause().hasStackTraceContaining("createLink");
      }

      assertThat(store.stat("rec/00001.sealed")).isEmpty();
      assertThat(keys(store)).containsExactly("rec/00000.sealed");
      assertThat(temporaries(fs.dir.resolve("store"))).isEmpty();
      assertThat(read(store, "rec/00000.sealed")).isEqualTo(kept);
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void put(BlobStore store, String key, byte[] data) throws IOException {
    try (BlobWriter w = store.create(key, CreateOptions.defaults())) {
      w.write(ByteBuffer.wrap(data));
      w.commit();
    }
  }

  private static byte[] read(BlobStore store, String key) throws IOException {
    try (InputStream in = store.readVerified(key)) {
      return in.readAllBytes();
    }
  }

  private static List<String> keys(BlobStore store) throws IOException {
    return store.list("", Optional.empty(), 100).items().stream().map(BlobInfo::key).toList();
  }

  private static List<Path> temporaries(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve(".custody/tmp"))) {
      return s.toList();
    }
  }
}
