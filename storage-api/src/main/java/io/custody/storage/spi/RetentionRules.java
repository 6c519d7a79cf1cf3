package io.custody.storage.spi;

import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import java.time.Instant;
import java.util.Optional;

/** The retention rules of {@link io.custody.storage.BlobStore#protect}, for plugins that enforce them. */
public final class RetentionRules {
  private RetentionRules() {}

  /**
   * Refuses shortening or removing compliance retention that is still running.
   *
   * @throws RetentionException if {@code requested} would do that
   */
  public static void checkChange(String key, Optional<Retention> current, Optional<Retention> requested,
      Instant now) throws RetentionException {
    if (current.isPresent() && current.get().activeAt(now) && current.get().mode() == Retention.Mode.COMPLIANCE
        && (requested.isEmpty() || requested.get().until().isBefore(current.get().until()))) {
      throw new RetentionException(key, "compliance retention on '" + key + "' until "
          + current.get().until() + " cannot be shortened or removed");
    }
  }
}
