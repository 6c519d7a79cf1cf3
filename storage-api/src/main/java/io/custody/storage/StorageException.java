package io.custody.storage;

import java.io.IOException;

/**
 * A store could not do what was asked. Subclasses say why when the caller can act on it; {@link
 * #isTransient()} says whether trying again later may succeed (network, throttling, a server
 * restarting), which is what an uploader's retry policy needs.
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  public StorageException(String message) {
    this(message, null, false);
  }

  public StorageException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public StorageException(String message, Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** Whether the same call may succeed if tried again later. */
  public boolean isTransient() {
    return transientFailure;
  }
}
