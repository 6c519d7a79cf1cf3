package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.mp4.SegmentDescriptor;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Hkdf;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import io.custody.json.Json;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.InvalidSettingException;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.TrackKind;
import io.custody.mp4.TrackSpan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals one fMP4 segment as it is written (docs/FORMAT.md): a {@link FragmentSink} that encrypts
 * the initialization part and each fragment into AES-256-GCM records, chains every record into a
 * SHA-256 hash chain, writes public fragment info and a signed checkpoint after every fragment
 * (or every N), and ends with a signed manifest.
 *
 * <p>The shape of the class makes unsealed output impossible: the only bytes it writes are the
 * signed header, records and footer. The content key is drawn fresh per segment, used from memory
 * only, wrapped for each recipient with HPKE, and never written in the clear.
 *
 * <p>Memory and speed: records (256 KiB of plaintext by default) are sealed in 16 KiB steps (2 KiB
 * while the process is cold), each step's plaintext hashed (the manifest's plaintext SHA-256),
 * encrypted and its ciphertext hashed (the chain) while it is in the CPU's cache, and the
 * ciphertext is written out through a 64 KiB staging buffer; those buffers are all the writer
 * holds, reused for its life. Not thread-safe.
 */
public final class SealedSegmentWriter implements FragmentSink {
  /** Bytes per AES-GCM and SHA-256 call within a record, once the process is warm. */
  private static final int CALL = 16 * 1024;
  /**
   * Bytes per call while the process is cold. The JDK compiles its AES-GCM and SHA-256 intrinsics
   * in after a count of calls, not of bytes, so a fresh JVM reaches them sooner in small calls
   * (its first 100 MB sealed in 405 ms in 2 KiB calls, 606 ms in 16 KiB ones, JDK 17); warm, small
   * calls cost ~5 % in call overhead (benchmarks/README.md). So the first {@link #COLD_CALLS}
   * calls of the process, over all writers, are small ones, unless {@link #warmUp} ran.
   */
  private static final int COLD_CALL = 2048;
  private static final int COLD_CALLS = 12_000;
  private static final AtomicInteger COLD_CALLS_LEFT = new AtomicInteger(COLD_CALLS);
  /** Ciphertext is staged in a buffer this large and written out whenever it fills. */
  private static final int STAGE = 64 * 1024;
  /** {@link #warmUp}: 1,500 records of 8 KiB, 6,000 cipher calls (what the JIT counts). */
  private static final int WARM_UP_RECORDS = 1500;
  private static final int WARM_UP_RECORD = 8 * 1024;
  /**
   * {@link #warmUp}: key wraps and signatures. A fresh JVM's first HPKE wrap takes ~35 ms
   * (BouncyCastle's HPKE classes load, X25519 runs interpreted) and its next few 0.5-1 ms, against
   * 0.15 ms warm (JDK 17; with Tink before issue 14: ~55 ms, 1-4 ms, 0.3 ms).
   */
  private static final int WARM_UP_WRAPS = 8;
  private static final int WARM_UP_SIGNATURES = 8;
  /** A fragment's entry in {@link #fragmentTable}. */
  private static final int FRAGMENT_ENTRY = FRAGMENT_INFO_LENGTH + 4 + HASH;

  private final WritableByteChannel out;
  private final SegmentDescriptor descriptor;
  private final Signer signer;
  private final SegmentHeader header;
  private final byte[] recordingId;
  private final int checkpointInterval;
  private final byte[] previousHeaderSha256;
  private final List<String> recipientIds = new ArrayList<>();

  private final Cipher cipher;
  private final SecretKeySpec recordKey;
  private final MessageDigest chainDigest;
  // Null when the builder turned the plaintext hash off.
  private final MessageDigest plaintextDigest;
  private final byte[] chain = new byte[HASH];
  // Hashes of the records since the last checkpoint: the next checkpoint (or the manifest) lists
  // them so a verifier can name the first altered record.
  private byte[] pendingHashes = new byte[HASH * 64];
  private int pendingCount;
  private final byte[] nonce = new byte[12];
  private final int maxRecordPlaintext;
  // One cipher call's plaintext when the source is not a heap buffer, and the staged output: a
  // record's framing and ciphertext so far, or a whole unencrypted record.
  private final byte[] chunk = new byte[CALL];
  private final byte[] record = new byte[STAGE];
  private final byte[] signMessage = Manifests.checkpointMessageBuffer();

