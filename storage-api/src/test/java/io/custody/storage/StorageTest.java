package io.custody.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The SPI jar registers no store: mem: belongs to the test kit, never to a production class path. */
class StorageTest {
  @Test
  void theApiAloneInstallsNoStoreNotEvenMem() {
    assertThat(Storage.installed()).isEmpty();
    assertThatThrownBy(() -> Storage.open(URI.create("mem:x")))
        .isInstanceOfSatisfying(UnsupportedSchemeException.class, e -> assertThat(e.installedSchemes()).isEmpty())
        .hasMessageContaining("installed schemes: (none)");
  }

  @Test
  void aUriWithoutASchemeIsRefused() {
    assertThatThrownBy(() -> Storage.open(URI.create("relative/path")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no scheme");
  }
}
