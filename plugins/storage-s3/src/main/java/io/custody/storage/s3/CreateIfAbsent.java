package io.custody.storage.s3;

import io.custody.storage.BlobInfo;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Sha256;
import java.io.IOException;
import java.util.Optional;

/**
 * Create-if-absent as one kind of bucket keeps it, where {@code If-None-Match: *} alone does not
 * (Ceph RGW 16.2 ignores it on CompleteMultipartUpload, and on every write to a versioned bucket):
 * {@link UnversionedBucket} claims a key before committing, {@link VersionedBucket} takes the
 * oldest version as the object. {@link S3BlobStore} picks one when it opens the bucket; its writer
 * commits between {@link #beforeCommit} and {@link #afterCommit}, and reads and deletes find the
 * object through {@link #locate}, {@link #readVersion} and {@link #delete}.
 */
interface CreateIfAbsent {
  /**
   * Refuses a key this kind of bucket cannot take.
   *
   * @throws IllegalArgumentException if it cannot
   */
  void checkKey(String key);

  /** The object under {@code key}: its version and what HEAD said; empty if there is none. */
  Optional<S3BlobStore.Located> locate(String key) throws IOException;

  /**
   * The version reads of {@code key} address: null on an unversioned bucket (there is one object,
   * looked up by the read itself), the object's version on a versioned one.
   *
   * @throws io.custody.storage.NoSuchObjectException if a versioned bucket has no version of it
   */
  String readVersion(String key) throws IOException;

  /**
   * Runs when {@code writer} found its key absent and is about to commit.
   *
   * @return empty to go on and commit; the object, if the key holds these bytes already
   * @throws ObjectExistsException if other bytes hold or claim the key
   */
  Optional<BlobInfo> beforeCommit(S3BlobWriter writer, Sha256 sha256, long size) throws IOException;

  /**
   * Runs when {@code writer} has committed {@code versionId} (null on unversioned buckets).
   *
   * @return empty if that is the object; the object, if another writer's commit of the same bytes
   *     is
   * @throws ObjectExistsException if another writer's commit of other bytes is the object
   */
  Optional<BlobInfo> afterCommit(S3BlobWriter writer, String versionId, Sha256 sha256, long size)
      throws IOException;

  /**
   * Deletes the object under {@code key} and what this kind of bucket keeps for it.
   *
   * @throws io.custody.storage.NoSuchObjectException if there is no object
   * @throws io.custody.storage.RetentionException if Object Lock protects it
   */
  void delete(String key) throws IOException;

  /**
   * {@code existing} if it holds the bytes described ({@code sha256} and {@code size}): a retry.
   *
   * @throws ObjectExistsException if it holds other bytes ({@code note} is added to the message)
   */
  static BlobInfo sameOrRefuse(String key, BlobInfo existing, Sha256 sha256, long size, String note)
      throws ObjectExistsException {
    if (existing.sha256().equals(sha256) && existing.size() == size) {
      return existing;
    }
    throw new ObjectExistsException(key, "'" + key + "' already holds different bytes (" + existing.size()
        + " bytes, SHA-256 " + existing.sha256() + ")" + note);
  }
}
