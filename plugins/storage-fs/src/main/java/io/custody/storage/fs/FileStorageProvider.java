package io.custody.storage.fs;

import io.custody.storage.BlobStore;
import io.custody.storage.spi.StorageProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;

/**
 * {@code file:} stores: a directory on a local file system ({@code file:/var/evidence}, or
 * relative: {@code file:./evidence}). Option {@code fsync=false} skips forcing data to the device
 * (faster, not crash-safe: for tests and benchmarks only).
 */
public final class FileStorageProvider implements StorageProvider {
  private static final Set<String> OPTIONS = Set.of("fsync");

  @Override
  public String scheme() {
    return "file";
  }

  @Override
  public BlobStore open(URI uri, Map<String, String> options) throws IOException {
    for (String k : options.keySet()) {
      if (!OPTIONS.contains(k)) {
        throw new IllegalArgumentException("unknown option for file: stores: " + k + " (known: " + OPTIONS + ")");
      }
    }
    Path root = uri.isOpaque() ? Paths.get(uri.getSchemeSpecificPart()) : Paths.get(uri);
    boolean fsync = !"false".equalsIgnoreCase(options.getOrDefault("fsync", "true"));
    return FileBlobStore.open(root, fsync);
  }
}
