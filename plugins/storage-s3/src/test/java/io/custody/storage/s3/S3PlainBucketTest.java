package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobStore;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against Ceph RGW in a plain bucket (no versioning, no Object Lock): here
 * If-None-Match does the create-if-absent work. The large object is 256 MiB (the 1 GiB run is in
 * {@link S3BlobStoreTest}; the write path is the same).
 */
class S3PlainBucketTest extends BlobStoreContract {
  @Override
  protected BlobStore openStore() throws IOException {
    return CephRgw.shared().open(CephRgw.PLAIN + "/tck", Map.of());
  }

  @Override
  protected long largeObjectBytes() {
    return 256L << 20;
  }

  @Test
  void reportsNoRetention() {
    assertThat(store.capabilities().retention()).isFalse();
    assertThat(store.capabilities().serverEnforcedRetention()).isFalse();
    assertThat(((S3BlobStore) store).versioned()).isFalse();
  }
}
