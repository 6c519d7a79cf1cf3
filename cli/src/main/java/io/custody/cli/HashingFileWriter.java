package io.custody.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Writes files one after another on a thread of its own, hashing each (SHA-256) as it goes, so
 * that the thread producing the bytes (decrypting an export) and the one hashing and writing them
 * use two cores. Bytes are copied into a few pooled buffers, so memory stays bounded (8 MiB) and
 * the producer waits when the writer falls behind. A failure on the writer's side is thrown to the
 * producer at its next call. Not thread-safe: one producer.
 */
final class HashingFileWriter implements Closeable {
  private static final int BUFFER = 1 << 20;
  private static final int BUFFERS = 8;

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "custody-export-writer");
    t.setDaemon(true);
    return t;
  });
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final List<Path> files = new ArrayList<>();
  private final List<String> hashes = new ArrayList<>();
  private volatile IOException failure;
  private byte[] current;
  private int filled;
  // Touched by the writer thread only.
  private FileChannel out;
  private final MessageDigest sha;

  HashingFileWriter() {
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[BUFFER]);
    }
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ends the file being written (if any) and starts {@code file}, which must not exist. */
  void start(Path file) throws IOException {
    flush();
    files.add(file);
    submit(() -> {
      finishFile();
      out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    });
  }

  /** Appends to the current file. */
  void write(byte[] b, int offset, int length) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalStateException("no file started");
    }
    while (length > 0) {
      if (current == null) {
        current = take();
        filled = 0;
      }
      int n = Math.min(length, BUFFER - filled);
      System.arraycopy(b, offset, current, filled, n);
      filled += n;
      offset += n;
      length -= n;
      if (filled == BUFFER) {
        flush();
      }
    }
  }

  /**
   * Writes what is left, closes the last file and waits for the writer: the files, in the order
   * started, and the SHA-256 (hex) of each.
   */
  List<String> finish() throws IOException {
    flush();
    submit(this::finishFile);
    thread.shutdown();
    try {
      while (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
        // a slow disk: keep waiting (a failure ends the writer's tasks early)
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
    throwFailure();
    return List.copyOf(hashes);
  }

  /** The files started, in order. */
  List<Path> files() {
    return List.copyOf(files);
  }

  /** Stops the writer (what it has not written yet is dropped) and closes the open file. */
  @Override
  public void close() throws IOException {
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (out != null) {
      out.close();
    }
  }

  private void flush() throws IOException {
    if (current == null || filled == 0) {
      return;
    }
    byte[] b = current;
    int n = filled;
    current = null;
    submit(() -> {
      ByteBuffer buf = ByteBuffer.wrap(b, 0, n);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      sha.update(b, 0, n);
      free.add(b);
    });
  }

  private void finishFile() throws IOException {
    if (out != null) {
      out.close();
      out = null;
      hashes.add(HexFormat.of().formatHex(sha.digest()));
    }
  }

  private byte[] take() throws IOException {
    try {
      byte[] b;
      while ((b = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
        throwFailure(); // the writer failed: its buffers will not come back
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
  }

  private interface Task {
    void run() throws IOException;
  }

  private void submit(Task task) throws IOException {
    throwFailure();
    thread.execute(() -> {
      if (failure != null) {
        return;
      }
      try {
        task.run();
      } catch (IOException e) {
        failure = e;
      }
    });
  }

  private void throwFailure() throws IOException {
    IOException e = failure;
    if (e != null) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
