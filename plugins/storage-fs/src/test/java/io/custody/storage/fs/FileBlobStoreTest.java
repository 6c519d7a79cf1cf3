package io.custody.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.BlobStore;
import io.custody.storage.IntegrityException;
import io.custody.storage.Storage;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The file-system store passes the conformance kit (with fsync on, in a directory under target/). */
class FileBlobStoreTest extends BlobStoreContract {
  static final Path ROOT = Paths.get("target", "tck-store");

  @Override
  protected BlobStore openStore() throws IOException {
    return Storage.open(ROOT.toAbsolutePath().toUri());
  }

  @Test
  void theSha256AttributeIsLowerCaseHexAndAMalformedOneIsAnIntegrityFailure() throws Exception {
    byte[] data = bytes(1000, 77);
    put(prefix + "attr", data);
    UserDefinedFileAttributeView view = Files.getFileAttributeView(ROOT.resolve(prefix + "attr"),
        UserDefinedFileAttributeView.class);
    assertThat(attr(view)).isEqualTo(sha256(data).hex()).matches("[0-9a-f]{64}");

    setAttr(view, sha256(data).hex().toUpperCase(Locale.ROOT)); // written by hand: still the same digest
    assertThat(store.stat(prefix + "attr").orElseThrow().sha256()).isEqualTo(sha256(data));

    setAttr(view, "not a digest");
    assertThatThrownBy(() -> store.stat(prefix + "attr")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("malformed SHA-256 attribute (user.custody.sha256)");
  }

  private static String attr(UserDefinedFileAttributeView view) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(view.size(FileBlobStore.SHA256_ATTR));
    view.read(FileBlobStore.SHA256_ATTR, b);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  private static void setAttr(UserDefinedFileAttributeView view, String value) throws IOException {
    view.write(FileBlobStore.SHA256_ATTR, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }
}
