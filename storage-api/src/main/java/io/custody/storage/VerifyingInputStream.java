package io.custody.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hashes what it passes on and, at the end, checks size and SHA-256 against an object's info. */
final class VerifyingInputStream extends FilterInputStream {
  private final BlobInfo expected;
  private final MessageDigest sha;
  private long count;
  private boolean checked;

  VerifyingInputStream(InputStream in, BlobInfo expected) {
    super(in);
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
    if (count != expected.size() || !got.equals(expected.sha256())) {
      throw new IntegrityException("'" + expected.key() + "' read back as " + count + " bytes hashing to "
          + got + "; the store recorded " + expected.size() + " bytes hashing to " + expected.sha256());
    }
  }
}
