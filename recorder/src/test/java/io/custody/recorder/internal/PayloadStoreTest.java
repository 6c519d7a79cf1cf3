package io.custody.recorder.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadStoreTest {
  /** Random appends, reads of every live frame and releases from the head, against a model. */
  private static void exercise(PayloadStore store, long capacity) throws IOException {
    Random r = new Random(7);
    ArrayDeque<long[]> live = new ArrayDeque<>(); // position, length, seed
    for (int step = 0; step < 5000; step++) {
      int len = 1 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 3000);
      while (store.usedBytes() + len + store.overheadPerFrame() > capacity && !live.isEmpty()) {
        live.pollFirst();
        store.releaseBefore(live.isEmpty() ? Long.MAX_VALUE : live.peekFirst()[0]);
      }
      long seed = r.nextLong();
      long pos = store.append(content(seed, len), 0, len);
      live.addLast(new long[] {pos, len, seed});
      if (r.nextInt(50) == 0) {
        for (long[] f : live) {
          byte[] back = new byte[(int) f[1]];
          store.read(f[0], back, 0, back.length);
          assertThat(back).isEqualTo(content(f[2], (int) f[1]));
        }
      }
    }
  }

  private static byte[] content(long seed, int len) {
    byte[] b = new byte[len];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void heapSlabsHoldWhatWasAppended() throws IOException {
    exercise(new ReleasingAll(new SlabPayloadStore(16 * 1024, false)), 1 << 20);
  }

  @Test
  void directSlabsHoldWhatWasAppended() throws IOException {
    exercise(new ReleasingAll(new SlabPayloadStore(16 * 1024, true)), 1 << 20);
  }

  @Test
  void spillFileHoldsWhatWasAppendedAndIsUnreadableOnDisk(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("custody-spill-stale.tmp"), "left by a crash");
    EncryptedSpillStore store = EncryptedSpillStore.create(dir, 1 << 20);
    assertThat(dir.resolve("custody-spill-stale.tmp")).doesNotExist();
    exercise(new ReleasingAll(store), 1 << 20);

    store.clear();
    byte[] secret = new byte[4096];
    Arrays.fill(secret, (byte) 'S');
    long pos = store.append(secret, 0, secret.length);
    // No name in the directory while in use (unlinked at open), and only ciphertext on disk.
    assertThat(store.file()).doesNotExist();
    java.nio.ByteBuffer onDisk = java.nio.ByteBuffer.allocate((int) store.channel().size());
    store.channel().read(onDisk, 0);
    assertThat(indexOf(onDisk.array(), Arrays.copyOf(secret, 64))).isEqualTo(-1);

    // Altered on disk: refused, not returned.
    long at = pos % (1 << 20) + 100;
    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
    store.channel().read(one, at);
    one.put(0, (byte) (one.get(0) ^ 1)).rewind();
    store.channel().write(one, at);
    assertThatThrownBy(() -> store.read(pos, new byte[4096], 0, 4096))
        .isInstanceOf(IOException.class).hasMessageContaining("altered");
    Path file = store.file();
    store.close();
    assertThat(file).doesNotExist();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Maps "release everything" (Long.MAX_VALUE in the model) onto clear(). */
  private static final class ReleasingAll implements PayloadStore {
    private final PayloadStore d;

    ReleasingAll(PayloadStore d) {
      this.d = d;
    }

    @Override
    public long append(byte[] src, int off, int len) throws IOException {
      return d.append(src, off, len);
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      d.read(position, dst, off, len);
    }

    @Override
    public void releaseBefore(long position) {
      if (position == Long.MAX_VALUE) {
        d.clear();
      } else {
        d.releaseBefore(position);
      }
    }

    @Override
    public void clear() {
      d.clear();
    }

    @Override
    public long usedBytes() {
      return d.usedBytes();
    }

    @Override
    public long allocatedBytes() {
      return d.allocatedBytes();
    }

    @Override
    public int overheadPerFrame() {
      return d.overheadPerFrame();
    }

    @Override
    public void close() throws IOException {
      d.close();
    }
  }
}
