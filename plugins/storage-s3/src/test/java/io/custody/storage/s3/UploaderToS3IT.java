package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.upload.UploadListener;
import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.RetryPolicy;
import io.custody.storage.memory.MemoryBlobStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The dock's upload queue into the real gateway, which is killed mid-upload and started again
 * (bluestore keeps its data): afterwards every segment is in the bucket and verifies, none is
 * lost, none is there twice.
 */
// Among the slowest integration tests: scripts/test.sh runs it on JDK 17 only (README, "Tests").
@Tag("slow")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UploaderToS3IT {
  private static CephRgw ceph;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void start() throws Exception {
    ceph = CephRgw.start("bluestore");
    try (S3Client s3 = ceph.client()) {
      s3.createBucket(b -> b.bucket("dock").objectLockEnabledForBucket(true));
    }
  }

  @AfterAll
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  static void stop() throws Exception {
    if (ceph != null) {
      ceph.stop();
    }
  }

  @Test
  void aGatewayKilledMidUploadLosesNothingAndDuplicatesNothing() throws Exception {
    MemoryBlobStore local = new MemoryBlobStore(URI.create("mem:" + UUID.randomUUID()));
    Random random = new Random(5);
    List<BlobInfo> segments = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      byte[] data = new byte[(1 << 20) + random.nextInt(2 << 20)];
      random.nextBytes(data);
      try (BlobWriter w = local.create(String.format(java.util.Locale.ROOT, "rec-1/%05d.sealed", i), CreateOptions.defaults())) {
        w.write(data, 0, data.length);
        segments.add(w.commit());
      }
    }
    CountDownLatch someDone = new CountDownLatch(3);
    java.util.concurrent.atomic.AtomicInteger failedAttempts = new java.util.concurrent.atomic.AtomicInteger();
    AtomicReference<UploadReport> report = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (S3BlobStore remote = ceph.open("dock/station-7", Map.of("part-size", Integer.toString(5 << 20)))) {
      Thread uploader = new Thread(() -> {
        try {
          report.set(Uploader.builder(local, remote).concurrency(2)
              .bandwidth(4 << 20) // slow enough that the kill falls mid-upload
              .retryPolicy(new RetryPolicy(200, Duration.ofMillis(50), Duration.ofMillis(500),
                  RetryPolicy.Jitter.FULL))
              .listener(new UploadListener() {
                @Override
                public void uploaded(String key, long bytes, boolean alreadyThere) {
                  someDone.countDown();
                }

                @Override
                public void attemptFailed(String key, int attempt, Exception error, boolean willRetry) {
                  failedAttempts.incrementAndGet();
                }
              })
              .build().run(""));
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      uploader.start();
      assertThat(someDone.await(60, TimeUnit.SECONDS)).isTrue();
      ceph.stopDaemons(); // kill the gateway in the middle of the queue
      Thread.sleep(1000);
      ceph.restart();
      uploader.join(TimeUnit.MINUTES.toMillis(3));
      assertThat(failure.get()).isNull();
      assertThat(report.get().complete()).as(report.get().failed().toString()).isTrue();
      assertThat(failedAttempts.get()).as("uploads cut by the kill").isPositive();

      for (BlobInfo info : segments) {
        try (InputStream in = remote.readVerified(info.key())) {
          assertThat(in.readAllBytes()).hasSize((int) info.size());
        }
        assertThat(remote.stat(info.key()).orElseThrow().sha256()).isEqualTo(info.sha256());
      }
    }
    try (S3Client s3 = ceph.client()) {
      List<ObjectVersion> versions = s3.listObjectVersions(b -> b.bucket("dock").prefix("station-7/")).versions();
      assertThat(versions).hasSize(segments.size()); // one version per key: nothing twice
    }
  }
}
