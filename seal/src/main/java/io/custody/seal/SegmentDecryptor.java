package io.custody.seal;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import java.io.IOException;
import java.io.InputStream;

/**
 * Verifies and decrypts a sealed segment in one pass over a stream (docs/FORMAT.md §7 and §8):
 * what an export does, reading every byte once, from a file or straight from a store. {@link
 * SegmentReader} is the random-access reader of a segment in a file.
 *
 * <p>Plaintext is handed to the {@link Sink} record by record as it is read, each record first
 * authenticated by AES-GCM under the segment's content key (which the signed header commits to).
 * Whether the segment is whole, in order and sealed by the device is known only at its end, from
 * the report {@link #decrypt} returns: a caller keeps what it was given provisional (a temporary
 * file, say) until that report is {@code COMPLETE}, as {@code custody export} does.
 *
 * <p>The plaintext is not hashed again for the manifest's {@code plaintext_sha256}: once the
 * segment verifies, its ciphertext is the device's byte for byte and its key the committed one, so
 * the plaintext can be no other (FORMAT.md §8). Thread-safe: each call uses only its own state.
 */
public final class SegmentDecryptor {
  private final RecipientPrivateKey key;
  private final Verifier verifier;

  /** Decrypts with {@code key}, verifying with the device's public key {@code device}. */
  public SegmentDecryptor(RecipientPrivateKey key, DevicePublicKey device) {
    this.key = key;
    this.verifier = new Verifier(device);
  }

  /** Where the plaintext fMP4 goes: its init part, then its media part. Buffers are reused after each call. */
  public interface Sink {
    /** The init part ({@code ftyp} + {@code moov}): called once, before any media. */
    void init(byte[] b, int offset, int length) throws IOException;

    /** The next bytes of the media part (the fragments: {@code prft}, {@code moof}, {@code mdat}), in order. */
    void media(byte[] b, int offset, int length) throws IOException;

    /**
     * A sink that writes the init part and then the media to {@code out}, one MP4, and gives
     * {@code digest} the same bytes.
     */
    static Sink writingTo(java.io.OutputStream out, java.security.MessageDigest digest) {
      return new Sink() {
        @Override
        public void init(byte[] b, int offset, int length) throws IOException {
          media(b, offset, length);
        }

        @Override
        public void media(byte[] b, int offset, int length) throws IOException {
          digest.update(b, offset, length);
          out.write(b, offset, length);
        }
      };
    }
  }

  /**
   * Reads the segment from {@code sealed} to its end (the stream is not closed), verifying it and
   * giving its plaintext to {@code sink}.
   *
   * @return the verification report: when {@code COMPLETE}, {@code sink} was given the segment's
   *     whole plaintext and every byte of it is proven; otherwise what it was given is unproven and
   *     may stop short
   * @throws DecryptionException before any plaintext, if the segment (its header verified) was not
   *     sealed for the key, the content key does not unwrap or fails its commitment; or, at the end,
   *     if a segment that verifies holds a record that does not decrypt
   * @throws IOException if the stream cannot be read or the sink fails
   */
  public VerificationReport decrypt(InputStream sealed, Sink sink) throws IOException, DecryptionException {
    Listener listener = new Listener(sink);
    VerificationReport report;
    try {
      report = verifier.verify(sealed, listener);
    } catch (KeyRefused e) {
      throw e.reason;
    }
    if (report.status() == VerificationReport.Status.COMPLETE && listener.failure != null) {
      throw listener.failure;
    }
    return report;
  }

  /** Carries a refused key out of the verification pass, which stops there. */
  private static final class KeyRefused extends RuntimeException {
    final transient DecryptionException reason;

    KeyRefused(DecryptionException reason) {
      super(reason.getMessage(), reason, false, false);
      this.reason = reason;
    }
  }

  private final class Listener implements Verifier.RecordListener {
    private final Sink sink;
    private RecordCipher cipher;
    private byte[] plaintext;
    private int counter;
    /** The first record that failed authentication: no plaintext is given after it. */
    DecryptionException failure;

    Listener(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void header(SegmentHeader header) {
      try {
        cipher = RecordCipher.open(key, header);
      } catch (DecryptionException e) {
        throw new KeyRefused(e);
      }
      plaintext = new byte[header.maxRecordPlaintext()];
    }

    @Override
    public void encrypted(int kind, int seq, long offset, byte[] framing, byte[] body, int bodyLength)
        throws IOException {
      if (failure != null) {
        return;
      }
      int n;
      try {
        n = cipher.decrypt(kind, seq, counter++, framing, 0, body, 0, bodyLength, plaintext, 0);
      } catch (DecryptionException e) {
        failure = e; // verification goes on: if the segment fails, its report says where and why
        return;
      }
      if (kind == SealFormat.KIND_INIT) {
        sink.init(plaintext, 0, n);
      } else if (n > 0) {
        sink.media(plaintext, 0, n);
      }
    }
  }
}
