package io.custody.storage.tck;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.Capabilities;
import io.custody.storage.CreateOptions;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.Optional;

/**
 * A store that passes every call to another: tests override what they watch or break (a lost
 * reply, a failing write, a slow read).
 */
public class ForwardingBlobStore implements BlobStore {
  private final BlobStore store;

  /** Forwards to {@code store}. */
  public ForwardingBlobStore(BlobStore store) {
    this.store = store;
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
    return store.create(key, options);
  }

  @Override
  public InputStream read(String key, long offset, long length) throws IOException {
    return store.read(key, offset, length);
  }

  @Override
  public Optional<BlobInfo> stat(String key) throws IOException {
    return store.stat(key);
  }

  @Override
  public Page list(String prefix, Optional<String> token, int maxItems) throws IOException {
    return store.list(prefix, token, maxItems);
  }

  @Override
  public Iterator<String> listKeys(String prefix) {
    return store.listKeys(prefix);
  }

  @Override
  public void delete(String key) throws IOException {
    store.delete(key);
  }

  @Override
  public void protect(String key, Optional<Retention> retention, boolean legalHold) throws IOException {
    store.protect(key, retention, legalHold);
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
