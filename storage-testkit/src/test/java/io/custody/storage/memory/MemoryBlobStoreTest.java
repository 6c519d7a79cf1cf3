package io.custody.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import io.custody.storage.UnsupportedSchemeException;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The in-memory store passes the conformance kit; Storage.open finds it by scheme. */
class MemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore openStore() throws IOException {
    return Storage.open(URI.create("mem:tck"));
  }

  /** It holds objects in the heap, so the large-object test uses 64 MiB. */
  @Override
  protected long largeObjectBytes() {
    return 64L << 20;
  }

  @Test
  void anUnknownSchemeNamesTheInstalledOnes() {
    assertThatThrownBy(() -> Storage.open(URI.create("gopher://x")))
        .isInstanceOfSatisfying(UnsupportedSchemeException.class,
            e -> assertThat(e.installedSchemes()).contains("mem"))
        .hasMessageContaining("installed schemes: mem");
  }
}
