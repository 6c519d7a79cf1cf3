package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.mp4.TrackKind;
import io.custody.mp4.TrackSpan;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What the sealer signs does not depend on the default locale. */
class ManifestLocaleTest {
  @Test
  void trackKindsAreAsciiUnderTheTurkishLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(new Locale("tr", "TR"));
      assertThat(Manifests.trackEntries(List.of(new TrackSpan(1, TrackKind.VIDEO, 90_000, 0, 0, 0, 0))))
          .extracting(m -> m.get("kind")).containsExactly("video");
      Locale.setDefault(new Locale("ar", "SA"));
      assertThat(SealFormat.kindName(0x99)).isEqualTo("unknown kind 0x99");
    } finally {
      Locale.setDefault(before);
    }
  }
}
