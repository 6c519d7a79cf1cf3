package io.custody.storage.memory;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.Capabilities;
import io.custody.storage.CreateOptions;
import io.custody.storage.Keys;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import io.custody.storage.Sha256;
import io.custody.storage.spi.AbstractBlobWriter;
import io.custody.storage.spi.RetentionRules;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-memory {@link BlobStore} (see {@link MemoryStorageProvider}). Thread-safe. */
public final class MemoryBlobStore implements BlobStore {
  @SuppressWarnings("ArrayRecordComponent") // private; the bytes are copied in and out, never shared
  private record Entry(byte[] bytes, BlobInfo info) {}

  private final URI uri;
  private final Clock clock;
  private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();

  public MemoryBlobStore(URI uri) {
    this(uri, Clock.systemUTC());
  }

  public MemoryBlobStore(URI uri, Clock clock) {
    this.uri = uri;
    this.clock = clock;
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, false, false, false);
  }

  @Override
  public BlobWriter create(String key, CreateOptions options) {
    Keys.check(key);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new AbstractBlobWriter(key, options) {
      @Override
      protected void send(ByteBuffer src) throws IOException {
        Channels.newChannel(buffer).write(src);
      }

      @Override
      protected BlobInfo publish(Sha256 sha256, long size) throws IOException {
        BlobInfo info = new BlobInfo(key, size, sha256, clock.instant(), options.retention(), options.legalHold());
        Entry mine = new Entry(buffer.toByteArray(), info);
        Entry existing = objects.putIfAbsent(key, mine);
        if (existing == null) {
          return info;
        }
        if (existing.info().sha256().equals(sha256) && existing.info().size() == size) {
          return existing.info();
        }
        throw new ObjectExistsException(key, "'" + key + "' already holds different bytes");
      }

      @Override
      protected void discard() {
        buffer.reset();
      }
    };
  }

  @Override
  public InputStream read(String key, long offset, long length) throws IOException {
    Entry e = objects.get(Keys.check(key));
    if (e == null) {
      throw new NoSuchObjectException(key);
    }
    int from = (int) Math.min(offset, e.bytes().length);
    int n = (int) Math.min(length, e.bytes().length - from);
    return new ByteArrayInputStream(e.bytes(), from, n);
  }

  @Override
  public Optional<BlobInfo> stat(String key) {
    return Optional.ofNullable(objects.get(Keys.check(key))).map(Entry::info);
  }

  @Override
  public Page list(String prefix, Optional<String> token, int maxItems) {
    List<BlobInfo> items = new ArrayList<>();
    Map<String, Entry> tail = token.isPresent() ? objects.tailMap(token.get(), false) : objects.tailMap(prefix, true);
    String last = null;
    for (Map.Entry<String, Entry> e : tail.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (items.size() == maxItems) {
        return new Page(items, Optional.of(last));
      }
      items.add(e.getValue().info());
      last = e.getKey();
    }
    return new Page(items, Optional.empty());
  }

  @Override
  public void delete(String key) throws IOException {
    Entry e = objects.get(Keys.check(key));
    if (e == null) {
      throw new NoSuchObjectException(key);
    }
    if (e.info().isProtectedAt(clock.instant())) {
      throw new RetentionException(key, "'" + key + "' is under retention or legal hold");
    }
    objects.remove(key, e);
  }

  @Override
  public synchronized void protect(String key, Optional<Retention> retention, boolean legalHold)
      throws IOException {
    Entry e = objects.get(Keys.check(key));
    if (e == null) {
      throw new NoSuchObjectException(key);
    }
    RetentionRules.checkChange(key, e.info().retention(), retention, clock.instant());
    BlobInfo i = e.info();
    objects.put(key, new Entry(e.bytes(), new BlobInfo(key, i.size(), i.sha256(), i.lastModified(), retention, legalHold)));
  }

  @Override
  public void close() {}
}
