package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.Hkdf;
import io.custody.crypto.KeyUnwrapException;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientPrivateKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A recipient's view of one segment's records (docs/FORMAT.md §4 and §8): the content key
 * unwrapped from the header and checked against its commitment, and AES-256-GCM decryption of
 * each encrypted record under the nonce its position gives. Not thread-safe (one cipher).
 */
final class RecordCipher {
  private final SecretKeySpec recordKey;
  private final Cipher cipher;
  private final byte[] nonce = new byte[12];

  private RecordCipher(SecretKeySpec recordKey, byte[] noncePrefix) {
    this.recordKey = recordKey;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
    System.arraycopy(noncePrefix, 0, nonce, 0, NONCE_PREFIX);
  }

  /**
   * Unwraps the content key that {@code h} holds for {@code key} and derives the record key.
   *
   * @throws DecryptionException if the segment was not sealed for this key, the key does not
   *     unwrap, or the content key fails the header's key commitment
   */
  static RecordCipher open(RecipientPrivateKey key, SegmentHeader h) throws DecryptionException {
    byte[] contentKey = contentKey(key, h);
    try {
      return open(contentKey, h);
    } finally {
      Arrays.fill(contentKey, (byte) 0);
    }
  }

  /**
   * The record cipher of {@code h} under a content key already unwrapped (a disclosure package's),
   * checked against the header's key commitment.
   *
   * @throws DecryptionException KEY_COMMITMENT_MISMATCH if it is not the key the header commits to
   */
  static RecordCipher open(byte[] contentKey, SegmentHeader h) throws DecryptionException {
    JitWarmUp.done();
    byte[] salt = salt(h.recordingIdBytes(), h.segmentIndex());
    if (contentKey.length != 32
        || !MessageDigest.isEqual(Hkdf.sha256(contentKey, salt, COMMITMENT_INFO, 32), h.keyCommitment())) {
      throw new DecryptionException(DecryptionException.Reason.KEY_COMMITMENT_MISMATCH,
          "the content key does not match the header's key commitment");
    }
    return new RecordCipher(new SecretKeySpec(Hkdf.sha256(contentKey, salt, RECORD_KEY_INFO, 32), "AES"),
        h.noncePrefix());
  }

  /**
   * Unwraps the content key that {@code h} holds for {@code key}, checked against the header's key
   * commitment. The caller clears it after use.
   */
  static byte[] contentKey(RecipientPrivateKey key, SegmentHeader h) throws DecryptionException {
    byte[] keyId = key.publicKey().keyId();
    SegmentHeader.Recipient entry = null;
    for (SegmentHeader.Recipient r : h.recipients()) {
      if (Arrays.equals(r.keyId(), keyId)) {
        entry = r;
      }
    }
    if (entry == null) {
      throw new DecryptionException(DecryptionException.Reason.NOT_A_RECIPIENT,
          "the segment was not sealed for key " + key.publicKey().keyIdHex());
    }
    byte[] contentKey;
    try {
      contentKey = KeyWrap.unwrap(key, entry.wrapped(), wrapInfo(h.recordingIdBytes(), h.segmentIndex()));
    } catch (KeyUnwrapException e) {
      throw new DecryptionException(DecryptionException.Reason.KEY_UNWRAP_FAILED,
          "the content key does not unwrap with key " + key.publicKey().keyIdHex(), e);
    }
    byte[] salt = salt(h.recordingIdBytes(), h.segmentIndex());
    if (!MessageDigest.isEqual(Hkdf.sha256(contentKey, salt, COMMITMENT_INFO, 32), h.keyCommitment())) {
      Arrays.fill(contentKey, (byte) 0);
      throw new DecryptionException(DecryptionException.Reason.KEY_COMMITMENT_MISMATCH,
          "the unwrapped content key does not match the header's key commitment");
    }
    return contentKey;
  }

  /**
   * Decrypts one record: {@code framing} is its authenticated framing ({@link SealFormat#FRAMING}
   * bytes), {@code body} its ciphertext and tag, {@code counter} its place among the segment's
   * encrypted records. Returns the plaintext bytes written at {@code out[outOffset]}.
   *
   * @throws DecryptionException RECORD_AUTHENTICATION_FAILED if the record fails AES-GCM
   */
  int decrypt(int kind, int seq, int counter, byte[] framing, int framingOffset, byte[] body, int bodyOffset,
      int bodyLength, byte[] out, int outOffset) throws DecryptionException {
    if (bodyLength < TAG) {
      throw new DecryptionException(DecryptionException.Reason.RECORD_AUTHENTICATION_FAILED,
          "record " + seq + " is too short to hold its authentication tag");
    }
    putInt(nonce, NONCE_PREFIX, counter);
    nonce[11] = (byte) (kind == KIND_END ? 1 : 0);
    try {
      cipher.init(Cipher.DECRYPT_MODE, recordKey, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(framing, framingOffset, FRAMING);
      return cipher.doFinal(body, bodyOffset, bodyLength, out, outOffset);
    } catch (AEADBadTagException ex) {
      throw new DecryptionException(DecryptionException.Reason.RECORD_AUTHENTICATION_FAILED,
          "record " + seq + " fails authentication", ex);
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("AES-GCM failed", ex);
    }
  }

  /**
   * The JDK compiles AES-GCM's fast path (the AES and carry-less-multiply intrinsics) only into
   * callers that have run thousands of times. A segment's records are large (256 KiB) and few, so a
   * process would decrypt its first ~1.2 GB (5,000 records) at ~0.2 GB/s before that happens:
   * measured here, 400 MB in a fresh JVM took 2.2 s cold and 0.11 s after this warm-up.
   * Decrypting 20,000 tiny records under a throwaway key, once per process, costs ~80 ms.
   */
  private static final class JitWarmUp {
    static {
      try {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec k = new SecretKeySpec(new byte[32], "AES");
        byte[] nonce = new byte[12];
        byte[] aad = new byte[FRAMING];
        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        byte[] sealed = c.doFinal(new byte[64]);
        byte[] out = new byte[64];
        for (int i = 0; i < 20_000; i++) {
          c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
          c.updateAAD(aad);
          c.doFinal(sealed, 0, sealed.length, out, 0);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM is not available", e);
      }
    }

    private JitWarmUp() {}

    static void done() {
      // loading the class ran the warm-up, once, on the first thread here
    }
  }
}
