package io.custody.upload;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.Capabilities;
import io.custody.storage.CreateOptions;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import io.custody.storage.StorageException;
import io.custody.storage.tck.ForwardingBlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real store and fails on a schedule, as a flaky uplink does: every {@code n}-th write
 * call throws a transient error mid-stream (a dropped connection), every {@code m}-th commit times
 * out after the bytes arrived (the client cannot know whether they were kept), and {@code stat}
 * fails now and then. Counts the objects it really created.
 */
final class FaultyBlobStore implements BlobStore {
  private final BlobStore store;
  private final int failEveryWrite;
  private final int timeoutEveryCommit;
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger commits = new AtomicInteger();
  final AtomicInteger stats = new AtomicInteger();
  final AtomicInteger created = new AtomicInteger();
  final AtomicInteger faults = new AtomicInteger();
  volatile boolean dead;

  FaultyBlobStore(BlobStore store, int failEveryWrite, int timeoutEveryCommit) {
    this.store = store;
    this.failEveryWrite = failEveryWrite;
    this.timeoutEveryCommit = timeoutEveryCommit;
  }

  private void checkAlive() throws StorageException {
    if (dead) {
      throw new StorageException("connection refused (store down)", null, true);
    }
  }

  @Override
  public URI uri() {
    return store.uri();
  }

  @Override
  public Capabilities capabilities() {
    return store.capabilities();
  }

  @Override
  public BlobWriter create(String key, CreateOptions options) throws IOException {
    checkAlive();
    return new ForwardingBlobWriter(store.create(key, options)) {
      @Override
      public int write(ByteBuffer src) throws IOException {
        checkAlive();
        if (failEveryWrite > 0 && writes.incrementAndGet() % failEveryWrite == 0) {
          faults.incrementAndGet();
          throw new StorageException("connection reset by peer", null, true);
        }
        return super.write(src);
      }

      @Override
      public BlobInfo commit() throws IOException {
        checkAlive();
        BlobInfo before = store.stat(key).orElse(null);
        BlobInfo info = super.commit();
        if (before == null) {
          created.incrementAndGet();
        }
        if (timeoutEveryCommit > 0 && commits.incrementAndGet() % timeoutEveryCommit == 0) {
          faults.incrementAndGet();
          throw new StorageException("read timed out waiting for the commit's answer", null, true);
        }
        return info;
      }
    };
  }

  @Override
  public InputStream read(String key, long offset, long length) throws IOException {
    checkAlive();
    return store.read(key, offset, length);
  }

  @Override
  public Optional<BlobInfo> stat(String key) throws IOException {
    checkAlive();
    if (stats.incrementAndGet() % 7 == 0) {
      faults.incrementAndGet();
      throw new StorageException("503 slow down", null, true);
    }
    return store.stat(key);
  }

  @Override
  public Page list(String prefix, Optional<String> token, int maxItems) throws IOException {
    checkAlive();
    return store.list(prefix, token, maxItems);
  }

  @Override
  public void delete(String key) throws IOException {
    checkAlive();
    store.delete(key);
  }

  @Override
  public void protect(String key, Optional<Retention> retention, boolean legalHold) throws IOException {
    checkAlive();
    store.protect(key, retention, legalHold);
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
