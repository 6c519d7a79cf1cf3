package io.custody.storage;

import java.util.Set;

/** No installed {@link io.custody.storage.spi.StorageProvider} handles a URI's scheme. */
public final class UnsupportedSchemeException extends StorageException {
  private static final long serialVersionUID = 1L;
  private final Set<String> installed;

  public UnsupportedSchemeException(String scheme, Set<String> installed) {
    super("no storage plugin handles '" + scheme + ":' URIs; installed schemes: "
        + (installed.isEmpty() ? "(none)" : String.join(", ", installed))
        + ". Add the plugin's jar (e.g. custody-storage-s3 for s3:) to the class path.");
    this.installed = Set.copyOf(installed);
  }

  public Set<String> installedSchemes() {
    return installed;
  }
}
