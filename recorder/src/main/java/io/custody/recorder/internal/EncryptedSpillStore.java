package io.custody.recorder.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A {@link PayloadStore} in a file, for pre-event windows too long for a device's memory. Every
 * frame is encrypted with AES-256-GCM under a key generated at start and held only in memory, so
 * the flash of a stolen camera holds nothing readable from the buffer, and after a restart (the
 * key gone) nothing of it can be read back. A frame whose bytes were altered on disk fails its
 * tag when read back: {@link #read} throws rather than emit it.
 *
 * <p>Layout: the file is a ring of {@code capacity} bytes; position {@code p} lives at file offset
 * {@code p mod capacity}. The owner never holds more than {@code capacity} bytes, so live data is
 * never overwritten. Each frame is stored as ciphertext followed by its 16-byte tag; the nonce is
 * the frame's position (unique, positions only grow), so no nonce is stored.
 *
 * <p>Trade-off: each frame costs one AES-GCM pass and a positional write (the page cache absorbs
 * them; no fsync, since nothing here must survive a crash), and 16 bytes. The file is opened
 * delete-on-close, which on Linux and other Unix systems unlinks it at once: it has no name in
 * the directory while in use, and its blocks are freed when the process ends, even by a crash.
 * Where the platform keeps the name, files a crash left behind are deleted by the next {@link
 * #create} in the same directory.
 */
public final class EncryptedSpillStore implements PayloadStore {
  private static final String PREFIX = "custody-spill-";
  private static final String SUFFIX = ".tmp";
  private static final int TAG_BYTES = 16;

  private final Path file;
  private final FileChannel channel;
  private final long capacity;
  private final SecretKey key;
  private final Cipher cipher;
  private byte[] scratch = new byte[64 * 1024];
  private final byte[] nonce = new byte[12];
  private long head;
  private long tail;

  private EncryptedSpillStore(Path file, FileChannel channel, long capacity, SecretKey key, Cipher cipher) {
    this.file = file;
    this.channel = channel;
    this.capacity = capacity;
    this.key = key;
    this.cipher = cipher;
  }

  /**
   * Creates a spill file of {@code capacity} bytes in {@code dir}, first deleting spill files a
   * crashed process left there (their key died with it).
   */
  public static EncryptedSpillStore create(Path dir, long capacity) throws IOException {
    Files.createDirectories(dir);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    }
    Path file = Files.createTempFile(dir, PREFIX, SUFFIX);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
    try {
      KeyGenerator kg = KeyGenerator.getInstance("AES");
      kg.init(256, new SecureRandom());
      return new EncryptedSpillStore(file, channel, capacity, kg.generateKey(),
          Cipher.getInstance("AES/GCM/NoPadding"));
    } catch (GeneralSecurityException e) {
      channel.close();
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  /** The spill file's path (already unlinked on Unix systems). */
  public Path file() {
    return file;
  }

  /** The open file, for tests that look at what is on disk. */
  FileChannel channel() {
    return channel;
  }

  @Override
  public long append(byte[] src, int off, int len) throws IOException {
    int stored = len + TAG_BYTES;
    if (tail + stored - head > capacity) {
      throw new IllegalStateException("spill file full: the owner must evict first");
    }
    byte[] buf = scratch(stored);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonceFor(tail)));
      int n = cipher.doFinal(src, off, len, buf, 0);
      writeAt(tail, buf, n);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
    long at = tail;
    tail += stored;
    return at;
  }

  @Override
  public void read(long position, byte[] dst, int off, int len) throws IOException {
    int stored = len + TAG_BYTES;
    if (position < head || position + stored > tail) {
      throw new IllegalArgumentException("frame at " + position + " is not held");
    }
    byte[] buf = scratch(stored);
    readAt(position, buf, stored);
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonceFor(position)));
      cipher.doFinal(buf, 0, stored, dst, off);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IOException("pre-event spill file was altered or damaged at position " + position, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  private byte[] nonceFor(long position) {
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (position >>> (56 - 8 * i));
    }
    return nonce;
  }

  private byte[] scratch(int n) {
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
    return scratch;
  }

  private void writeAt(long position, byte[] buf, int n) throws IOException {
    long fileOffset = position % capacity;
    int first = (int) Math.min(n, capacity - fileOffset);
    writeFully(ByteBuffer.wrap(buf, 0, first), fileOffset);
    if (first < n) {
      writeFully(ByteBuffer.wrap(buf, first, n - first), 0);
    }
  }

  private void readAt(long position, byte[] buf, int n) throws IOException {
    long fileOffset = position % capacity;
    int first = (int) Math.min(n, capacity - fileOffset);
    readFully(ByteBuffer.wrap(buf, 0, first), fileOffset);
    if (first < n) {
      readFully(ByteBuffer.wrap(buf, first, n - first), 0);
    }
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += channel.write(b, at);
    }
  }

  private void readFully(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      int n = channel.read(b, at);
      if (n < 0) {
        throw new IOException("pre-event spill file is shorter than expected");
      }
      at += n;
    }
  }

  @Override
  public void releaseBefore(long position) {
    if (position < head || position > tail) {
      throw new IllegalArgumentException("position " + position + " outside [" + head + ", " + tail + "]");
    }
    head = position;
  }

  @Override
  public void clear() {
    head = tail;
  }

  @Override
  public long usedBytes() {
    return tail - head;
  }

  @Override
  public long allocatedBytes() {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int overheadPerFrame() {
    return TAG_BYTES;
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }
}
