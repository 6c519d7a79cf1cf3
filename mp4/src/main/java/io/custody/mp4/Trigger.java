package io.custody.mp4;

import java.util.Objects;

/**
 * Why a recording started: the source that fired and an optional detail (e.g. which Taser). An
 * immutable value; it travels with every segment of the recording.
 *
 * @param source what fired
 * @param detail free text for people, or the empty string
 */
public record Trigger(Source source, String detail) {
  /** What can start a recording. */
  public enum Source {
    /** The officer pressed record. */
    BUTTON,
    /** The weapon left its holster. */
    HOLSTER,
    /** A conducted-energy device was armed or fired. */
    TASER,
    /** The vehicle's lights or siren came on. */
    VEHICLE,
    /** A dispatcher or another device asked for it. */
    REMOTE,
    /** A recording reached its maximum length and this one continues it. */
    CONTINUATION,
    /** Anything else; say what in the detail. */
    OTHER
  }

  public Trigger {
    Objects.requireNonNull(source, "source");
    detail = detail == null ? "" : detail;
  }

  /** The officer pressed record. */
  public static Trigger button() {
    return new Trigger(Source.BUTTON, "");
  }

  /** A trigger with no detail. */
  public static Trigger of(Source source) {
    return new Trigger(source, "");
  }
}
