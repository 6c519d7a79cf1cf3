package io.custody.storage.s3;

import io.custody.storage.BlobInfo;
import io.custody.storage.Keys;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.RetryPolicy;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Create-if-absent on a bucket without versioning: a key is {@linkplain S3BlobStore.Claim claimed}
 * before it is committed. Ceph RGW 16.2 ignores {@code If-None-Match} on CompleteMultipartUpload
 * (it honours it on PutObject), so that header alone cannot stop a late completion from replacing
 * another writer's object; a claim is a single conditional PUT, where the header is honoured, and
 * it names the bytes (size and SHA-256) that may ever be committed under the key.
 *
 * <p>Its invariant: while an object exists, so does its claim, naming its bytes. Hence every
 * writer claims, single puts too (else a multipart writer could claim, look, and complete just
 * after a single put of other bytes landed, replacing it), and {@link #delete} removes the object
 * before its claim, never after.
 */
final class UnversionedBucket implements CreateIfAbsent {
  private static final System.Logger LOG = System.getLogger(UnversionedBucket.class.getName());

  /**
   * How a writer claims again when the claim it found taken was gone when it looked at it: 5
   * attempts, backoff from 20 ms doubling to 160 ms, equal jitter.
   */
  static final RetryPolicy CLAIM_RETRY = new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(160),
      RetryPolicy.Jitter.EQUAL);

  private final S3BlobStore store;

  UnversionedBucket(S3BlobStore store) {
    this.store = store;
  }

  /** The claim must fit in a key: {@link S3BlobStore#CLAIM_MARK} more bytes than the key and prefix. */
  @Override
  public void checkKey(String key) {
    String claimKey = store.claimKey(key);
    if (claimKey.getBytes(StandardCharsets.UTF_8).length > Keys.MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key too long for an unversioned bucket: its claim '" + claimKey
          + "' would exceed " + Keys.MAX_KEY_BYTES + " bytes (" + S3BlobStore.CLAIM_MARK.length() + " more than the "
          + "key and the store's prefix)");
    }
  }

  @Override
  public Optional<S3BlobStore.Located> locate(String key) throws IOException {
    return store.locateVersion(key, null);
  }

  @Override
  public String readVersion(String key) {
    return null;
  }

  /**
   * Claims the key for these bytes. Empty: go on and commit — the claim is this writer's, or names
   * the same bytes (a retry, a concurrent writer of the same bytes, or one that died before
   * committing). Present: the object is there already with these bytes. Throws {@link
   * ObjectExistsException} when the object or the claim holds other bytes.
   */
  @Override
  public Optional<BlobInfo> beforeCommit(S3BlobWriter writer, Sha256 sha256, long size) throws IOException {
    String key = writer.key();
    String upload = writer.uploadId().orElse("single-put");
    for (int attempt = 1; ; attempt++) {
      if (store.putClaim(key, sha256, size, upload, writer.claimableBytes())) {
        return Optional.empty();
      }
      Optional<S3BlobStore.Claim> found = store.claim(key);
      if (found.isPresent()) {
        S3BlobStore.Claim c = found.get();
        Optional<S3BlobStore.Located> there = locate(key);
        if (there.isPresent()) {
          return Optional.of(CreateIfAbsent.sameOrRefuse(key, there.get().info(), sha256, size, ""));
        }
        if (c.sha256().equals(Optional.of(sha256)) && c.size() == size) {
          return Optional.empty(); // the same bytes: whoever completes, the key holds them
        }
        if (c.carriesBytes() && store.completeFromClaim(c)) {
          // A writer of other bytes claimed the key and did not commit (died, or is committing):
          // its commit is done from the claim, and this writer is refused as after any lost race.
          Optional<S3BlobStore.Located> now = locate(key);
          if (now.isPresent()) {
            writer.abortQuietly();
            return Optional.of(CreateIfAbsent.sameOrRefuse(key, now.get().info(), sha256, size,
                " (committed from the claim of a writer that had not finished)"));
          }
        }
        writer.abortQuietly();
        throw new ObjectExistsException(key, "'" + key + "' is claimed for other bytes (" + c.size()
            + " bytes, SHA-256 " + c.sha256Text() + ") by a writer that has not committed them: claim s3://"
            + store.bucket + "/" + c.claimKey() + " written " + c.claimed() + " by upload " + c.upload()
            + store.uploadState(key, c.upload()) + ". If no writer is uploading '" + key + "' any more, release the "
            + "key with S3BlobStore.releaseClaim(\"" + key + "\") or by deleting that claim object");
      }
      if (!CLAIM_RETRY.retriesAfter(attempt)) {
        throw new StorageException("the claim of '" + key + "' kept appearing and disappearing: try again", null,
            true);
      }
      // Released (delete() of the object) between our PUT and our HEAD, or another writer's
      // conditional PUT still in progress (409 on AWS): claim again.
      try {
        CLAIM_RETRY.sleepBefore(attempt + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while claiming '" + key + "'");
      }
    }
  }

  /** Nothing to do: the claim kept any other writer's bytes out. */
  @Override
  public Optional<BlobInfo> afterCommit(S3BlobWriter writer, String versionId, Sha256 sha256, long size) {
    return Optional.empty();
  }

  /**
   * Deletes the object, then its claim (never before: while the object exists its claim must, or a
   * late writer of other bytes could claim the key and replace it).
   */
  @Override
  public void delete(String key) throws IOException {
    if (store.locateVersion(key, null).isEmpty()) {
      throw new NoSuchObjectException(key);
    }
    store.deleteVersion(key, null);
    try {
      store.deleteClaim(key); // after the object: while it exists, so does its claim
    } catch (StorageException e) {
      LOG.log(System.Logger.Level.WARNING, "{0} is deleted but its claim {1} stays: {2} (only the same bytes can "
          + "be stored under the key until releaseClaim)", key, store.claimKey(key), e.getMessage());
    }
  }
}
