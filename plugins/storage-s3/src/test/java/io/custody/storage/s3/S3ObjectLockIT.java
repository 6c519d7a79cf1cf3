package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Object Lock enforced by the server itself (Ceph RGW), reported as RetentionException. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3ObjectLockIT {
  private S3BlobStore store;
  private S3Client raw;
  private String prefix;

  @BeforeEach
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void open() throws Exception {
    store = CephRgw.shared().open(CephRgw.LOCKED, Map.of());
    raw = CephRgw.shared().client();
    prefix = "lock-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void close() {
    store.close();
    raw.close();
  }

  private BlobInfo put(String key, int size, CreateOptions options) throws Exception {
    byte[] data = new byte[size];
    new Random(key.hashCode()).nextBytes(data);
    try (BlobWriter w = store.create(key, options)) {
      w.write(data, 0, data.length);
      return w.commit();
    }
  }

  private ObjectVersion onlyVersion(String key) throws Exception {
    var versions = store.versionsOf(key);
    assertThat(versions).hasSize(1);
    return versions.get(0);
  }

  @Test
  void theServerRefusesToDeleteACompliancLockedVersion() throws Exception {
    Instant until = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    put(prefix + "c", 1000, CreateOptions.defaults().withRetention(Retention.compliance(until)));

    // The server itself: a raw DELETE of the version is refused with 403 AccessDenied.
    String version = onlyVersion(prefix + "c").versionId();
    assertThatThrownBy(() -> raw.deleteObject(b -> b.bucket(CephRgw.LOCKED).key(prefix + "c").versionId(version)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));

    // The plugin reports that refusal as the typed exception, naming the retention.
    assertThatThrownBy(() -> store.delete(prefix + "c"))
        .isInstanceOf(RetentionException.class)
        .hasMessageContaining("COMPLIANCE retention until " + until)
        .hasCauseInstanceOf(S3Exception.class);
    assertThat(store.stat(prefix + "c")).isPresent();
    assertThat(onlyVersion(prefix + "c").versionId()).isEqualTo(version);
  }

  @Test
  void theServerRefusesToShortenComplianceRetention() throws Exception {
    Instant until = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    put(prefix + "s", 1000, CreateOptions.defaults().withRetention(Retention.compliance(until)));
    assertThatThrownBy(() -> store.protect(prefix + "s", Optional.of(Retention.compliance(until.minus(1, ChronoUnit.DAYS))),
        false)).isInstanceOf(RetentionException.class).hasCauseInstanceOf(S3Exception.class);
    assertThatThrownBy(() -> store.protect(prefix + "s", Optional.empty(), false))
        .isInstanceOf(RetentionException.class);
    assertThat(store.stat(prefix + "s").orElseThrow().retention()).contains(Retention.compliance(until));
    // Extending is allowed.
    store.protect(prefix + "s", Optional.of(Retention.compliance(until.plus(1, ChronoUnit.DAYS))), false);
    assertThat(store.stat(prefix + "s").orElseThrow().retention()).contains(Retention.compliance(until.plus(1,
        ChronoUnit.DAYS)));
  }

  @Test
  void aLegalHoldBlocksDeleteUntilReleased() throws Exception {
    put(prefix + "h", 1000, CreateOptions.defaults().withLegalHold(true));
    assertThat(store.stat(prefix + "h").orElseThrow().legalHold()).isTrue();
    String version = onlyVersion(prefix + "h").versionId();
    assertThatThrownBy(() -> raw.deleteObject(b -> b.bucket(CephRgw.LOCKED).key(prefix + "h").versionId(version)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    assertThatThrownBy(() -> store.delete(prefix + "h"))
        .isInstanceOf(RetentionException.class).hasMessageContaining("legal hold");
    store.protect(prefix + "h", Optional.empty(), false);
    store.delete(prefix + "h");
    assertThat(store.stat(prefix + "h")).isEmpty();
    assertThat(store.versionsOf(prefix + "h")).isEmpty(); // deleted by version: no delete marker left
  }

  @Test
  void aLegalHoldCanBeSetAfterTheFactAndLockedMultipartObjectsKeepTheirLock() throws Exception {
    Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    try (S3BlobStore small = CephRgw.shared().open(CephRgw.LOCKED, Map.of("part-size", "5242880"))) {
      byte[] data = new byte[12 << 20];
      new Random(3).nextBytes(data);
      try (BlobWriter w = small.create(prefix + "mp", CreateOptions.defaults().withRetention(Retention.compliance(until)))) {
        w.write(data, 0, data.length);
        BlobInfo info = w.commit();
        assertThat(info.retention()).contains(Retention.compliance(until));
      }
      assertThatThrownBy(() -> small.delete(prefix + "mp")).isInstanceOf(RetentionException.class);
    }
    put(prefix + "later", 100, CreateOptions.defaults());
    store.protect(prefix + "later", Optional.empty(), true);
    assertThatThrownBy(() -> store.delete(prefix + "later")).isInstanceOf(RetentionException.class);
    store.protect(prefix + "later", Optional.empty(), false);
    store.delete(prefix + "later");
  }
}
