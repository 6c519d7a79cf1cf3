package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.SignatureSuite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The header of a sealed segment (docs/FORMAT.md §3.1): who sealed it, for whom, and the values
 * that bind its records. Immutable; the signature is checked by {@link Verifier}, not here.
 */
public final class SegmentHeader {
  /** Bytes before the recipient entries. */
  static final int FIXED = 8 + 2 + 2 + 4 + 16 + 4 + 8 + NONCE_PREFIX + 4 + HASH + HASH + 2;

  /** One recipient entry: a key id and the content key wrapped for it. */
  public static final class Recipient {
    private final byte[] keyId;
    private final byte[] wrapped;

    Recipient(byte[] keyId, byte[] wrapped) {
      this.keyId = keyId.clone();
      this.wrapped = wrapped.clone();
    }

    /** SHA-256 of the recipient public key's SPKI encoding. */
    public byte[] keyId() {
      return keyId.clone();
    }

    public String keyIdHex() {
      return hex(keyId);
    }

    byte[] wrapped() {
      return wrapped;
    }
  }

  private final byte[] bytes;
  private final SignatureSuite suite;
  private final byte[] recordingId;
  private final int segmentIndex;
  private final long createdMs;
  private final byte[] noncePrefix;
  private final int maxRecordPlaintext;
  private final byte[] keyCommitment;
  private final byte[] deviceKeyId;
  private final List<Recipient> recipients;
  private final byte[] descriptor;

  private SegmentHeader(byte[] bytes, SignatureSuite suite, byte[] recordingId, int segmentIndex, long createdMs,
      byte[] noncePrefix, int maxRecordPlaintext, byte[] keyCommitment, byte[] deviceKeyId,
      List<Recipient> recipients, byte[] descriptor) {
    this.descriptor = descriptor;
    this.bytes = bytes;
    this.suite = suite;
    this.recordingId = recordingId;
    this.segmentIndex = segmentIndex;
    this.createdMs = createdMs;
    this.noncePrefix = noncePrefix;
    this.maxRecordPlaintext = maxRecordPlaintext;
    this.keyCommitment = keyCommitment;
    this.deviceKeyId = deviceKeyId;
    this.recipients = List.copyOf(recipients);
  }

  /** Encodes a header; {@code signer} produces the header signature over the bytes before it. */
  static SegmentHeader encode(byte[] recordingId, int segmentIndex, long createdMs, byte[] noncePrefix,
      int maxRecordPlaintext, byte[] keyCommitment, byte[] deviceKeyId, List<Recipient> recipients, byte[] descriptor,
      io.custody.crypto.Signer signer) {
    int length = FIXED + 4 + descriptor.length + SIGNATURE;
    for (Recipient r : recipients) {
      length += HASH + 2 + r.wrapped.length;
    }
    byte[] b = new byte[length];
    System.arraycopy(MAGIC, 0, b, 0, 8);
    putShort(b, 8, VERSION);
    SignatureSuite suite = signer.publicKey().suite();
    putShort(b, 10, suite.code());
    putInt(b, 12, length);
    System.arraycopy(recordingId, 0, b, 16, 16);
    putInt(b, 32, segmentIndex);
    putLong(b, 36, createdMs);
    System.arraycopy(noncePrefix, 0, b, 44, NONCE_PREFIX);
    putInt(b, 51, maxRecordPlaintext);
    System.arraycopy(keyCommitment, 0, b, 55, HASH);
    System.arraycopy(deviceKeyId, 0, b, 87, HASH);
    putShort(b, 119, recipients.size());
    int at = FIXED;
    for (Recipient r : recipients) {
      System.arraycopy(r.keyId, 0, b, at, HASH);
      putShort(b, at + HASH, r.wrapped.length);
      System.arraycopy(r.wrapped, 0, b, at + HASH + 2, r.wrapped.length);
      at += HASH + 2 + r.wrapped.length;
    }
    putInt(b, at, descriptor.length);
    System.arraycopy(descriptor, 0, b, at + 4, descriptor.length);
    at += 4 + descriptor.length;
    byte[] signed = signedPart(b, at);
    signer.sign(signed, 0, signed.length, b, at);
    return new SegmentHeader(b, suite, recordingId.clone(), segmentIndex, createdMs, noncePrefix.clone(),
        maxRecordPlaintext, keyCommitment.clone(), deviceKeyId.clone(), recipients, descriptor.clone());
  }

