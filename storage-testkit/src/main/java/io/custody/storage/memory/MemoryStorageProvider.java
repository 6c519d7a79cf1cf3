package io.custody.storage.memory;

import io.custody.storage.BlobStore;
import io.custody.storage.spi.StorageProvider;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mem:NAME}: stores kept in this JVM's memory, shared by name, gone when the JVM ends. For
 * tests and examples; it passes the same conformance kit as every plugin, and it is the minimal
 * example plugin of docs/PLUGINS.md.
 */
public final class MemoryStorageProvider implements StorageProvider {
  private static final Map<String, MemoryBlobStore> STORES = new ConcurrentHashMap<>();

  @Override
  public String scheme() {
    return "mem";
  }

  @Override
  public BlobStore open(URI uri, Map<String, String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("mem: takes no options, got " + options.keySet());
    }
    String name = uri.getSchemeSpecificPart();
    return STORES.computeIfAbsent(name, n -> new MemoryBlobStore(URI.create("mem:" + n)));
  }
}
