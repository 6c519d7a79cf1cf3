package io.custody.storage.tck;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs that a full-disk test mounts for itself ({@code mount -t tmpfs}, so it needs root,
 * as CI has) and unmounts when closed (lazily if a file on it is still open). Where mounting is refused the test is skipped, saying why.
 * tmpfs keeps user extended attributes (Linux 6.6 and later) and hard links, so the file: store
 * runs on it; {@code nr_inodes} makes file and link creation run out as well as bytes.
 */
public final class SmallFileSystem implements AutoCloseable {
  /** The mount point. */
  public final Path dir;

  private SmallFileSystem(Path dir) {
    this.dir = dir;
  }

  /**
   * Mounts a tmpfs with these options (e.g. {@code size=3m} or {@code size=1m,nr_inodes=16}) on
   * {@code dir}, created if needed; skips the calling test when the mount is refused.
   */
  public static SmallFileSystem mount(Path dir, String options) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Result r = run("mount", "-t", "tmpfs", "-o", options, "custody-full-disk-test", dir.toString());
    if (r.exit != 0) {
      abort("cannot mount a small tmpfs for the full-disk test (needs root): " + r.output);
    }
    return new SmallFileSystem(dir);
  }

  @Override
  public void close() throws IOException {
    try {
      unmount();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while unmounting " + dir);
    }
  }

  private void unmount() throws IOException, InterruptedException {
    Result r = run("umount", dir.toString());
    if (r.exit != 0) {
      // Busy: a file on it is still open (a leak, or a failed test's). Name them, and detach it
      // anyway so no mount is left behind.
      String open = openFiles();
      Result lazy = run("umount", "--lazy", dir.toString());
      throw new IOException("umount " + dir + " failed (" + r.output + "); files this process holds open there: "
          + open + "; detached lazily: " + (lazy.exit == 0));
    }
  }

  private String openFiles() throws IOException {
    StringBuilder b = new StringBuilder();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir)) {
            b.append(target).append(' ');
          }
        } catch (IOException closedMeanwhile) {
          // not open any more
        }
      }
    }
    return b.toString().trim();
  }

  private record Result(int exit, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish");
    }
    return new Result(p.exitValue(), output);
  }
}
