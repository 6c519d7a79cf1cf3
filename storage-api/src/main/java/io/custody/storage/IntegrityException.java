package io.custody.storage;

/**
 * Bytes did not match their checksum: what the store received differs from what the writer sent,
 * or what a read returned differs from what was stored. Never transient from the caller's side:
 * the upload must be redone from the source.
 */
public final class IntegrityException extends StorageException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message);
  }
}
