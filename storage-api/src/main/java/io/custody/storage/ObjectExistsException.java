package io.custody.storage;

/**
 * A create was refused because the key already holds different bytes. Evidence is never
 * overwritten: a store that finds the same bytes already there (a retried upload) reports success
 * instead.
 */
public final class ObjectExistsException extends StorageException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ObjectExistsException(String key, String message) {
    super(message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
