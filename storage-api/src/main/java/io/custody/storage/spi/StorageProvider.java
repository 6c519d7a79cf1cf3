package io.custody.storage.spi;

import io.custody.storage.BlobStore;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * A storage plugin: opens {@link BlobStore}s for one URI scheme. Found with {@link
 * java.util.ServiceLoader}: a plugin lists its class in {@code
 * META-INF/services/io.custody.storage.spi.StorageProvider}. Users never name a provider; they
 * call {@link io.custody.storage.Storage#open} with a URI.
 *
 * <p>Schemes are matched case-insensitively. If two installed providers claim one scheme, {@link
 * io.custody.storage.Storage#open} refuses to guess and names both. Implementations must be
 * thread-safe and have a public no-argument constructor.
 */
public interface StorageProvider {
  /** The URI scheme, e.g. {@code "file"} or {@code "s3"}. */
  String scheme();

  /**
   * Opens the store at {@code uri}. {@code options} carry what does not belong in a URI
   * (credentials, tuning); unknown options are refused with {@link IllegalArgumentException} so
   * a typo does not go unnoticed.
   */
  BlobStore open(URI uri, Map<String, String> options) throws IOException;
}
