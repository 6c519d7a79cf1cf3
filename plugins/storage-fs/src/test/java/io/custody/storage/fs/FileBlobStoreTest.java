package io.custody.storage.fs;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The file-system store passes the conformance kit (with fsync on, in a directory under target/). */
class FileBlobStoreTest extends BlobStoreContract {
  static final Path ROOT = Paths.get("target", "tck-store");

  @Override
  protected BlobStore openStore() throws IOException {
    return Storage.open(ROOT.toAbsolutePath().toUri());
  }
}
