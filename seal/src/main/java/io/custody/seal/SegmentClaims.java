package io.custody.seal;

import static io.custody.seal.SealFormat.FOOTER_LENGTH;
import static io.custody.seal.SealFormat.FOOTER_MAGIC;
import static io.custody.seal.SealFormat.FRAMING;
import static io.custody.seal.SealFormat.KIND_MANIFEST;
import static io.custody.seal.SealFormat.SIGNATURE;
import static io.custody.seal.SealFormat.getLong;
import static io.custody.seal.SealFormat.getUnsignedInt;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signatures;
import io.custody.storage.BlobStore;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sealed segment in a store says about itself, read without its media: the header and the
 * MANIFEST its footer points at, four ranged reads of a few kilobytes whatever the segment's size,
 * each checked against the device's signature over it.
 *
 * <p>This is for listing thousands of recordings quickly (e.g. {@code custody serve}), never
 * verification: the manifest's signature covers the chain value it states, not the records that
 * chain was computed from, so a segment whose media was altered still has valid claims. Only
 * {@link Verifier}, which reads every byte, says whether the segment is what it claims. Immutable.
 *
 * @param header the segment's header (its signature is {@code signed})
 * @param manifest the closing manifest, or empty when the segment has none (a segment cut short and
 *     not yet recovered, or one whose end is damaged)
 * @param bytes the object's size
 * @param signed whether the device key signed the header and, when present, the manifest
 */
public record SegmentClaims(SegmentHeader header, Optional<SegmentManifest> manifest, long bytes, boolean signed) {
  public SegmentClaims {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(manifest, "manifest");
  }

  /**
   * Reads the claims of the segment at {@code key}.
   *
   * @throws SealedFormatException if the object does not start with a readable segment header
   * @throws NoSuchFileException if there is no such object
   * @throws IOException if the store cannot be read
   */
  public static SegmentClaims read(BlobStore store, String key, DevicePublicKey device) throws IOException {
    long size = store.stat(key).orElseThrow(() -> new NoSuchFileException(key)).size();
    SegmentHeader header = header(store, key, size);
    int headerLength = header.length();
    SignatureVerifier signatures = Signatures.verifier(device);
    byte[] signedHeader = SegmentHeader.signedPart(header.bytes(), header.signatureOffset());
    boolean signed = header.suite() == device.suite()
        && signatures.verify(signedHeader, 0, signedHeader.length, header.bytes(), header.signatureOffset());
    Optional<SegmentManifest> manifest = Optional.empty();
    long footerAt = size - FOOTER_LENGTH;
    if (footerAt >= headerLength + FRAMING) {
      byte[] footer = range(store, key, footerAt, FOOTER_LENGTH);
      long at = getLong(footer, 8);
      if (Arrays.equals(footer, 0, 8, FOOTER_MAGIC, 0, 8) && at >= headerLength && at <= footerAt - FRAMING - SIGNATURE) {
        byte[] record = range(store, key, at, (int) Math.min(footerAt - at, 1 << 24));
        long bodyLength = getUnsignedInt(record, 5);
        if ((record[0] & 0xff) == KIND_MANIFEST && bodyLength == record.length - FRAMING) {
          byte[] json = Arrays.copyOfRange(record, FRAMING, record.length - SIGNATURE);
          try {
            SegmentManifest m = SegmentManifest.parse(json);
            byte[] message = Manifests.manifestMessage(HexFormat.of().parseHex(m.chainSha256()), json);
            signed &= signatures.verify(message, 0, message.length, record, record.length - SIGNATURE);
            manifest = Optional.of(m);
          } catch (IllegalArgumentException e) {
            signed = false; // a manifest that does not parse is one the device did not write
          }
        }
      }
    }
    return new SegmentClaims(header, manifest, size, signed);
  }

  /**
   * The header of the segment at {@code key}, parsed but not checked against any key: to learn
   * which device key signed it (e.g. to look that key up in the device register) before {@link #read}.
   *
   * @throws SealedFormatException if the object does not start with a readable segment header
   */
  public static SegmentHeader header(BlobStore store, String key) throws IOException {
    return header(store, key, store.stat(key).orElseThrow(() -> new NoSuchFileException(key)).size());
  }

  private static SegmentHeader header(BlobStore store, String key, long size) throws IOException {
    if (size < 16) {
      throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, "the header is cut short", 0);
    }
    int headerLength = SegmentHeader.declaredLength(range(store, key, 0, 16));
    if (headerLength > size) {
      throw new SealedFormatException(SealedFormatException.Reason.TRUNCATED, "the header is cut short", 0);
    }
    return SegmentHeader.parse(range(store, key, 0, headerLength));
  }

  private static byte[] range(BlobStore store, String key, long offset, int length) throws IOException {
    try (InputStream in = store.read(key, offset, length)) {
      byte[] b = in.readNBytes(length);
      if (b.length < length) {
        throw new EOFException(key + " ends before byte " + (offset + length));
      }
      return b;
    }
  }
}
