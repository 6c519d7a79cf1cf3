package io.custody.storage.spi;

import io.custody.storage.IntegrityException;
import io.custody.storage.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes what it passes on and, at its end, checks the size and SHA-256 a store holds for the
 * object: {@link io.custody.storage.BlobStore#readVerified}'s stream. A plugin that gets an
 * object's size and SHA-256 with its bytes (in one response) wraps them in this to implement
 * {@code readVerified} without asking for the object's info first. Throws {@link
 * IntegrityException} at the end of the stream if either differs. Not thread-safe.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final String key;
  private final long size;
  private final Sha256 expected;
  private final MessageDigest sha;
  private long count;
  private boolean checked;

  /** Checks what {@code in} holds against {@code size} bytes hashing to {@code expected}, naming {@code key}. */
  public VerifyingInputStream(InputStream in, String key, long size, Sha256 expected) {
    super(in);
    this.key = key;
    this.size = size;
    this.expected = expected;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      sha.update(b, off, n);
      count += n;
    } else if (n < 0) {
      check();
    }
    return n;
  }

  @Override
  public long skip(long n) {
    return 0; // every byte must be hashed
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() throws IOException {
    if (checked) {
      return;
    }
    checked = true;
    Sha256 got = Sha256.of(sha.digest());
    if (count != size || !got.equals(expected)) {
      throw new IntegrityException("'" + key + "' read back as " + count + " bytes hashing to "
          + got + "; the store recorded " + size + " bytes hashing to " + expected);
    }
  }
}
