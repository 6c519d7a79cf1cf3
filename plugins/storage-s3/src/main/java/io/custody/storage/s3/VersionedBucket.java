package io.custody.storage.s3;

import io.custody.storage.BlobInfo;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.RetentionException;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Create-if-absent on a versioned bucket (every bucket with Object Lock), where Ceph RGW 16.2
 * ignores {@code If-None-Match} on every write: racing writers may each add a version of a key.
 *
 * <p>Its invariant: the <em>oldest</em> version of a key is its object. stat, read, delete and
 * protect address it; after committing, a writer whose version is not the oldest deletes its own
 * again (or, if its retention forbids that, leaves it as an unreachable version) and gets {@link
 * io.custody.storage.ObjectExistsException} unless the oldest holds the same bytes.
 */
final class VersionedBucket implements CreateIfAbsent {
  private static final System.Logger LOG = System.getLogger(VersionedBucket.class.getName());

  private final S3BlobStore store;

  VersionedBucket(S3BlobStore store) {
    this.store = store;
  }

  /** Any key: nothing is stored beside it. */
  @Override
  public void checkKey(String key) {}

  @Override
  public Optional<S3BlobStore.Located> locate(String key) throws IOException {
    Optional<String> v = oldestVersion(key);
    return v.isEmpty() ? Optional.empty() : store.locateVersion(key, v.get());
  }

  @Override
  public String readVersion(String key) throws IOException {
    return oldestVersion(key).orElseThrow(() -> new NoSuchObjectException(key));
  }

  /** The version that is the object: the oldest; empty if none. */
  private Optional<String> oldestVersion(String key) throws IOException {
    List<ObjectVersion> vs = store.versionsOf(store.prefix + key);
    return vs.isEmpty() ? Optional.empty() : Optional.of(vs.get(vs.size() - 1).versionId());
  }

  /** Nothing to do: the race is resolved after committing. */
  @Override
  public Optional<BlobInfo> beforeCommit(S3BlobWriter writer, Sha256 sha256, long size) {
    return Optional.empty();
  }

  /**
   * If an older version of the key exists, it is the object and the writer's must go. Returns the
   * older version's info when it holds the same bytes (a concurrent retry), empty when the writer's
   * is the oldest; throws {@link io.custody.storage.ObjectExistsException} otherwise.
   */
  @Override
  public Optional<BlobInfo> afterCommit(S3BlobWriter writer, String versionId, Sha256 sha256, long size)
      throws IOException {
    String key = writer.key();
    List<ObjectVersion> vs = store.versionsOf(store.prefix + key);
    if (vs.isEmpty() || versionId == null || vs.get(vs.size() - 1).versionId().equals(versionId)) {
      return Optional.empty();
    }
    String oldest = vs.get(vs.size() - 1).versionId();
    Optional<S3BlobStore.Located> winner = store.locateVersion(key, oldest);
    String left = "";
    try {
      store.deleteVersion(key, versionId);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "the losing version {0} of {1} could not be deleted: {2}", versionId, key,
          e.getMessage());
      left = "; this writer's version " + versionId + " could not be deleted (" + e.getMessage() + ") and stays as a "
          + "non-canonical version, visible only in version listings";
    }
    if (winner.isEmpty()) {
      throw new StorageException("'" + key + "' changed while committing: try again", null, true);
    }
    return Optional.of(CreateIfAbsent.sameOrRefuse(key, winner.get().info(), sha256, size, left));
  }

  /**
   * Deletes the object's version by id (so no delete marker is written and the server's Object
   * Lock decides), then any stray versions of the key a lost race left behind, as far as their own
   * retention allows.
   */
  @Override
  public void delete(String key) throws IOException {
    List<ObjectVersion> vs = store.versionsOf(store.prefix + key);
    if (vs.isEmpty()) {
      throw new NoSuchObjectException(key);
    }
    store.deleteVersion(key, vs.get(vs.size() - 1).versionId());
    for (ObjectVersion stray : vs.subList(0, vs.size() - 1)) {
      try {
        store.deleteVersion(key, stray.versionId());
      } catch (RetentionException e) {
        LOG.log(System.Logger.Level.WARNING, "a stray version {0} of {1} is under retention and stays",
            stray.versionId(), key);
      }
    }
  }
}
