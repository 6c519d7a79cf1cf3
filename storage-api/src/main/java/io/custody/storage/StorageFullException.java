package io.custody.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * There is no room for what was being written: the disk (or the quota) is full. Never transient
 * from a retry policy's side: the same write succeeds only once space has been freed. Whatever was
 * complete before stays complete; the object being written is not published (docs/PLUGINS.md).
 */
public class StorageFullException extends StorageException {
  private static final long serialVersionUID = 1L;
  /**
   * Below this much usable space a failed write counts as a full disk. A write that fails for
   * want of space leaves at most a few blocks (the last partial write took the rest).
   */
  static final long FULL_BELOW_BYTES = 64 * 1024;

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code e} as a {@code StorageFullException} naming {@code path} when the file system holding
   * {@code path} is full, otherwise {@code e} itself. Only an untyped failure ({@code
   * IOException} or {@code FileSystemException} itself, which is how the JDK reports ENOSPC and
   * EDQUOT) can mean a full disk; it does when its text is ENOSPC's or EDQUOT's in the C locale, or,
   * whatever the locale, when less than 64 KiB of the file system is usable.
   */
  public static IOException onLocalDisk(IOException e, Path path) {
    if ((e.getClass() != IOException.class && e.getClass() != FileSystemException.class) || !isFull(e, path)) {
      return e;
    }
    return new StorageFullException("no space left on device writing " + path, e);
  }

  private static boolean isFull(IOException e, Path path) {
    String m = e.getMessage();
    if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
      return true;
    }
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return false;
    }
    try {
      FileStore store = Files.getFileStore(existing);
      return store.getUsableSpace() < FULL_BELOW_BYTES;
    } catch (IOException unknown) {
      return false;
    }
  }
}