  /** "custody/v1 header\0" ‖ the header bytes before the signature. */
  static byte[] signedPart(byte[] header, int signatureOffset) {
    byte[] m = new byte[HEADER_SIG_PREFIX.length + signatureOffset];
    System.arraycopy(HEADER_SIG_PREFIX, 0, m, 0, HEADER_SIG_PREFIX.length);
    System.arraycopy(header, 0, m, HEADER_SIG_PREFIX.length, signatureOffset);
    return m;
  }

  /** Checks the fixed prefix (magic, version, suite) and returns the declared header length. */
  static int declaredLength(byte[] prefix16) throws SealedFormatException {
    if (!Arrays.equals(prefix16, 0, 8, MAGIC, 0, 8)) {
      throw new SealedFormatException(SealedFormatException.Reason.NOT_A_SEALED_SEGMENT,
          "not a Custody sealed segment (no CSTDYSEG magic)", 0);
    }
    int version = getShort(prefix16, 8);
    if (version != VERSION) {
      throw new SealedFormatException(SealedFormatException.Reason.UNSUPPORTED_VERSION,
          "sealed segment format version " + version + " is not supported (this library reads 1)", 8);
    }
    suite(prefix16);
    long length = getUnsignedInt(prefix16, 12);
    if (length < FIXED + 4 + SIGNATURE || length > 1 << 20) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          "header length " + length + " is impossible", 12);
    }
    return (int) length;
  }

  /** The suite field of a header's fixed prefix: 1 (Ed25519) or 2 (ECDSA P-256). */
  private static SignatureSuite suite(byte[] prefix) throws SealedFormatException {
    int suite = getShort(prefix, 10);
    try {
      return SignatureSuite.ofCode(suite);
    } catch (IllegalArgumentException e) {
      throw new SealedFormatException(SealedFormatException.Reason.UNSUPPORTED_SUITE,
          "algorithm suite " + suite + " is not supported (this library knows suites 1 and 2)", 10);
    }
  }

  /** Parses a whole header (its declared length of bytes). */
  static SegmentHeader parse(byte[] b) throws SealedFormatException {
    declaredLength(Arrays.copyOf(b, 16));
    int maxRecord = getInt(b, 51);
    if (maxRecord < 1 || maxRecord > READER_MAX_RECORD_PLAINTEXT) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          "max_record_plaintext " + (maxRecord & 0xffffffffL) + " is out of range", 51);
    }
    int count = getShort(b, 119);
    if (count == 0) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED, "no recipients", 119);
    }
    List<Recipient> recipients = new ArrayList<>();
    int at = FIXED;
    for (int i = 0; i < count; i++) {
      if (at + HASH + 2 > b.length - SIGNATURE) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
            "recipient " + i + " runs past the header", at);
      }
      int len = getShort(b, at + HASH);
      if (at + HASH + 2 + len > b.length - SIGNATURE) {
        throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
            "recipient " + i + " runs past the header", at);
      }
      recipients.add(new Recipient(Arrays.copyOfRange(b, at, at + HASH),
          Arrays.copyOfRange(b, at + HASH + 2, at + HASH + 2 + len)));
      at += HASH + 2 + len;
    }
    if (at + 4 > b.length - SIGNATURE
        || at + 4 + getUnsignedInt(b, at) != b.length - SIGNATURE) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          "header length does not match its recipient entries and descriptor", 12);
    }
    byte[] descriptor = Arrays.copyOfRange(b, at + 4, b.length - SIGNATURE);
    return new SegmentHeader(b.clone(), suite(b), Arrays.copyOfRange(b, 16, 32), getInt(b, 32), getLong(b, 36),
        Arrays.copyOfRange(b, 44, 44 + NONCE_PREFIX), maxRecord, Arrays.copyOfRange(b, 55, 55 + HASH),
        Arrays.copyOfRange(b, 87, 87 + HASH), recipients, descriptor);
  }

  /** The signature suite the header names: its device key's. */
  public SignatureSuite suite() {
    return suite;
  }

  /** The header's bytes as stored, signature included. */
  byte[] bytes() {
    return bytes;
  }

  /** Hex SHA-256 of the header's bytes: what the next segment names as its predecessor. */
  public String sha256Hex() {
    try {
      return hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  int signatureOffset() {
    return bytes.length - SIGNATURE;
  }

  byte[] recordingIdBytes() {
    return recordingId;
  }

  public String recordingId() {
    return uuidString(recordingId, 0);
  }

  public int segmentIndex() {
    return segmentIndex;
  }

  /** Wall-clock time of the segment's first frame, ms since 1970. */
  public long createdMillis() {
    return createdMs;
  }

  byte[] noncePrefix() {
    return noncePrefix;
  }

  public int maxRecordPlaintext() {
    return maxRecordPlaintext;
  }

  byte[] keyCommitment() {
    return keyCommitment;
  }

  public byte[] deviceKeyId() {
    return deviceKeyId.clone();
  }

  public String deviceKeyIdHex() {
    return hex(deviceKeyId);
  }

  public List<Recipient> recipients() {
    return recipients;
  }

  public int length() {
    return bytes.length;
  }

  /**
   * The descriptor JSON (UTF-8): what the manifest will also state about the segment's context
   * (device and operator ids, trigger, previous recording and manifest), signed at the start so a
   * recovered segment can state it too.
   */
  public String descriptorJson() {
    return new String(descriptor, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Byte offset of the descriptor in the header. */
  int descriptorOffset() {
    return bytes.length - SIGNATURE - descriptor.length;
  }

  /**
   * The descriptor's members, checked as FORMAT.md §3.1 types them: a JSON object with {@code
   * device_id} and {@code operator_id} strings, {@code trigger} an object of strings {@code source}
   * and {@code detail}, {@code previous_recording_id} and {@code previous_header_sha256} strings or
   * null, and {@code frames_lost}, when present, an array of loss objects (§6).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> descriptorMembers() {
    Object v = io.custody.json.Json.parse(descriptor); // strict UTF-8 and JSON
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("the descriptor is not a JSON object");
    }
    Map<String, Object> d = (Map<String, Object>) v;
    member(d, "device_id", String.class, false);
    member(d, "operator_id", String.class, false);
    Map<?, ?> trigger = member(d, "trigger", Map.class, false);
    member(trigger, "source", String.class, false);
    member(trigger, "detail", String.class, false);
    if (trigger.containsKey("pre_event_ms") && member(trigger, "pre_event_ms", Long.class, false) < 0) {
      throw new IllegalArgumentException("the descriptor's trigger pre_event_ms is negative");
    }
    member(d, "previous_recording_id", String.class, true);
    member(d, "previous_header_sha256", String.class, true);
    if (d.containsKey("frames_lost")) {
      for (Object loss : member(d, "frames_lost", List.class, false)) {
        if (!(loss instanceof Map<?, ?> l)) {
          throw new IllegalArgumentException("a descriptor frames_lost entry is not an object");
        }
        member(l, "recording_id", String.class, false);
        member(l, "segment_index", Long.class, false);
        member(l, "reason", String.class, false);
        member(l, "frames", Long.class, false);
        member(l, "stream_time_ms", Long.class, false);
      }
    }
    return d;
  }

  private static <T> T member(Map<?, ?> m, String name, Class<T> type, boolean nullable) {
    Object v = m.get(name);
    if (type.isInstance(v) || (nullable && v == null && m.containsKey(name))) {
      return type.cast(v);
    }
    throw new IllegalArgumentException("descriptor member " + name + " is missing or not a "
        + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + (nullable ? " or null" : ""));
  }
}
