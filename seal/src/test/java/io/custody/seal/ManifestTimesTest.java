package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Locales;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
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

  @Test
  void timesReadBackAsInstantParseReadsThem() {
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 100_000; i++) {
      // from year 0 to 9999, where the form is four digits
      Instant t = Instant.ofEpochMilli(random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L));
      String s = Manifests.timestamp(t);
      assertThat(Manifests.parseTimestamp(s)).as(s).isEqualTo(Instant.parse(s)).isEqualTo(t);
    }
    List<String> others = List.of("2024-02-29T12:00:00.000Z", "2023-02-29T12:00:00.000Z", "2026-04-31T00:00:00.000Z",
        "2026-13-01T00:00:00.000Z", "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
        "2026-01-01T23:60:00.000Z", "2026-12-31T23:59:60.000Z", "2026-01-01t00:00:00.000z", "2026-01-01T00:00:00.000+00:00",
        "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.123456Z", "2026-01-0" + (char) 0x0661 + "T00:00:00.000Z",
        "+10000-01-01T00:00:00.000Z", "-0001-01-01T00:00:00.000Z", "2026-01-01 00:00:00.000Z", "2026-01-01T00:00:00.0-0Z",
        "0000-01-01T00:00:00.000Z", "", "not a time at all, 24 c");
    for (String s : others) {
      assertThat(outcome(() -> Manifests.parseTimestamp(s))).as(s).isEqualTo(outcome(() -> Instant.parse(s)));
    }
  }

  /** The instant read, or the kind of failure. */
  private static Object outcome(java.util.function.Supplier<Instant> parse) {
    try {
      return parse.get();
    } catch (DateTimeException e) {
      return DateTimeException.class;
    }
  }
}
