package io.custody.storage.spi;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.IntegrityException;
import io.custody.storage.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The part of a {@link BlobWriter} every plugin needs: SHA-256 of what is written, the byte
 * count, the open → committed/aborted states, and the {@link CreateOptions#expectedSha256()}
 * check. A plugin supplies where the bytes go ({@link #send}), how they become visible ({@link
 * #publish}) and how they are thrown away ({@link #discard}).
 */
public abstract class AbstractBlobWriter implements BlobWriter {
  private final MessageDigest sha256;
  protected final String key;
  protected final CreateOptions options;
  private long size;
  private boolean open = true;
  private boolean committed;

  protected AbstractBlobWriter(String key, CreateOptions options) {
    this.key = key;
    this.options = options;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code src}'s remaining bytes on (all of them). */
  protected abstract void send(ByteBuffer src) throws IOException;

  /**
   * Makes the bytes sent visible under the key, if absent; see {@link BlobWriter#commit()} for
   * what to do when the key is taken.
   *
   * @param sha256 SHA-256 of everything sent
   * @param size bytes sent
   */
  protected abstract BlobInfo publish(Sha256 sha256, long size) throws IOException;

  /** Throws away what was sent. Called at most once. */
  protected abstract void discard() throws IOException;

  @Override
  public final int write(ByteBuffer src) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    int n = src.remaining();
    ByteBuffer view = src.duplicate();
    sha256.update(view);
    send(src);
    size += n;
    return n;
  }

  @Override
  public final long size() {
    return size;
  }

  @Override
  public final BlobInfo commit() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    open = false;
    Sha256 sha = Sha256.of(sha256.digest());
    try {
      if (options.expectedSha256().isPresent() && !options.expectedSha256().get().equals(sha)) {
        throw new IntegrityException("the bytes written to '" + key + "' hash to " + sha
            + ", not the expected " + options.expectedSha256().get());
      }
      BlobInfo info = publish(sha, size);
      committed = true;
      return info;
    } finally {
      if (!committed) {
        discard();
      }
    }
  }

  @Override
  public final void abort() throws IOException {
    if (open) {
      open = false;
      discard();
    }
  }

  @Override
  public final boolean isOpen() {
    return open;
  }

  @Override
  public final void close() throws IOException {
    abort();
  }
}
