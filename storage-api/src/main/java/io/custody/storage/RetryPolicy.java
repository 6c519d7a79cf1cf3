package io.custody.storage;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * How often, and how far apart, a failed store operation is tried again: exponential backoff with
 * jitter, bounded by a number of attempts and a longest delay. Immutable and thread-safe; the
 * uploader and the S3 plugin retry under one.
 *
 * <p>Attempts are numbered from 1; the first is never delayed. Before attempt {@code n} (2 to
 * {@link #maxAttempts()}) the backoff is {@code min(maxDelay, initialDelay × 2^(n−2))}, and the
 * delay is drawn from it by the {@link Jitter}: with {@link Jitter#FULL} uniformly from
 * {@code [0, backoff]}, with {@link Jitter#EQUAL} from {@code [backoff/2, backoff]}. Jitter keeps
 * writers that failed together (a gateway restart, a conflicting write) from retrying in step.
 *
 * @param maxAttempts attempts in all, the first included (at least 1; 1 means no retry)
 * @param initialDelay the backoff before the second attempt (zero or more)
 * @param maxDelay the longest backoff (at least {@code initialDelay})
 * @param jitter how a delay is drawn from the backoff
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Jitter jitter) {
  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(30), Jitter.FULL);

  /** How a delay is drawn from the backoff. */
  public enum Jitter {
    /** Uniformly from zero to the backoff: spreads retries most (the default). */
    FULL,
    /** Uniformly from half the backoff to all of it: never retries sooner than half. */
    EQUAL
  }

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   * @throws NullPointerException naming the setting that is null
   */
  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(jitter, "jitter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay must not be negative, not " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be less than initialDelay ("
          + initialDelay + ")");
    }
  }

  /** 8 attempts, backoff from 200 ms doubling to at most 30 s, full jitter. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** Whether another attempt follows attempt {@code attempt} (that is, {@code attempt < maxAttempts}). */
  public boolean retriesAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** The backoff before attempt {@code attempt}, before jitter: the most {@link #delayBefore} returns. */
  public Duration backoffBefore(int attempt) {
    checkAttempt(attempt);
    long initial = saturatedNanos(initialDelay);
    long max = saturatedNanos(maxDelay);
    int doublings = attempt - 2;
    long backoff;
    if (initial == 0) {
      backoff = 0;
    } else if (doublings >= Long.numberOfLeadingZeros(initial)) {
      backoff = max; // initial × 2^doublings would not fit in a long, so it is past max
    } else {
      backoff = Math.min(max, initial << doublings);
    }
    return Duration.ofNanos(backoff);
  }

  /**
   * The delay before attempt {@code attempt}, drawn with {@code random} (pass a seeded generator
   * for a reproducible sequence).
   *
   * @throws IllegalArgumentException if {@code attempt} is not between 2 and {@link #maxAttempts()}
   */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    long backoff = backoffBefore(attempt).toNanos();
    long delay = switch (jitter) {
      case FULL -> random.nextLong(backoff + 1);
      case EQUAL -> backoff - backoff / 2 + random.nextLong(backoff / 2 + 1);
    };
    return Duration.ofNanos(delay);
  }

  /**
   * Sleeps the {@linkplain #delayBefore delay before} attempt {@code attempt}, drawn with {@link
   * ThreadLocalRandom}.
   *
   * @throws InterruptedException if the thread is interrupted while it sleeps
   */
  public void sleepBefore(int attempt) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(delayBefore(attempt, ThreadLocalRandom.current()).toNanos());
  }

  private void checkAttempt(int attempt) {
    if (attempt < 2 || attempt > maxAttempts) {
      throw new IllegalArgumentException("attempt must be between 2 and maxAttempts (" + maxAttempts + "), not "
          + attempt);
    }
  }

  /** Nanoseconds, at most {@code Long.MAX_VALUE - 1} (about 292 years), so a draw's bound + 1 fits. */
  private static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE - 1);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE - 1;
    }
  }
}
