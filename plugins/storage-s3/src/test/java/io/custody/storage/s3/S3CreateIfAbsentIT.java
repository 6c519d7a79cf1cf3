package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Sha256;
import io.custody.storage.Retention;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Create-if-absent on a versioned Object Lock bucket, where Ceph RGW 16.2 ignores {@code
 * If-None-Match: *}: the plugin still never shows different bytes under one key, and a retried
 * upload writes no new version.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3CreateIfAbsentIT {
  private S3BlobStore store;
  private S3Client raw;
  private String prefix;

  @BeforeEach
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void open() throws Exception {
    store = CephRgw.shared().open(CephRgw.LOCKED, Map.of("part-size", "5242880"));
    raw = CephRgw.shared().client();
    prefix = "cia-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void close() {
    store.close();
    raw.close();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private BlobInfo put(String key, byte[] data, CreateOptions options) throws Exception {
    try (BlobWriter w = store.create(key, options)) {
      w.write(data, 0, data.length);
      return w.commit();
    }
  }

  private byte[] read(String key) throws Exception {
    try (InputStream in = store.readVerified(key)) {
      return in.readAllBytes();
    }
  }

  private static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theServerIgnoresIfNoneMatchHere() {
    // Why the plugin does more than send the header: RGW writes a second version regardless.
    String key = prefix + "raw";
    raw.putObject(b -> b.bucket(CephRgw.LOCKED).key(key).ifNoneMatch("*"), RequestBody.fromBytes(bytes(10, 1)));
    raw.putObject(b -> b.bucket(CephRgw.LOCKED).key(key).ifNoneMatch("*"), RequestBody.fromBytes(bytes(10, 2)));
    assertThat(raw.listObjectVersions(b -> b.bucket(CephRgw.LOCKED).prefix(key)).versions()).hasSize(2);
  }

  @Test
  void theSameBytesTwiceMakeOneVersion() throws Exception {
    byte[] small = bytes(100_000, 3);
    byte[] large = bytes(12 << 20, 4); // multipart
    for (String name : new String[] {"small", "large"}) {
      byte[] data = name.equals("small") ? small : large;
      BlobInfo first = put(prefix + name, data, CreateOptions.defaults());
      BlobInfo again = put(prefix + name, data, CreateOptions.defaults());
      assertThat(again.sha256()).isEqualTo(first.sha256()).isEqualTo(sha256(data));
      assertThat(store.versionsOf(prefix + name)).as(name).hasSize(1);
      assertThat(raw.listMultipartUploads(b -> b.bucket(CephRgw.LOCKED).prefix(prefix + name)).uploads()).isEmpty();
    }
  }

  @Test
  void differentBytesAreRefusedAndTheCanonicalBytesStay() throws Exception {
    byte[] data = bytes(100_000, 5);
    put(prefix + "k", data, CreateOptions.defaults());
    assertThatThrownBy(() -> put(prefix + "k", bytes(100_000, 6), CreateOptions.defaults()))
        .isInstanceOf(ObjectExistsException.class);
    assertThatThrownBy(() -> put(prefix + "k", bytes(12 << 20, 7), CreateOptions.defaults()))
        .isInstanceOf(ObjectExistsException.class);
    assertThat(read(prefix + "k")).isEqualTo(data);
    assertThat(store.versionsOf(prefix + "k")).hasSize(1);
  }

  @Test
  void aVersionThatSlippedInLaterIsNotTheObject() throws Exception {
    // A racing writer whose check came too early (simulated with a raw PUT, which RGW accepts
    // despite If-None-Match): the oldest version stays the object for stat, read and listing.
    byte[] data = bytes(50_000, 8);
    BlobInfo mine = put(prefix + "k", data, CreateOptions.defaults());
    raw.putObject(b -> b.bucket(CephRgw.LOCKED).key(prefix + "k").ifNoneMatch("*")
        .metadata(Map.of("custody-sha256", "0".repeat(64))), RequestBody.fromBytes(bytes(50_000, 9)));
    assertThat(store.versionsOf(prefix + "k")).hasSize(2);
    assertThat(store.stat(prefix + "k").orElseThrow().sha256()).isEqualTo(mine.sha256());
    assertThat(read(prefix + "k")).isEqualTo(data);
    try (InputStream in = store.read(prefix + "k", 10, 20)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 30));
    }
    assertThat(store.list(prefix, java.util.Optional.empty(), 10).items()).extracting(BlobInfo::sha256)
        .containsExactly(mine.sha256());
    // A retry of the same bytes still succeeds; other bytes are still refused.
    assertThat(put(prefix + "k", data, CreateOptions.defaults()).sha256()).isEqualTo(mine.sha256());
    assertThatThrownBy(() -> put(prefix + "k", bytes(50_000, 10), CreateOptions.defaults()))
        .isInstanceOf(ObjectExistsException.class);
    // Delete removes the object and the stray version (neither is locked).
    store.delete(prefix + "k");
    assertThat(store.versionsOf(prefix + "k")).isEmpty();
  }

  @Test
  void aLockedLoserVersionStaysButIsNeverTheObject() throws Exception {
    // The residual risk, shown: two writers commit locked versions of different bytes in the same
    // instant. Simulated by committing the winner first and forcing the loser past the pre-check
    // with a raw locked PUT; then the plugin's loser path: its version cannot be deleted.
    Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    byte[] winner = bytes(20_000, 11);
    put(prefix + "k", winner, CreateOptions.defaults().withRetention(Retention.compliance(until)));
    raw.putObject(b -> b.bucket(CephRgw.LOCKED).key(prefix + "k").objectLockMode("COMPLIANCE")
        .objectLockRetainUntilDate(until).metadata(Map.of("custody-sha256", "0".repeat(64))),
        RequestBody.fromBytes(bytes(20_000, 12)));
    assertThat(store.versionsOf(prefix + "k")).hasSize(2);
    assertThat(read(prefix + "k")).isEqualTo(winner);
    assertThat(store.stat(prefix + "k").orElseThrow().retention()).contains(Retention.compliance(until));
  }

  @Test
  void aWriterThatLosesTheRaceAfterItsCheckDeletesItsVersionOrSaysItStays() throws Exception {
    // The other writer commits between this writer's look-before-commit and its PUT, which RGW
    // accepts despite If-None-Match: the version listing afterwards catches it.
    byte[] first = bytes(30_000, 13);
    byte[] mine = bytes(30_000, 14);
    for (boolean locked : new boolean[] {false, true}) {
      String key = prefix + (locked ? "locked" : "free");
      CreateOptions options = locked ? CreateOptions.defaults().withLegalHold(true) : CreateOptions.defaults();
      S3BlobWriter w = store.create(key, options);
      w.write(mine, 0, mine.length);
      w.beforeCommit(() -> {
        try (S3BlobStore other = CephRgw.shared().open(CephRgw.LOCKED, Map.of())) {
          put(other, key, first);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      if (locked) {
        assertThatThrownBy(w::commit).isInstanceOf(ObjectExistsException.class)
            .hasMessageContaining("stays as a non-canonical version");
        assertThat(store.versionsOf(key)).hasSize(2); // the loser's locked version could not go
        store.protect(key, java.util.Optional.empty(), false);
      } else {
        assertThatThrownBy(w::commit).isInstanceOf(ObjectExistsException.class)
            .hasMessageNotContaining("stays");
        assertThat(store.versionsOf(key)).hasSize(1); // the loser deleted its version again
      }
      assertThat(read(key)).isEqualTo(first);
    }
    // The held stray stays until its hold is lifted; delete then takes both.
    try (S3Client r = CephRgw.shared().client()) {
      for (var v : store.versionsOf(prefix + "locked")) {
        r.putObjectLegalHold(b -> b.bucket(CephRgw.LOCKED).key(prefix + "locked").versionId(v.versionId())
            .legalHold(h -> h.status("OFF")));
      }
    }
    store.delete(prefix + "locked");
    assertThat(store.versionsOf(prefix + "locked")).isEmpty();
  }

  private static BlobInfo put(S3BlobStore s, String key, byte[] data) throws Exception {
    try (BlobWriter w = s.create(key, CreateOptions.defaults())) {
      w.write(data, 0, data.length);
      return w.commit();
    }
  }
}
