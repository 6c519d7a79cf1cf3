package io.custody.recorder;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the pre-event buffer keeps frame bytes. An immutable value.
 *
 * <ul>
 *   <li>{@link #heap()} (default): pooled {@code byte[]} slabs on the Java heap.
 *   <li>{@link #direct()}: pooled direct buffers off the heap, which keeps a long window out of
 *       the garbage collector's way.
 *   <li>{@link #encryptedSpill(Path)}: a file in the given directory, for windows too long for a
 *       device's memory. Every frame is AES-256-GCM encrypted under a key held only in memory:
 *       the flash of a stolen camera holds nothing readable from the buffer, and nothing of it
 *       survives a restart. It costs an encryption and a write per frame and 16 bytes per frame.
 * </ul>
 */
public final class PreEventStorage {
  private enum Kind { HEAP, DIRECT, SPILL }

  private final Kind kind;
  private final Path spillDirectory;

  private PreEventStorage(Kind kind, Path spillDirectory) {
    this.kind = kind;
    this.spillDirectory = spillDirectory;
  }

  /** Pooled slabs on the Java heap. */
  public static PreEventStorage heap() {
    return new PreEventStorage(Kind.HEAP, null);
  }

  /** Pooled direct (off-heap) buffers. */
  public static PreEventStorage direct() {
    return new PreEventStorage(Kind.DIRECT, null);
  }

  /** An encrypted spill file in {@code directory} (created if missing). */
  public static PreEventStorage encryptedSpill(Path directory) {
    return new PreEventStorage(Kind.SPILL, Objects.requireNonNull(directory, "directory"));
  }

  boolean isDirect() {
    return kind == Kind.DIRECT;
  }

  /** The spill directory, when this is {@link #encryptedSpill}. */
  public Optional<Path> spillDirectory() {
    return Optional.ofNullable(spillDirectory);
  }

  @Override
  public String toString() {
    return kind == Kind.SPILL ? "encryptedSpill(" + spillDirectory + ")" : kind.name().toLowerCase(Locale.ROOT);
  }
}
