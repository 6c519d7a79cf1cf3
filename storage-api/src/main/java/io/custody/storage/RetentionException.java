package io.custody.storage;

/**
 * Deleting or changing an object was refused because it is under retention or legal hold (by the
 * store itself where it enforces them, e.g. S3 Object Lock, or by the plugin).
 */
public final class RetentionException extends StorageException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public RetentionException(String key, String message) {
    super(message);
    this.key = key;
  }

  public RetentionException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
