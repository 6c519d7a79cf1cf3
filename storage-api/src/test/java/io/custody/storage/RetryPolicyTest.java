package io.custody.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.RetryPolicy.Jitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Duration MS_100 = Duration.ofMillis(100);
  private static final Duration S_1 = Duration.ofSeconds(1);

  @Test
  void defaults() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.maxAttempts()).isEqualTo(8);
    assertThat(p.initialDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(p.maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.jitter()).isEqualTo(Jitter.FULL);
  }

  @Test
  void theBackoffDoublesFromTheInitialDelayUpToTheMaximum() {
    RetryPolicy p = new RetryPolicy(8, MS_100, S_1, Jitter.FULL);
    List<Duration> backoffs = new ArrayList<>();
    for (int attempt = 2; attempt <= 8; attempt++) {
      backoffs.add(p.backoffBefore(attempt));
    }
    assertThat(backoffs).containsExactly(MS_100, Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(800), S_1, S_1, S_1);
  }

  @Test
  void aLongPolicyNeverOverflows() {
    RetryPolicy p = new RetryPolicy(Integer.MAX_VALUE, Duration.ofNanos(3), Duration.ofDays(365_000), Jitter.EQUAL);
    assertThat(p.backoffBefore(Integer.MAX_VALUE)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE - 1));
    assertThat(p.backoffBefore(63)).isEqualTo(Duration.ofNanos(3L << 61));
    assertThat(p.backoffBefore(64)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE - 1));
    assertThat(p.delayBefore(1000, new SplittableRandom(1))).isBetween(
        Duration.ofNanos(Long.MAX_VALUE / 2), Duration.ofNanos(Long.MAX_VALUE - 1));
    assertThat(new RetryPolicy(100, Duration.ZERO, S_1, Jitter.FULL).backoffBefore(100)).isZero();
  }

  @Test
  void fullJitterDrawsFromZeroToTheBackoffAndReachesBothEnds() {
    RetryPolicy p = new RetryPolicy(4, Duration.ofNanos(2), Duration.ofNanos(8), Jitter.FULL);
    SplittableRandom random = new SplittableRandom(7);
    boolean[] seen = new boolean[9];
    for (int i = 0; i < 2000; i++) {
      long d = p.delayBefore(4, random).toNanos(); // backoff 8 ns
      assertThat(d).isBetween(0L, 8L);
      seen[(int) d] = true;
    }
    assertThat(seen).containsOnly(true);
  }

  @Test
  void equalJitterNeverWaitsLessThanHalfTheBackoff() {
    RetryPolicy p = new RetryPolicy(4, Duration.ofNanos(2), Duration.ofNanos(9), Jitter.EQUAL);
    SplittableRandom random = new SplittableRandom(7);
    boolean[] seen = new boolean[10];
    for (int i = 0; i < 2000; i++) {
      long d = p.delayBefore(4, random).toNanos(); // backoff 8 ns: [4, 8]
      assertThat(d).isBetween(4L, 8L);
      seen[(int) d] = true;
    }
    assertThat(seen).containsExactly(false, false, false, false, true, true, true, true, true, false);
    for (int i = 0; i < 200; i++) {
      assertThat(p.delayBefore(2, random).toNanos()).isBetween(1L, 2L); // backoff 2 ns: [1, 2]
    }
  }

  @Test
  void aSeededRandomGivesTheSameDelays() {
    RetryPolicy p = RetryPolicy.defaults();
    List<Duration> first = new ArrayList<>();
    List<Duration> second = new ArrayList<>();
    SplittableRandom a = new SplittableRandom(42);
    SplittableRandom b = new SplittableRandom(42);
    for (int attempt = 2; attempt <= p.maxAttempts(); attempt++) {
      first.add(p.delayBefore(attempt, a));
      second.add(p.delayBefore(attempt, b));
    }
    assertThat(first).isEqualTo(second).doesNotHaveDuplicates();
  }

  @Test
  void retriesStopAtMaxAttempts() {
    RetryPolicy p = new RetryPolicy(3, MS_100, S_1, Jitter.FULL);
    assertThat(p.retriesAfter(1)).isTrue();
    assertThat(p.retriesAfter(2)).isTrue();
    assertThat(p.retriesAfter(3)).isFalse();
    assertThat(new RetryPolicy(1, MS_100, S_1, Jitter.FULL).retriesAfter(1)).isFalse();
    assertThatThrownBy(() -> p.delayBefore(4, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempt must be between 2 and maxAttempts (3), not 4");
    assertThatThrownBy(() -> p.backoffBefore(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("attempt must be between 2");
  }

  @Test
  void settingsAreCheckedAndNamed() {
    assertThatThrownBy(() -> new RetryPolicy(0, MS_100, S_1, Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be at least 1, not 0");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(-1), S_1, Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("initialDelay must not be negative, not PT-0.001S");
    assertThatThrownBy(() -> new RetryPolicy(3, S_1, MS_100, Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay (PT0.1S) must not be less than initialDelay (PT1S)");
    assertThatThrownBy(() -> new RetryPolicy(3, null, S_1, Jitter.FULL))
        .isInstanceOf(NullPointerException.class).hasMessage("initialDelay");
    assertThatThrownBy(() -> new RetryPolicy(3, MS_100, null, Jitter.FULL))
        .isInstanceOf(NullPointerException.class).hasMessage("maxDelay");
    assertThatThrownBy(() -> new RetryPolicy(3, MS_100, S_1, null))
        .isInstanceOf(NullPointerException.class).hasMessage("jitter");
  }

  @Test
  void sleepBeforeWaitsAtLeastHalfTheBackoffUnderEqualJitter() throws InterruptedException {
    RetryPolicy p = new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(20), Jitter.EQUAL);
    long start = System.nanoTime();
    p.sleepBefore(2);
    long slept = System.nanoTime() - start;
    assertThat(slept).isGreaterThanOrEqualTo(Duration.ofMillis(10).toNanos());
  }
}
