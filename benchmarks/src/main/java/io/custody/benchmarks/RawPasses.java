package io.custody.benchmarks;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The primitive passes sealing must make, with raw JCA and nothing else: AES-256-GCM in records
 * of the container's size (a fresh nonce, so a fresh {@code Cipher.init}, per record), SHA-256 of
 * the ciphertext and, optionally, SHA-256 of the plaintext. The floor any design pays.
 */
final class RawPasses {
  /** The container's record size (see RecordSizeBenchmark). */
  static final int RECORD = 256 * 1024;

  private final Cipher cipher;
  private final SecretKeySpec key;
  private final MessageDigest sha;
  private final MessageDigest sha2;
  private final byte[] plain = new byte[RECORD];
  private final byte[] sealed = new byte[RECORD + 16];
  private final byte[] nonce = new byte[12];
  private final byte[] digest = new byte[32];
  private long counter;

  RawPasses() throws GeneralSecurityException {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    sha = MessageDigest.getInstance("SHA-256");
    sha2 = MessageDigest.getInstance("SHA-256");
  }

  /** Encrypts and hashes every byte of the fragments, record by record. */
  long sealAndHash(List<ByteBuffer> fragments, boolean plaintextSha256) throws GeneralSecurityException {
    long sum = run(fragments, true, plaintextSha256);
    sha.digest(digest, 0, 32);
    return sum + (plaintextSha256 ? sha2.digest()[0] : 0);
  }

  /** AES-256-GCM alone over the fragments, record by record. */
  long encryptOnly(List<ByteBuffer> fragments) throws GeneralSecurityException {
    return run(fragments, false, false);
  }

  private long run(List<ByteBuffer> fragments, boolean hashCiphertext, boolean hashPlaintext)
      throws GeneralSecurityException {
    long sum = 0;
    for (ByteBuffer f : fragments) {
      ByteBuffer b = f.duplicate();
      while (b.hasRemaining()) {
        int n = Math.min(RECORD, b.remaining());
        b.get(plain, 0, n);
        encrypt(n);
        sum += sealed[n];
        if (hashCiphertext) {
          sha.update(sealed, 0, n + 16);
        }
        if (hashPlaintext) {
          sha2.update(plain, 0, n);
        }
      }
    }
    return sum;
  }

  /** SHA-256 alone over the fragments. */
  byte hashOnly(List<ByteBuffer> fragments) {
    for (ByteBuffer f : fragments) {
      sha.update(f.duplicate());
    }
    return sha.digest()[0];
  }

  private void encrypt(int n) throws GeneralSecurityException {
    long v = counter++;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (v >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.doFinal(plain, 0, n, sealed, 0);
  }
}
