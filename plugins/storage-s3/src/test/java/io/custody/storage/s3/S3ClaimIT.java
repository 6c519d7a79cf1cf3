package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Sha256;
import io.custody.storage.Page;
import io.custody.storage.memory.MemoryBlobStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Create-if-absent of multipart objects on an unversioned bucket, where Ceph RGW 16.2 ignores
 * {@code If-None-Match: *} on CompleteMultipartUpload ({@link
 * S3PlainBucketIT#theServerIgnoresIfNoneMatchOnMultipartCompletion}): the claim a writer makes
 * with a conditional single PUT before committing keeps a late completion of other bytes from
 * replacing the object. All against the real gateway.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3ClaimIT {
  private static final int PART = 5 << 20;
  private static final Map<String, String> SMALL_PARTS = Map.of("part-size", Integer.toString(PART));

  private S3BlobStore store;
  private S3Client raw;
  private String prefix;

  @BeforeEach
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void open() throws Exception {
    store = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS);
    raw = CephRgw.shared().client();
    prefix = "claim-" + UUID.randomUUID() + "/";
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

  /** Two parts and a bit: a multipart upload with 5 MiB parts. */
  private static byte[] large(long seed) {
    return bytes(2 * PART + 123_456, seed);
  }

  private static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static BlobInfo put(S3BlobStore s, String key, byte[] data) throws Exception {
    try (BlobWriter w = s.create(key, CreateOptions.defaults())) {
      w.write(data, 0, data.length);
      return w.commit();
    }
  }

  /** A writer of {@code data}, everything written, not yet committed. */
  private S3BlobWriter writing(String key, byte[] data) throws Exception {
    S3BlobWriter w = store.create(key, CreateOptions.defaults());
    w.write(data, 0, data.length);
    return w;
  }

  private byte[] read(String key) throws Exception {
    try (InputStream in = store.readVerified(key)) {
      return in.readAllBytes();
    }
  }

  private List<String> pendingUploads(String key) {
    return raw.listMultipartUploads(b -> b.bucket(CephRgw.PLAIN).prefix(key)).uploads().stream()
        .map(u -> u.key()).toList();
  }

  /** Commits {@code data} under {@code key} with a store of its own (another dock). */
  private static Runnable otherWriterCommits(String key, byte[] data, AtomicReference<Object> outcome) {
    return () -> {
      try (S3BlobStore other = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS)) {
        outcome.set(put(other, key, data));
      } catch (Exception e) {
        outcome.set(e);
      }
    };
  }

  @Test
  void aLateCompletionOfOtherBytesIsRefusedNotAnOverwrite() throws Exception {
    // The race RGW does not stop: writer B looks (nothing there), then writer A commits other
    // bytes, then B completes. Without the claim, B's completion would replace A's object.
    String key = prefix + "seg.sealed";
    byte[] a = large(1);
    byte[] b = large(2);
    S3BlobWriter w = writing(key, b);
    assertThat(w.uploadId()).isPresent();
    AtomicReference<Object> first = new AtomicReference<>();
    w.beforeCommit(otherWriterCommits(key, a, first));
    assertThatThrownBy(w::commit).isInstanceOf(ObjectExistsException.class)
        .hasMessageContaining("already holds different bytes");
    assertThat(first.get()).isInstanceOf(BlobInfo.class);
    assertThat(read(key)).isEqualTo(a);
    assertThat(store.stat(key).orElseThrow().sha256()).isEqualTo(sha256(a));
    assertThat(store.claim(key).orElseThrow().sha256()).contains(sha256(a));
    assertThat(pendingUploads(key)).isEmpty(); // the loser's upload is aborted
  }

  @Test
  void aWriterThatSlipsInAfterTheClaimIsRefused() throws Exception {
    // The other order: B holds the claim; A (other bytes, small and large) arrives before B's
    // completion and is refused by the claim alone — the key has no object yet.
    String key = prefix + "seg.sealed";
    byte[] b = large(3);
    S3BlobWriter w = writing(key, b);
    AtomicReference<Object> large = new AtomicReference<>();
    AtomicReference<Object> small = new AtomicReference<>();
    w.afterClaim(() -> {
      otherWriterCommits(key, large(4), large).run();
      otherWriterCommits(key, bytes(1000, 5), small).run();
    });
    BlobInfo info = w.commit();
    assertThat(info.sha256()).isEqualTo(sha256(b));
    for (Object o : List.of(large.get(), small.get())) {
      assertThat(o).isInstanceOf(ObjectExistsException.class);
      assertThat(((Exception) o).getMessage()).contains("is claimed for other bytes", store.claimKey(key),
          sha256(b).hex(), "releaseClaim");
    }
    assertThat(read(key)).isEqualTo(b);
    assertThat(pendingUploads(key)).isEmpty();
  }

  @Test
  void writersOfDifferentLargeBytesRacingLeaveExactlyOne() throws Exception {
    // Not forced: six docks complete multipart uploads of different bytes to one key at once.
    String key = prefix + "race.sealed";
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<byte[]> contents = new ArrayList<>();
    List<Future<Object>> all = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        byte[] data = large(100 + i);
        contents.add(data);
        all.add(pool.submit(() -> {
          try (S3BlobStore s = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS)) {
            return put(s, key, data);
          } catch (ObjectExistsException e) {
            return e;
          }
        }));
      }
      List<BlobInfo> won = new ArrayList<>();
      for (Future<Object> f : all) {
        if (f.get() instanceof BlobInfo info) {
          won.add(info);
        } else {
          assertThat(f.get()).isInstanceOf(ObjectExistsException.class);
        }
      }
      assertThat(won).hasSize(1);
      byte[] held = read(key);
      assertThat(sha256(held)).isEqualTo(won.get(0).sha256());
      assertThat(contents).anySatisfy(c -> assertThat(c).isEqualTo(held));
      assertThat(store.claim(key).orElseThrow().sha256()).contains(won.get(0).sha256());
    } finally {
      pool.shutdownNow();
    }
    assertThat(pendingUploads(key)).isEmpty();
  }

  @Test
  void aKeyTooLongForItsClaimIsRefusedAtCreate() throws Exception {
    String fits = prefix + "x".repeat(1024 - prefix.length() - ".custody-claim.".length());
    store.create(fits, CreateOptions.defaults()).close();
    assertThatThrownBy(() -> store.create(fits + "x", CreateOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".custody-claim.");
  }

  @Test
  void writersOfTheSameBytesRacingLeaveOneObject() throws Exception {
    byte[] data = large(6);
    Sha256 sha = sha256(data);
    // The other writer completes between this one's look and its claim...
    String k1 = prefix + "before-claim";
    S3BlobWriter w1 = writing(k1, data);
    AtomicReference<Object> o1 = new AtomicReference<>();
    w1.beforeCommit(otherWriterCommits(k1, data, o1));
    assertThat(w1.commit().sha256()).isEqualTo(sha);
    assertThat(((BlobInfo) o1.get()).sha256()).isEqualTo(sha);
    // ...or after it (it proceeds under this writer's claim, and both complete the same bytes).
    String k2 = prefix + "after-claim";
    S3BlobWriter w2 = writing(k2, data);
    AtomicReference<Object> o2 = new AtomicReference<>();
    w2.afterClaim(otherWriterCommits(k2, data, o2));
    assertThat(w2.commit().sha256()).isEqualTo(sha);
    assertThat(((BlobInfo) o2.get()).sha256()).isEqualTo(sha);
    for (String k : List.of(k1, k2)) {
      assertThat(read(k)).isEqualTo(data);
      assertThat(pendingUploads(k)).isEmpty();
    }
    assertThat(store.list(prefix, Optional.empty(), 10).items()).extracting(BlobInfo::key).containsExactly(k2, k1);
    // Eight writers of the same large bytes at once: all succeed, one object.
    String k3 = prefix + "eight";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<BlobInfo>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        all.add(pool.submit(() -> {
          try (S3BlobStore s = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS)) {
            return put(s, k3, data);
          }
        }));
      }
      for (Future<BlobInfo> f : all) {
        assertThat(f.get().sha256()).isEqualTo(sha);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(read(k3)).isEqualTo(data);
    assertThat(pendingUploads(k3)).isEmpty();
  }

  /** A writer that claims the key and dies before committing: its claim stays, nothing else. */
  private void dieAfterClaiming(String key, byte[] data, boolean leaveUploadPending) throws Exception {
    S3BlobStore doomed = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS);
    S3BlobWriter w = doomed.create(key, CreateOptions.defaults());
    w.write(data, 0, data.length);
    w.afterClaim(() -> {
      if (leaveUploadPending) {
        try {
          for (int i = 0; i < 200 && store.pendingUpload(key).orElseThrow().parts().size() < 2; i++) {
            Thread.sleep(50); // both full parts on the server (the short last one is sent on completion)
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        doomed.close(); // (the abort that follows fails: the upload stays, as after a crash)
      }
      throw new IllegalStateException("killed");
    });
    assertThatThrownBy(w::commit).hasMessage("killed");
    doomed.close();
    assertThat(store.stat(key)).isEmpty();
    assertThat(store.claim(key)).isPresent();
  }

  @Test
  void aStaleClaimOfTheSameBytesDoesNotBlock() throws Exception {
    byte[] data = large(7);
    String key = prefix + "seg.sealed";
    dieAfterClaiming(key, data, false);
    assertThat(put(store, key, data).sha256()).isEqualTo(sha256(data));
    assertThat(read(key)).isEqualTo(data);
    // A dead writer whose upload is still pending: resumed (through the claim) by a new store.
    String resumed = prefix + "resumed.sealed";
    dieAfterClaiming(resumed, data, true);
    assertThat(store.pendingUpload(resumed)).isPresent();
    try (S3BlobWriter w = store.resume(resumed, CreateOptions.defaults().withExpectedSha256(sha256(data)))) {
      w.write(ByteBuffer.wrap(data));
      assertThat(w.commit().sha256()).isEqualTo(sha256(data));
      assertThat(w.partsReused()).isEqualTo(2);
    }
    assertThat(read(resumed)).isEqualTo(data);
    assertThat(pendingUploads(resumed)).isEmpty();
  }

  /**
   * A small object's claim carries its bytes: a writer of other bytes that finds it stale completes
   * the dead writer's commit from it (the only bytes the claim admits) and is refused as after a
   * lost race, so a key is never blocked by a dead single put (the custody ledger's sequence numbers
   * depend on it). A claim whose carried bytes do not match it is left alone, refused as before.
   */
  @Test
  void aStaleClaimOfASinglePutIsCompletedFromTheBytesItCarries() throws Exception {
    byte[] dead = bytes(3000, 21);
    byte[] mine = bytes(2000, 22);
    String key = prefix + "log/007";
    dieAfterClaiming(key, dead, false);
    assertThat(store.claim(key).orElseThrow().carriesBytes()).isTrue();
    assertThatThrownBy(() -> put(store, key, mine)).isInstanceOf(ObjectExistsException.class)
        .hasMessageContaining("committed from the claim");
    assertThat(read(key)).isEqualTo(dead);
    assertThat(store.stat(key).orElseThrow().sha256()).isEqualTo(sha256(dead));
    assertThat(put(store, key, dead).sha256()).isEqualTo(sha256(dead)); // the same bytes: returned
    // A claim of other bytes whose carried bytes were changed: not trusted, the key stays blocked.
    String other = prefix + "log/008";
    dieAfterClaiming(other, dead, false);
    S3BlobStore.Claim c = store.claim(other).orElseThrow();
    byte[] body = raw.getObjectAsBytes(b -> b.bucket(CephRgw.PLAIN).key(c.claimKey())).asByteArray();
    body[body.length - 1] ^= 1;
    var head = raw.headObject(b -> b.bucket(CephRgw.PLAIN).key(c.claimKey()));
    raw.putObject(b -> b.bucket(CephRgw.PLAIN).key(c.claimKey()).metadata(head.metadata()),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
    assertThatThrownBy(() -> put(store, other, mine)).isInstanceOf(ObjectExistsException.class)
        .hasMessageContaining("is claimed for other bytes");
    assertThat(store.stat(other)).isEmpty();
  }

  @Test
  void aStaleClaimOfOtherBytesIsRefusedUntilReleased() throws Exception {
    byte[] dead = large(8);
    byte[] mine = large(9);
    String key = prefix + "seg.sealed";
    dieAfterClaiming(key, dead, true);
    S3BlobStore.Claim claim = store.claim(key).orElseThrow();
    assertThat(claim.sha256()).contains(sha256(dead));
    assertThat(claim.size()).isEqualTo(dead.length);
    assertThatThrownBy(() -> put(store, key, mine)).isInstanceOf(ObjectExistsException.class)
        .hasMessageContaining("is claimed for other bytes").hasMessageContaining(claim.claimKey())
        .hasMessageContaining("still pending").hasMessageContaining("releaseClaim");
    // A store opened on another prefix of the bucket sees the same claim (it lies next to the key).
    try (S3BlobStore nested = CephRgw.shared().open(CephRgw.PLAIN + "/" + prefix.substring(0, prefix.length() - 1),
        SMALL_PARTS)) {
      assertThatThrownBy(() -> put(nested, "seg.sealed", bytes(100, 10))).isInstanceOf(ObjectExistsException.class)
          .hasMessageContaining(claim.claimKey());
    }
    // The dead writer's upload is aborted by hand: the message says the claim is stale.
    raw.abortMultipartUpload(b -> b.bucket(CephRgw.PLAIN).key(key).uploadId(claim.upload()));
    assertThatThrownBy(() -> put(store, key, mine)).isInstanceOf(ObjectExistsException.class)
        .hasMessageContaining("the claim is stale");
    assertThat(store.stat(key)).isEmpty();
    assertThat(pendingUploads(key)).isEmpty(); // the refused writers' uploads are aborted
    assertThat(store.releaseClaim(key)).isTrue();
    assertThat(store.releaseClaim(key)).isFalse();
    assertThat(put(store, key, mine).sha256()).isEqualTo(sha256(mine));
    assertThat(read(key)).isEqualTo(mine);
    assertThatThrownBy(() -> store.releaseClaim(key)).isInstanceOf(ObjectExistsException.class);
    assertThat(store.claim(key).orElseThrow().sha256()).contains(sha256(mine));
  }

  @Test
  void claimsNeverShowInListings() throws Exception {
    // Keys on both sides of the claims' place in key order ('-' < '.' < '0'), one level deeper too.
    List<String> keys = List.of(prefix + "-first", prefix + "0001.sealed", prefix + "0002.sealed",
        prefix + "sub/-x", prefix + "sub/y", prefix + "z");
    for (String k : keys) {
      put(store, k, k.endsWith("0002.sealed") ? large(11) : bytes(100, k.hashCode()));
    }
    List<String> claims = raw.listObjectsV2(b -> b.bucket(CephRgw.PLAIN).prefix(prefix)).contents().stream()
        .map(S3Object::key).filter(k -> k.contains("/.custody-claim.")).toList();
    assertThat(claims).hasSize(keys.size()); // one claim per object, next to it
    for (int pageSize : new int[] {1, 2, 3, 1000}) {
      List<String> seen = new ArrayList<>();
      Optional<String> token = Optional.empty();
      do {
        Page page = store.list(prefix, token, pageSize);
        assertThat(page.items().size()).isLessThanOrEqualTo(pageSize);
        page.items().forEach(i -> seen.add(i.key()));
        token = page.next();
      } while (token.isPresent());
      assertThat(seen).as("pages of %d", pageSize).isEqualTo(keys);
    }
    assertThat(store.list(prefix + ".", Optional.empty(), 10).items()).isEmpty();
    assertThat(store.list(prefix + "sub/", Optional.empty(), 10).items()).extracting(BlobInfo::key)
        .containsExactly(prefix + "sub/-x", prefix + "sub/y");
    // A store at the bucket's root lists the same keys, no claims.
    try (S3BlobStore root = CephRgw.shared().open(CephRgw.PLAIN, Map.of())) {
      List<String> seen = new ArrayList<>();
      root.listAll(prefix).forEachRemaining(i -> seen.add(i.key()));
      assertThat(seen).isEqualTo(keys);
      List<String> listedKeys = new ArrayList<>();
      root.listKeys(prefix).forEachRemaining(listedKeys::add);
      assertThat(listedKeys).as("listKeys").isEqualTo(keys);
    }
    List<String> listedKeys = new ArrayList<>();
    store.listKeys(prefix).forEachRemaining(listedKeys::add);
    assertThat(listedKeys).as("listKeys").isEqualTo(keys);
  }

  @Test
  void deleteRemovesTheObjectThenItsClaim() throws Exception {
    String key = prefix + "seg.sealed";
    put(store, key, large(12));
    assertThat(store.claim(key)).isPresent();
    store.delete(key);
    assertThat(store.stat(key)).isEmpty();
    assertThat(store.claim(key)).isEmpty();
    assertThat(raw.listObjectsV2(b -> b.bucket(CephRgw.PLAIN).prefix(prefix)).contents()).isEmpty();
    // The key is free again, for other bytes too.
    byte[] other = large(13);
    assertThat(put(store, key, other).sha256()).isEqualTo(sha256(other));
    assertThat(read(key)).isEqualTo(other);
  }

  @Test
  void twoDocksUploadingTheSameRecordingAtOnceStoreEachSegmentOnce() throws Exception {
    // The uploader (create with the expected SHA-256) through the claims: two docks with copies of
    // one recording, into one plain bucket at the same time; segments single-put and multipart.
    MemoryBlobStore local = new MemoryBlobStore(URI.create("mem:" + UUID.randomUUID()));
    Random random = new Random(14);
    List<BlobInfo> segments = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] data = new byte[i % 2 == 0 ? PART + 1 + random.nextInt(PART) : 1 + random.nextInt(1 << 20)];
      random.nextBytes(data);
      try (BlobWriter w = local.create(String.format(java.util.Locale.ROOT, "rec-1/%05d.sealed", i), CreateOptions.defaults())) {
        w.write(data, 0, data.length);
        segments.add(w.commit());
      }
    }
    String dest = CephRgw.PLAIN + "/" + prefix.substring(0, prefix.length() - 1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<UploadReport>> runs = new ArrayList<>();
      for (int d = 0; d < 2; d++) {
        runs.add(pool.submit(() -> {
          try (S3BlobStore remote = CephRgw.shared().open(dest, SMALL_PARTS)) {
            return Uploader.builder(local, remote).concurrency(2).build().run("rec-1/");
          }
        }));
      }
      for (Future<UploadReport> f : runs) {
        UploadReport r = f.get();
        assertThat(r.complete()).as(r.failed().toString()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    try (S3BlobStore remote = CephRgw.shared().open(dest, SMALL_PARTS)) {
      List<String> listed = new ArrayList<>();
      remote.listAll("").forEachRemaining(i -> listed.add(i.key()));
      assertThat(listed).isEqualTo(segments.stream().map(BlobInfo::key).toList());
      for (BlobInfo info : segments) {
        try (InputStream in = remote.readVerified(info.key())) {
          assertThat(in.readAllBytes()).hasSize((int) info.size());
        }
        assertThat(remote.claim(info.key()).orElseThrow().sha256()).contains(info.sha256());
      }
    }
    assertThat(pendingUploads(prefix)).isEmpty();
  }
}