  private long offset;
  private int seq;
  private int encrypted;
  private long plaintextLength;
  private int initPlaintextLength = -1;
  private int fragments;
  // The manifest's fragment table, one FRAGMENT_ENTRY per fragment: the fragment-info body, its
  // sequence number and the chain after it; made into JSON only when the segment ends.
  private byte[] fragmentTable = new byte[64 * FRAGMENT_ENTRY];
  private boolean ended;
  private boolean lastInRecording;
  private boolean failed;
  private Instant lastWallClock;

  private SealedSegmentWriter(Builder b, WritableByteChannel out, SegmentDescriptor d) throws IOException {
    this.out = Objects.requireNonNull(out, "out");
    this.descriptor = Objects.requireNonNull(d, "descriptor");
    this.signer = b.signer;
    this.checkpointInterval = b.checkpointInterval;
    this.maxRecordPlaintext = b.maxRecordPlaintext;
    this.previousHeaderSha256 = b.previousHeaderSha256;
    this.recordingId = uuidBytes(d.recording().id());
    byte[] salt = salt(recordingId, d.index());
    byte[] contentKey = b.contentKey != null ? b.contentKey.clone() : random(b.random, 32);
    byte[] prefix = b.noncePrefix != null ? b.noncePrefix.clone() : random(b.random, NONCE_PREFIX);
    try {
      List<SegmentHeader.Recipient> entries = new ArrayList<>();
      byte[] info = wrapInfo(recordingId, d.index());
      for (RecipientPublicKey r : b.recipients) {
        entries.add(new SegmentHeader.Recipient(r.keyId(), KeyWrap.wrap(r, contentKey, info)));
        recipientIds.add(r.keyIdHex());
      }
      recordKey = new SecretKeySpec(Hkdf.sha256(contentKey, salt, RECORD_KEY_INFO, 32), "AES");
      byte[] commitment = Hkdf.sha256(contentKey, salt, COMMITMENT_INFO, 32);
      byte[] context = Manifests.descriptorJson(d, previousHeaderSha256).getBytes(StandardCharsets.UTF_8);
      header = SegmentHeader.encode(recordingId, d.index(), d.wallClockStart().toEpochMilli(), prefix,
          maxRecordPlaintext, commitment, signer.publicKey().keyId(), entries, context, signer);
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      chainDigest = MessageDigest.getInstance("SHA-256");
      plaintextDigest = b.plaintextSha256 ? MessageDigest.getInstance("SHA-256") : null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM or SHA-256 is not available", e);
    } finally {
      Arrays.fill(contentKey, (byte) 0);
    }
    System.arraycopy(prefix, 0, nonce, 0, NONCE_PREFIX);
    chainDigest.update(CHAIN_PREFIX);
    chainDigest.update(header.bytes());
    digestChain();
    write(header.bytes(), header.bytes().length);
  }

