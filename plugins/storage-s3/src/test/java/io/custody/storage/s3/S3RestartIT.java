package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Retention;
import io.custody.storage.StorageException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The gateway stopped and started again mid-test (bluestore keeps the data): committed objects
 * survive with their hashes and locks, calls while it is down fail as transient, and uploads work
 * again afterwards.
 */
// Among the slowest integration tests: scripts/test.sh runs it on JDK 17 only (README, "Tests").
@Tag("slow")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3RestartIT {
  private static CephRgw ceph;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void start() throws Exception {
    ceph = CephRgw.start("bluestore");
    try (S3Client s3 = ceph.client()) {
      s3.createBucket(b -> b.bucket("evidence").objectLockEnabledForBucket(true));
    }
  }

  @AfterAll
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  static void stop() throws Exception {
    if (ceph != null) {
      ceph.stop();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static BlobInfo put(S3BlobStore store, String key, byte[] data, CreateOptions options) throws Exception {
    try (BlobWriter w = store.create(key, options)) {
      w.write(data, 0, data.length);
      return w.commit();
    }
  }

  @Test
  void committedObjectsSurviveARestartAndUploadsWorkAfterIt() throws Exception {
    Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    byte[] small = bytes(300_000, 1);
    byte[] large = bytes(12 << 20, 2);
    Map<String, String> options = Map.of("part-size", Integer.toString(5 << 20));
    BlobInfo smallInfo;
    BlobInfo largeInfo;
    try (S3BlobStore store = ceph.open("evidence/cam1", options)) {
      smallInfo = put(store, "rec/0001.sealed", small, CreateOptions.defaults().withRetention(Retention.compliance(until)));
      largeInfo = put(store, "rec/0002.sealed", large, CreateOptions.defaults());

      ceph.stopDaemons();
      // Down: a transient failure an uploader retries, not a missing object.
      assertThatThrownBy(() -> store.stat("rec/0001.sealed"))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isTransient()).isTrue());
      ceph.restart();
    }

    try (S3BlobStore store = ceph.open("evidence/cam1", options)) {
      assertThat(store.stat("rec/0001.sealed").orElseThrow()).isEqualTo(smallInfo);
      assertThat(store.stat("rec/0002.sealed").orElseThrow().sha256()).isEqualTo(largeInfo.sha256());
      for (String key : new String[] {"rec/0001.sealed", "rec/0002.sealed"}) {
        try (InputStream in = store.readVerified(key)) {
          assertThat(in.readAllBytes()).isEqualTo(key.endsWith("1.sealed") ? small : large);
        }
      }
      assertThatThrownBy(() -> store.delete("rec/0001.sealed")).isInstanceOf(io.custody.storage.RetentionException.class);
      byte[] after = bytes(11 << 20, 3);
      BlobInfo afterInfo = put(store, "rec/0003.sealed", after, CreateOptions.defaults());
      try (InputStream in = store.readVerified("rec/0003.sealed")) {
        assertThat(in.readAllBytes()).isEqualTo(after);
      }
      assertThat(afterInfo.size()).isEqualTo(after.length);
      assertThat(store.list("rec/", java.util.Optional.empty(), 10).items()).hasSize(3);
    }
  }
}
