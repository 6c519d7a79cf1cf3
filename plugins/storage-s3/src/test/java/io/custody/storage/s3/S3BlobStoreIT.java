package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobStore;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against Ceph RGW, in a bucket with Object Lock (so versioned: the bucket
 * kind where RGW ignores If-None-Match), including the full 1 GiB large-object test.
 */
class S3BlobStoreIT extends BlobStoreContract {
  @Override
  protected BlobStore openStore() throws IOException {
    return CephRgw.shared().open(CephRgw.LOCKED + "/tck", Map.of());
  }

  @Test
  void reportsServerEnforcedRetentionOnAnObjectLockBucket() {
    assertThat(store.capabilities().retention()).isTrue();
    assertThat(store.capabilities().serverEnforcedRetention()).isTrue();
    assertThat(store.capabilities().serverSideChecksums()).isTrue();
    assertThat(store.capabilities().multipart()).isTrue();
    assertThat(((S3BlobStore) store).versioned()).isTrue();
  }
}
