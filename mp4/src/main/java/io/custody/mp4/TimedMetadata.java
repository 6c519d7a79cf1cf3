package io.custody.mp4;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Encodes the JSON samples of the metadata track (format in the {@linkplain io.custody.mp4
 * package documentation}): one compact UTF-8 JSON object per sample, fields in a fixed order.
 * Stateless; each call allocates its result (metadata arrives a few times a second at most).
 */
public final class TimedMetadata {
  private TimedMetadata() {}

  /**
   * A GPS fix. Optional values are {@link Double#NaN} when unknown and then left out.
   *
   * @param time when the fix was taken
   * @param latitude WGS 84 degrees, -90 to 90
   * @param longitude WGS 84 degrees, -180 to 180
   * @param altitudeMetres metres above the WGS 84 ellipsoid, or NaN
   * @param accuracyMetres horizontal accuracy radius in metres (68 %), or NaN
   * @param speedMetresPerSecond ground speed, or NaN
   * @param headingDegrees course over ground, degrees clockwise from true north [0, 360), or NaN
   * @throws IllegalArgumentException if latitude or longitude is out of range or not finite
   */
  public static byte[] gps(Instant time, double latitude, double longitude, double altitudeMetres,
      double accuracyMetres, double speedMetresPerSecond, double headingDegrees) {
    if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("bad position: " + latitude + ", " + longitude);
    }
    StringBuilder sb = start("gps", time);
    number(sb, "lat", latitude);
    number(sb, "lon", longitude);
    number(sb, "alt", altitudeMetres);
    number(sb, "accuracy", accuracyMetres);
    number(sb, "speed", speedMetresPerSecond);
    number(sb, "heading", headingDegrees);
    return end(sb);
  }

  /**
   * An event marker (e.g. the officer pressed the event button).
   *
   * @param id identifier of the marker, unique within the recording
   * @param label human-readable label, or null
   */
  public static byte[] marker(Instant time, String id, String label) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("marker id is required");
    }
    StringBuilder sb = start("marker", time);
    string(sb, "id", id);
    if (label != null) {
      string(sb, "label", label);
    }
    return end(sb);
  }

  /**
   * Audio mute switched on ({@code muted} true: the microphone is muted from {@code time}) or
   * off.
   */
  public static byte[] mute(Instant time, boolean muted) {
    StringBuilder sb = start("mute", time);
    sb.append(",\"on\":").append(muted);
    return end(sb);
  }

  private static StringBuilder start(String type, Instant time) {
    if (time == null) {
      throw new NullPointerException("time");
    }
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"type\":\"").append(type).append("\",\"time\":\"").append(time).append('"');
    return sb;
  }

  private static byte[] end(StringBuilder sb) {
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void number(StringBuilder sb, String name, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    if (Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " is infinite");
    }
    sb.append(",\"").append(name).append("\":").append(v);
  }

  private static void string(StringBuilder sb, String name, String v) {
    sb.append(",\"").append(name).append("\":\"");
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
