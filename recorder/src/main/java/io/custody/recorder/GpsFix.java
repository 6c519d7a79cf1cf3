package io.custody.recorder;

import java.time.Instant;
import java.util.Objects;

/**
 * One position fix from the camera's GNSS receiver. Unknown values are {@link Double#NaN}.
 *
 * @param time when the fix was taken (wall clock)
 * @param latitude WGS 84 degrees, [-90, 90]
 * @param longitude WGS 84 degrees, [-180, 180]
 * @param altitudeMetres above the WGS 84 ellipsoid
 * @param accuracyMetres horizontal accuracy radius (68 %)
 * @param speedMetresPerSecond over ground
 * @param headingDegrees clockwise from true north, [0, 360)
 */
public record GpsFix(
    Instant time,
    double latitude,
    double longitude,
    double altitudeMetres,
    double accuracyMetres,
    double speedMetresPerSecond,
    double headingDegrees) {
  public GpsFix {
    Objects.requireNonNull(time, "time");
    if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("position out of range: " + latitude + ", " + longitude);
    }
  }

  /** A fix with only a position known. */
  public static GpsFix of(Instant time, double latitude, double longitude) {
    return new GpsFix(time, latitude, longitude, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }
}
