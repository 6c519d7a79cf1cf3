package io.custody.upload;

/** Hears about an upload run; called from the uploader's worker threads, so keep it short. */
public interface UploadListener {
  /** An object was uploaded and verified (or was already there, verified). */
  default void uploaded(String key, long bytes, boolean alreadyThere) {}

  /** An attempt failed; {@code willRetry} says whether another follows. */
  default void attemptFailed(String key, int attempt, Exception error, boolean willRetry) {}

  /** After every object. */
  default void progress(UploadProgress progress) {}
}
