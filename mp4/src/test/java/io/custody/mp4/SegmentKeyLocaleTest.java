package io.custody.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Locales;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Segment keys and metadata samples are the same under every default locale. */
class SegmentKeyLocaleTest {
  @Test
  void keysHaveAsciiDigitsUnderPersianAndArabicLocales() throws Exception {
    RecordingInfo recording = new RecordingInfo("5f0c7a1e-2b7d-4c1a-9e55-6a0f3e2d1c00", Trigger.button(),
        Optional.empty(), Instant.EPOCH, 0);
    SegmentDescriptor segment = new SegmentDescriptor(recording, 42, Instant.EPOCH, "CAM", "PC");
    for (Locale l : Locales.HOSTILE) {
      Locales.under(l, Locales.ODD_ZONE, () -> {
        assertThat(segment.key(".sealed")).as(l.toString())
            .isEqualTo("5f0c7a1e-2b7d-4c1a-9e55-6a0f3e2d1c00/00042.sealed");
        assertThat(new String(TimedMetadata.marker(Instant.EPOCH, "m1", "a\u0001b"), StandardCharsets.UTF_8))
            .as(l.toString()).contains("a\\u0001b");
        return null;
      });
    }
  }
}