  private static byte[] random(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /**
   * Warms the JIT up for sealing, so the first recording after start-up seals at close to full
   * speed: runs AES-256-GCM in the writer's own call pattern (a fresh nonce per record, the
   * framing as AAD, the small calls of a cold process) and SHA-256 over ~12 MB of throwaway zeros
   * under a throwaway random key, which makes the JDK compile its AES-GCM and SHA-256 intrinsics
   * in; writers then use their warm call size from their first byte. Then it wraps a throwaway
   * key for a throwaway recipient and signs with a throwaway Ed25519 key a few times, so the
   * first segment's key wrap does not load and interpret the HPKE code (~55 ms on a fresh JVM,
   * 0.3 ms warm). A camera that signs with ECDSA P-256 in software calls
   * {@link #warmUp(SignatureSuite)} instead. Optional and idempotent (a second call costs 20-40 ms); meant for a
   * process's start, off the recording path: a camera at power-on while its pre-event buffer
   * fills, a dock or ingest server as it starts. On a fresh JVM here it takes ~250 ms and lifts
   * the first 100 MB sealed from 29 % of the warm speed to about 60 % (benchmarks/README.md, cold
   * start).
   *
   * @return how long it took
   */
  public static java.time.Duration warmUp() {
    return warmUp(SignatureSuite.ED25519);
  }

  /**
   * {@link #warmUp()}, signing with a throwaway software key of the given suite, the device
   * key's, so that suite's signing code is the one warmed (a key held in a PKCS#11 token signs in
   * the token, where this changes nothing).
   *
   * @return how long it took
   */
  public static java.time.Duration warmUp(SignatureSuite suite) {
    Objects.requireNonNull(suite, "suite");
    long t0 = System.nanoTime();
    try {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      SecretKeySpec key = new SecretKeySpec(k, "AES");
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] aad = new byte[FRAMING];
      byte[] in = new byte[COLD_CALL];
      byte[] out = new byte[WARM_UP_RECORD + TAG];
      byte[] nonce = new byte[12];
      for (int r = 0; r < WARM_UP_RECORDS; r++) {
        putInt(nonce, 0, r);
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        c.updateAAD(aad, 0, FRAMING);
        int at = 0;
        for (int i = 0; i < WARM_UP_RECORD / COLD_CALL - 1; i++) {
          at += c.update(in, 0, COLD_CALL, out, at);
        }
        at += c.doFinal(in, 0, COLD_CALL, out, at);
        sha.update(out, 0, at);
        sha.update(in, 0, COLD_CALL);
      }
      sha.digest();
      COLD_CALLS_LEFT.set(0);
      RecipientPublicKey recipient = RecipientPrivateKey.generate().publicKey();
      for (int i = 0; i < WARM_UP_WRAPS; i++) {
        KeyWrap.wrap(recipient, k, aad);
      }
      Signer signer = Signatures.signer(DeviceSigningKey.generate(suite));
      byte[] signature = new byte[Signer.SIGNATURE_BYTES];
      for (int i = 0; i < WARM_UP_SIGNATURES; i++) {
        signer.sign(out, 0, HASH, signature, 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM or SHA-256 is not available", e);
    }
    return java.time.Duration.ofNanos(System.nanoTime() - t0);
  }

  /** A builder: the device's signer and the recipients the content key is wrapped for. */
  public static Builder builder(Signer signer, List<RecipientPublicKey> recipients) {
    return new Builder(signer, recipients);
  }

  @Override
  public void init(ByteBuffer ftypMoov) throws IOException {
    checkOpen();
    if (initPlaintextLength >= 0) {
      throw new IllegalStateException("init written twice");
    }
    if (ftypMoov.remaining() > maxRecordPlaintext) {
      throw new IllegalArgumentException("initialization part larger than one record: " + ftypMoov.remaining());
    }
    initPlaintextLength = ftypMoov.remaining();
    try {
      encryptRecord(KIND_INIT, ftypMoov, ftypMoov.remaining(), false);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
    checkOpen();
    if (initPlaintextLength < 0) {
      throw new IllegalStateException("fragment before init");
    }
    try {
      int firstSeq = seq;
      long fragmentOffset = plaintextLength;
      int length = prftMoofMdat.remaining();
      while (prftMoofMdat.remaining() > maxRecordPlaintext) {
        encryptRecord(KIND_DATA, prftMoofMdat, maxRecordPlaintext, false);
      }
      encryptRecord(KIND_DATA_END, prftMoofMdat, prftMoofMdat.remaining(), false);
      writeFragmentInfo(info, firstSeq, fragmentOffset, length);
      if (fragments % checkpointInterval == 0) {
        writeCheckpoint();
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Ends the segment: the END record, the signed manifest (saying {@code lastInRecording}) and the footer. */
  @Override
  public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
    checkOpen();
    this.lastInRecording = lastInRecording;
    try {
      encryptRecord(KIND_END, ByteBuffer.allocate(0), 0, true);
      byte[] json = manifest(info).getBytes(StandardCharsets.UTF_8);
      long manifestOffset = offset;
      writeManifest(json);
      byte[] footer = new byte[FOOTER_LENGTH];
      System.arraycopy(FOOTER_MAGIC, 0, footer, 0, 8);
      putLong(footer, 8, manifestOffset);
      write(footer, footer.length);
      ended = true;
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return offset;
  }

  /** The header written at the start (its recording, keys and recipients). */
  public SegmentHeader header() {
    return header;
  }

  private void checkOpen() {
    if (ended || failed) {
      throw new IllegalStateException(ended ? "the segment has ended" : "an earlier write failed");
    }
  }

  /**
   * Seals the next {@code length} bytes of {@code src} as one record, streaming: the framing and
   * ciphertext go out through {@link #record} as it fills, and into the chain digest as they go.
   */
  private void encryptRecord(int kind, ByteBuffer src, int length, boolean last) throws IOException {
    frame(kind, length + TAG);
    putInt(nonce, NONCE_PREFIX, encrypted++);
    nonce[11] = (byte) (last ? 1 : 0);
    int staged = FRAMING;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, recordKey, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(record, 0, FRAMING);
      int left = length;
      do {
        int n = Math.min(callSize(), left);
        byte[] in = chunk;
        int from = 0;
        if (src.hasArray()) { // a heap buffer (the muxer's fragments) is read in place
          in = src.array();
          from = src.arrayOffset() + src.position();
          src.position(src.position() + n);
        } else {
          src.get(chunk, 0, n);
        }
        left -= n;
        if (plaintextDigest != null) {
          plaintextDigest.update(in, from, n);
        }
        staged += left > 0 ? cipher.update(in, from, n, record, staged) : cipher.doFinal(in, from, n, record, staged);
        if (record.length - staged < CALL + TAG) {
          flush(staged);
          staged = 0;
        }
      } while (left > 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
    plaintextLength += length; // (the END record is empty)
    flush(staged);
    chainRecord();
  }

  /** Chains and writes the first {@code staged} bytes of {@link #record}: part of a record. */
  private void flush(int staged) throws IOException {
    chainDigest.update(record, 0, staged);
    write(record, staged);
  }

  private static int callSize() {
    return COLD_CALLS_LEFT.get() > 0 && COLD_CALLS_LEFT.getAndDecrement() > 0 ? COLD_CALL : CALL;
  }

  private void writeFragmentInfo(FragmentInfo info, int firstSeq, long fragmentOffset, int length)
      throws IOException {
    int infoSeq = seq;
    frame(KIND_FRAGMENT_INFO, FRAGMENT_INFO_LENGTH);
    int at = FRAMING;
    FragmentInfoRecord.encode(record, at, fragments, firstSeq, fragmentOffset, length, info);
    emit(FRAMING + FRAGMENT_INFO_LENGTH);
    lastWallClock = info.wallClock();
    if ((fragments + 1) * FRAGMENT_ENTRY > fragmentTable.length) {
      fragmentTable = Arrays.copyOf(fragmentTable, fragmentTable.length * 2);
    }
    int e = fragments * FRAGMENT_ENTRY;
    System.arraycopy(record, at, fragmentTable, e, FRAGMENT_INFO_LENGTH);
    putInt(fragmentTable, e + FRAGMENT_INFO_LENGTH, infoSeq);
    System.arraycopy(chain, 0, fragmentTable, e + FRAGMENT_INFO_LENGTH + 4, HASH);
    fragments++;
  }

  private void writeCheckpoint() throws IOException {
    int checkpointSeq = seq;
    int hashes = pendingCount * HASH;
    int bodyLength = 8 + hashes + HASH + SIGNATURE;
    byte[] buf = bodyLength + FRAMING <= record.length ? record : new byte[FRAMING + bodyLength];
    buf[0] = (byte) KIND_CHECKPOINT;
    putInt(buf, 1, seq++);
    putInt(buf, 5, bodyLength);
    putInt(buf, FRAMING, fragments);
    putInt(buf, FRAMING + 4, pendingCount);
    System.arraycopy(pendingHashes, 0, buf, FRAMING + 8, hashes);
    System.arraycopy(chain, 0, buf, FRAMING + 8 + hashes, HASH);
    int n = Manifests.checkpointMessage(signMessage, recordingId, descriptor.index(), checkpointSeq,
        fragments, chain);
    signer.sign(signMessage, 0, n, buf, FRAMING + 8 + hashes + HASH);
    pendingCount = 0;
    emit(buf, FRAMING + bodyLength);
  }

  private void writeManifest(byte[] json) throws IOException {
    byte[] body = new byte[json.length + SIGNATURE];
    System.arraycopy(json, 0, body, 0, json.length);
    byte[] message = Manifests.manifestMessage(chain, json);
    signer.sign(message, 0, message.length, body, json.length);
    byte[] framed = new byte[FRAMING + body.length];
    framed[0] = (byte) KIND_MANIFEST;
    putInt(framed, 1, seq++);
    putInt(framed, 5, body.length);
    System.arraycopy(body, 0, framed, FRAMING, body.length);
    emit(framed, framed.length);
  }

  private String manifest(SegmentInfo info) {
    Instant start = Instant.ofEpochMilli(header.createdMillis());
    Instant end = lastWallClock != null ? lastWallClock : start;
    TrackSpan video = null;
    for (TrackSpan t : info.tracks()) {
      if (t.kind() == TrackKind.VIDEO) {
        video = t;
      }
    }
    if (video != null && video.timescale() > 0) {
      end = Manifests.end(start, video.duration(), video.timescale());
    }
    return new Manifests.Fields()
        .descriptor(descriptor)
        .previousHeaderSha256(previousHeaderSha256)
        .deviceKeyId(signer.publicKey().keyIdHex())
        .recipients(recipientIds)
        .span(start, end)
        .chain(seq, hex(chain), tailHashes())
        .fragments(fragmentEntries())
        .plaintext(initPlaintextLength, plaintextLength, plaintextDigest != null ? hex(plaintextDigest.digest()) : null)
        .tracks(Manifests.trackEntries(info.tracks()))
        .lastInRecording(lastInRecording)
        .json();
  }

  private List<Map<String, Object>> fragmentEntries() {
    List<Map<String, Object>> list = new ArrayList<>(fragments);
    for (int i = 0; i < fragments; i++) {
      int e = i * FRAGMENT_ENTRY;
      int chainAt = e + FRAGMENT_INFO_LENGTH + 4;
      list.add(FragmentInfoRecord.decode(fragmentTable, e).manifestEntry(
          getInt(fragmentTable, e + FRAGMENT_INFO_LENGTH), hex(fragmentTable, chainAt, chainAt + HASH)));
    }
    return list;
  }

  /** Writes the framing of a record into {@link #record} and advances seq. */
  private void frame(int kind, int bodyLength) {
    record[0] = (byte) kind;
    putInt(record, 1, seq++);
    putInt(record, 5, bodyLength);
  }

  private List<String> tailHashes() {
    List<String> list = new ArrayList<>(pendingCount);
    for (int i = 0; i < pendingCount; i++) {
      list.add(hex(pendingHashes, i * HASH, (i + 1) * HASH));
    }
    return list;
  }

  /** Chains and writes {@code length} bytes of {@link #record}. */
  private void emit(int length) throws IOException {
    emit(record, length);
  }

  /** Chains a whole record ({@link #chainRecord}) and writes it. */
  private void emit(byte[] bytes, int length) throws IOException {
    chainDigest.update(bytes, 0, length);
    chainRecord();
    write(bytes, length);
  }

  /**
   * Ends a record whose bytes went into the chain digest: h = SHA-256(record), kept for the next
   * checkpoint; chain = SHA-256(chain ‖ h).
   */
  private void chainRecord() {
    if ((pendingCount + 1) * HASH > pendingHashes.length) {
      pendingHashes = Arrays.copyOf(pendingHashes, pendingHashes.length * 2);
    }
    int at = pendingCount++ * HASH;
    finish(pendingHashes, at);
    chainDigest.update(chain);
    chainDigest.update(pendingHashes, at, HASH);
    finish(chain, 0);
  }

  private void digestChain() {
    finish(chain, 0);
  }

  private void finish(byte[] into, int at) {
    try {
      chainDigest.digest(into, at, HASH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  private void write(byte[] b, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, 0, length);
    while (buf.hasRemaining()) {
      out.write(buf);
    }
    offset += length;
  }

  /**
   * Options for {@link SealedSegmentWriter}. Each is checked as it is set: a missing recipient or an
   * out-of-range value raises {@link InvalidSettingException} naming the setting.
   */
  public static final class Builder {
    private final Signer signer;
    private final List<RecipientPublicKey> recipients;
    private int checkpointInterval = 1;
    private byte[] previousHeaderSha256;
    private SecureRandom random = new SecureRandom();
    private byte[] contentKey;
    private byte[] noncePrefix;
    private boolean plaintextSha256 = true;
    private int maxRecordPlaintext = DEFAULT_RECORD_PLAINTEXT;

    private Builder(Signer signer, List<RecipientPublicKey> recipients) {
      this.signer = Objects.requireNonNull(signer, "signer");
      this.recipients = checkRecipients(recipients);
    }

    /**
     * Whether the manifest carries the SHA-256 of the plaintext fMP4 (default true). It costs a
     * second SHA-256 pass over every byte, as much as the chain's; without it the segment is just
     * as tamper-evident (the signed chain, the AEAD tags and the key commitment fix the
     * plaintext), and the exporter still computes the hash of what it writes. Turn it off where
     * sealing throughput matters more than a pre-computed disclosure hash.
     */
    public Builder plaintextSha256(boolean on) {
      this.plaintextSha256 = on;
      return this;
    }

    /**
     * The most plaintext bytes per record (default 256 KiB; 4 KiB to 16 MiB), stated in the
     * segment header as {@code max_record_plaintext}. Larger records mean fewer AES-GCM
     * initialisations (the JCA allocates ~1 KB for each) and less framing; a reader holds one
     * record in memory, and a verifier names the first altered record, so smaller ones localise
     * tampering more finely. Speed and the writer's own memory do not depend on it.
     */
    public Builder maxRecordPlaintext(int bytes) {
      if (bytes < MIN_RECORD_PLAINTEXT || bytes > READER_MAX_RECORD_PLAINTEXT) {
        throw new InvalidSettingException("maxRecordPlaintext", "record plaintext must be "
            + MIN_RECORD_PLAINTEXT + " to " + READER_MAX_RECORD_PLAINTEXT + " bytes: " + bytes);
      }
      this.maxRecordPlaintext = bytes;
      return this;
    }

    /** Sign a checkpoint after every {@code n} fragments (default 1: after each). */
    public Builder checkpointInterval(int n) {
      this.checkpointInterval = checkCheckpointInterval(n);
      return this;
    }

    /** {@code n}, if it is a checkpoint interval (1 or more), else {@link InvalidSettingException}. */
    static int checkCheckpointInterval(int n) {
      if (n < 1) {
        throw new InvalidSettingException("checkpointInterval", "the checkpoint interval must be at least 1: " + n);
      }
      return n;
    }

    /** A copy of {@code recipients}, if there is at least one, else {@link InvalidSettingException}. */
    static List<RecipientPublicKey> checkRecipients(List<RecipientPublicKey> recipients) {
      Objects.requireNonNull(recipients, "recipients");
      if (recipients.isEmpty()) {
        throw new InvalidSettingException("recipients", "at least one recipient is needed");
      }
      return List.copyOf(recipients);
    }

    /** The SHA-256 of the previous segment's header in the same recording (null for the first). */
    public Builder previousHeaderSha256(byte[] sha256) {
      this.previousHeaderSha256 = sha256 == null ? null : sha256.clone();
      return this;
    }

    /** The randomness for content keys and nonce prefixes (default: a new SecureRandom). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Fixes the content key and nonce prefix: only for known-answer test vectors. Reusing them
     * for two segments breaks confidentiality, so this is package-private: not API.
     */
    Builder fixedKeysForTestVectors(byte[] contentKey, byte[] noncePrefix) {
      if (contentKey.length != 32 || noncePrefix.length != NONCE_PREFIX) {
        throw new IllegalArgumentException("content key 32 bytes, nonce prefix 7 bytes");
      }
      this.contentKey = contentKey.clone();
      this.noncePrefix = noncePrefix.clone();
      return this;
    }

    /** Opens the writer: the signed header is written to {@code out} at once. */
    public SealedSegmentWriter open(WritableByteChannel out, SegmentDescriptor segment) throws IOException {
      return new SealedSegmentWriter(this, out, segment);
    }
  }
}
