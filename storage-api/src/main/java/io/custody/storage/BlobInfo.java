package io.custody.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store knows about one object. Immutable.
 *
 * @param key the object's key
 * @param size bytes
 * @param sha256 SHA-256 of the bytes, as computed by the writer and confirmed by the store when
 *     committed
 * @param lastModified when it was committed
 * @param retention the retention period, if any
 * @param legalHold whether a legal hold is on
 */
public record BlobInfo(String key, long size, Sha256 sha256, Instant lastModified,
    Optional<Retention> retention, boolean legalHold) {
  public BlobInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(retention, "retention");
  }

  /** Whether deleting or replacing the object must be refused at {@code now}. */
  public boolean isProtectedAt(Instant now) {
    return legalHold || retention.map(r -> r.activeAt(now)).orElse(false);
  }
}
