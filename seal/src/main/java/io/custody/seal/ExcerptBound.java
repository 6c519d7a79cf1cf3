package io.custody.seal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One end of an excerpt's time span: a wall-clock time (matched against the fragments' {@code
 * prft} times), or a time from the recording's start (matched against the video's decode times,
 * which count from 0 at the recording's first frame). Immutable.
 */
public final class ExcerptBound {
  private final Instant instant;
  private final BigDecimal seconds;

  private ExcerptBound(Instant instant, BigDecimal seconds) {
    this.instant = instant;
    this.seconds = seconds;
  }

  /** A wall-clock time. */
  public static ExcerptBound at(Instant instant) {
    return new ExcerptBound(java.util.Objects.requireNonNull(instant), null);
  }

  /** {@code seconds} (not negative) after the recording's first frame. */
  public static ExcerptBound fromStart(BigDecimal seconds) {
    if (seconds.signum() < 0) {
      throw new IllegalArgumentException("a time from the recording's start cannot be negative: " + seconds);
    }
    return new ExcerptBound(null, seconds);
  }

  /** {@code d} after the recording's first frame. */
  public static ExcerptBound fromStart(Duration d) {
    return fromStart(BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)));
  }

  /**
   * Parses an ISO 8601 date-time with its offset ({@code 2026-12-04T12:00:05Z}, {@code
   * 2026-12-04T13:00:05+01:00}) or a decimal number of seconds from the recording's start ({@code
   * 90}, {@code 90.5}).
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static ExcerptBound parse(String text) {
    String t = text.trim();
    if (t.indexOf('T') >= 0) {
      try {
        return at(OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO 8601 date-time with an offset (e.g. 2026-12-04T12:00:05Z): " + text);
      }
    }
    if (!t.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
      throw new IllegalArgumentException("not a time: " + text
          + " (an ISO 8601 date-time with an offset, or seconds from the recording's start such as 90.5)");
    }
    return fromStart(new BigDecimal(t));
  }

  /** The wall-clock time, if this bound is one. */
  public Optional<Instant> instant() {
    return Optional.ofNullable(instant);
  }

  /** The seconds from the recording's start, if this bound is such a time. */
  public Optional<BigDecimal> secondsFromStart() {
    return Optional.ofNullable(seconds);
  }

  /** As {@link #parse} reads it: an ISO 8601 instant in UTC, or plain decimal seconds. */
  @Override
  public String toString() {
    return instant != null ? instant.toString() : seconds.toPlainString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExcerptBound b && java.util.Objects.equals(instant, b.instant)
        && (seconds == null ? b.seconds == null : b.seconds != null && seconds.compareTo(b.seconds) == 0);
  }

  @Override
  public int hashCode() {
    return instant != null ? instant.hashCode() : seconds.stripTrailingZeros().hashCode();
  }
}
