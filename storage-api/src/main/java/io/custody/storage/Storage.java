package io.custody.storage;

import io.custody.storage.spi.StorageProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Opens stores by URI, like {@link java.nio.file.Paths#get(URI)}: {@code file:/var/evidence},
 * {@code s3://bucket/prefix?endpoint=http://127.0.0.1:7480}, … The scheme picks the installed
 * {@link StorageProvider}.
 */
public final class Storage {
  private Storage() {}

  /** Opens the store at {@code uri} with no options. */
  public static BlobStore open(URI uri) throws IOException {
    return open(uri, Map.of());
  }

  /**
   * Opens the store at {@code uri}.
   *
   * @throws UnsupportedSchemeException if no installed plugin handles the scheme (the message
   *     lists those that are installed)
   */
  public static BlobStore open(URI uri, Map<String, String> options) throws IOException {
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("storage URI has no scheme: " + uri);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    Map<String, StorageProvider> providers = installed();
    StorageProvider p = providers.get(scheme);
    if (p == null) {
      throw new UnsupportedSchemeException(scheme, providers.keySet());
    }
    return p.open(uri, Map.copyOf(options));
  }

  /** The installed providers by scheme. */
  public static Map<String, StorageProvider> installed() {
    Map<String, StorageProvider> byScheme = new TreeMap<>();
    for (StorageProvider p : ServiceLoader.load(StorageProvider.class, Storage.class.getClassLoader())) {
      String s = p.scheme().toLowerCase(Locale.ROOT);
      StorageProvider clash = byScheme.putIfAbsent(s, p);
      if (clash != null) {
        throw new IllegalStateException("two storage plugins claim '" + s + ":': "
            + clash.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    return byScheme;
  }
}
