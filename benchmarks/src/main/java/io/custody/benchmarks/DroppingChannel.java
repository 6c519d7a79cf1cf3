package io.custody.benchmarks;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Takes every byte as a fast sink would and drops it, SHA-256-hashing it first if asked. */
final class DroppingChannel implements WritableByteChannel {
  /** The hash of all that was written, or null. */
  final MessageDigest sha;

  DroppingChannel() {
    sha = null;
  }

  static DroppingChannel hashing() throws NoSuchAlgorithmException {
    return new DroppingChannel(MessageDigest.getInstance("SHA-256"));
  }

  private DroppingChannel(MessageDigest sha) {
    this.sha = sha;
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    if (sha != null) {
      sha.update(src);
    } else {
      src.position(src.limit());
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
