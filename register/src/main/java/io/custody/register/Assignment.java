package io.custody.register;

import java.time.Instant;
import java.util.Objects;

/**
 * The camera was issued to {@code officer} from {@code from} (until its next assignment).
 *
 * @param officer who holds the camera (a name or a collar number)
 * @param from when the assignment began
 */
public record Assignment(String officer, Instant from) {
  public Assignment {
    Objects.requireNonNull(officer, "officer");
    Objects.requireNonNull(from, "from");
  }
}
