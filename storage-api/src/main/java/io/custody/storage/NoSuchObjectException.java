package io.custody.storage;

/** The key holds no object. */
public final class NoSuchObjectException extends StorageException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public NoSuchObjectException(String key) {
    super("no object under key '" + key + "'");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
