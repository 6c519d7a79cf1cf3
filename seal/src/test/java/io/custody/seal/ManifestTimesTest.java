package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Locales;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Manifest times (docs/FORMAT.md §6.1) are UTC with exactly three fraction digits, rounded down. */
class ManifestTimesTest {
  @Test
  void timesHaveMillisecondPrecisionWhateverTheInstant() throws Exception {
    for (var l : Locales.HOSTILE) {
      Locales.under(l, Locales.ODD_ZONE, () -> {
        assertThat(Manifests.timestamp(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(Manifests.timestamp(Instant.parse("2026-01-02T03:04:05.6789Z"))).isEqualTo("2026-01-02T03:04:05.678Z");
        assertThat(Manifests.timestamp(Instant.parse("1969-12-31T23:59:59.9999Z"))).isEqualTo("1969-12-31T23:59:59.999Z");
        return null;
      });
    }
  }

  @Test
  void theEndIsTheStartPlusTheVideoRoundedDown() {
    Instant start = Instant.parse("2026-01-02T03:04:05.678Z");
    // 2 s and 1/90,000 s: the tick is below a millisecond
    assertThat(Manifests.end(start, 180_001, 90_000)).isEqualTo(Instant.parse("2026-01-02T03:04:07.678Z"));
    assertThat(Manifests.end(start, 1001, 30_000)).isEqualTo(Instant.parse("2026-01-02T03:04:05.711Z"));
  }
}
