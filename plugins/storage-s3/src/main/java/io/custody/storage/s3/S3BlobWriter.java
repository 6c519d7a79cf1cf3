package io.custody.storage.s3;

import io.custody.storage.BlobInfo;
import io.custody.storage.CreateOptions;
import io.custody.storage.IntegrityException;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import io.custody.storage.spi.AbstractBlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The writer of {@link S3BlobStore}: streams through at most two part buffers (one filling, one
 * uploading), one PutObject for objects up to a part, else a multipart upload. A buffer is a list
 * of the store's pooled chunks, taken as bytes arrive: it is never copied to grow, and holds only
 * as much memory as the object or part needs. Each request body is checked by the server: by its
 * signed SHA-256 where the store's client signs payloads, else by Content-MD5. Not thread-safe
 * (one writing thread), like every {@link io.custody.storage.BlobWriter}.
 */
public final class S3BlobWriter extends AbstractBlobWriter {
  private static final System.Logger LOG = System.getLogger(S3BlobWriter.class.getName());

  private final S3BlobStore store;
  private final String full;
  private final int partSize;
  /** Parts already on the server (a resumed upload): number → ETag. */
  private final Map<Integer, String> serverParts;

  /** The part (or single object) being filled: {@link S3BlobStore#CHUNK}-byte chunks. */
  private List<byte[]> buf = new ArrayList<>();
  private int len;
  private String uploadId;
  private boolean completed;
  private int nextPart = 1;
  private final List<CompletedPart> parts = new ArrayList<>();
  private Future<CompletedPart> inFlight;
  private List<byte[]> inFlightBuffer;
  private int partsSent;
  private int partsReused;
  private Runnable beforeCommit = () -> {};
  private Runnable afterClaim = () -> {};

  S3BlobWriter(S3BlobStore store, String key, CreateOptions options, int partSize, String uploadId,
      Map<Integer, String> serverParts) {
    super(key, options);
    this.store = store;
    this.full = store.prefix + key;
    this.partSize = partSize;
    this.uploadId = uploadId;
    this.serverParts = new HashMap<>(serverParts);
  }

  /** The multipart upload's id, or empty while the object still fits one PutObject. */
  public Optional<String> uploadId() {
    return Optional.ofNullable(uploadId);
  }

  /**
   * Runs between the look-before-commit and the commit, before the claim on an unversioned bucket
   * (tests: another writer slips in).
   */
  void beforeCommit(Runnable r) {
    beforeCommit = r;
  }

  /**
   * Runs after the bucket's step before committing (the claim, on an unversioned bucket) and
   * before the commit (tests).
   */
  void afterClaim(Runnable r) {
    afterClaim = r;
  }

  /**
   * The object's bytes, for its claim to carry: present while they fit one PutObject and at most
   * {@link S3BlobStore#CLAIM_CARRIES_AT_MOST} bytes.
   */
  Optional<byte[]> claimableBytes() {
    if (uploadId != null || len > S3BlobStore.CLAIM_CARRIES_AT_MOST) {
      return Optional.empty();
    }
    byte[] b = new byte[len];
    for (int i = 0, at = 0; at < len; i++) {
      int n = Math.min(len - at, buf.get(i).length);
      System.arraycopy(buf.get(i), 0, b, at, n);
      at += n;
    }
    return Optional.of(b);
  }

  /** The key being written. */
  String key() {
    return key;
  }

  /** Parts sent to the server so far. */
  public int partsSent() {
    return partsSent;
  }

  /** Parts of a resumed upload found on the server with the right MD5 and not sent again. */
  public int partsReused() {
    return partsReused;
  }

  @Override
  protected void send(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (len == partSize) {
        flushPart();
      }
      int at = len % S3BlobStore.CHUNK;
      if (len / S3BlobStore.CHUNK == buf.size()) {
        buf.add(store.takeChunk());
      }
      int n = Math.min(src.remaining(), Math.min(S3BlobStore.CHUNK - at, partSize - len));
      src.get(buf.get(buf.size() - 1), at, n);
      len += n;
    }
  }

  /** Sends the full buffer as the next part; at most one part is in flight while the next fills. */
  private void flushPart() throws IOException {
    if (uploadId == null) {
      startMultipart();
    }
    awaitInFlight();
    int number = nextPart++;
    List<byte[]> data = buf;
    int n = len;
    inFlightBuffer = data;
    inFlight = store.partPool.submit(() -> uploadPart(number, data, n));
    buf = new ArrayList<>();
    len = 0;
  }

  private void awaitInFlight() throws IOException {
    if (inFlight != null) {
      Future<CompletedPart> f = inFlight;
      inFlight = null;
      parts.add(S3BlobStore.await(f));
      store.giveChunks(inFlightBuffer); // sent: no request reads them any more
      inFlightBuffer = null;
    }
  }

  private CompletedPart uploadPart(int number, List<byte[]> data, int n) throws IOException {
    String onServer = serverParts.get(number);
    byte[] md5 = onServer != null || !store.payloadSigned ? md5(data, n) : null;
    if (onServer != null && onServer.equals(HexFormat.of().formatHex(md5))) {
      partsReused++; // a resumed upload: this part is there already, byte for byte
      return CompletedPart.builder().partNumber(number).eTag(onServer).build();
    }
    try {
      UploadPartResponse r = store.s3.uploadPart(b -> b.bucket(store.bucket).key(full).uploadId(uploadId)
          .partNumber(number).contentLength((long) n)
          .contentMD5(store.payloadSigned ? null : Base64.getEncoder().encodeToString(md5)), body(data, n));
      partsSent++;
      return CompletedPart.builder().partNumber(number).eTag(r.eTag()).build();
    } catch (SdkException e) {
      if (Errors.code(e).equals("BadDigest") || Errors.code(e).equals("XAmzContentSHA256Mismatch")) {
        throw new IntegrityException("the server received other bytes than sent for part " + number + " of '" + key
            + "' (" + Errors.code(e) + ")");
      }
      throw Errors.map(e, key, "uploading part " + number + " of");
    }
  }

  /** A request body of the first {@code n} bytes of {@code chunks}, readable again for retries. */
  private static RequestBody body(List<byte[]> chunks, int n) {
    return RequestBody.fromContentProvider(() -> new ChunksInputStream(chunks, n), n, "application/octet-stream");
  }

  private void startMultipart() throws IOException {
    CreateMultipartUploadRequest.Builder b = CreateMultipartUploadRequest.builder().bucket(store.bucket).key(full)
        .contentType("application/octet-stream");
    options.expectedSha256().ifPresent(sha -> b.metadata(Map.of(S3BlobStore.SHA256_NAME, sha.hex())));
    options.retention().ifPresent(r -> b.objectLockMode(mode(r)).objectLockRetainUntilDate(r.until()));
    if (options.legalHold()) {
      b.objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON);
    }
    try {
      uploadId = store.s3.createMultipartUpload(b.build()).uploadId();
    } catch (SdkException e) {
      throw Errors.map(e, key, "starting the multipart upload of");
    }
  }

  private static ObjectLockMode mode(io.custody.storage.Retention r) {
    return r.mode() == io.custody.storage.Retention.Mode.COMPLIANCE ? ObjectLockMode.COMPLIANCE
        : ObjectLockMode.GOVERNANCE;
  }

  @Override
  protected BlobInfo publish(Sha256 sha256, long size) throws IOException {
    // 1. Is the key taken? (RGW 16.2 ignores If-None-Match on versioned buckets, and on
    // CompleteMultipartUpload: look first.) A single put to an unversioned bucket needs no look:
    // its claim finds a key another writer holds, and its If-None-Match (honoured there) refuses
    // an object written by other means (412, below).
    boolean single = uploadId == null;
    if (store.versioned() || !single) {
      Optional<S3BlobStore.Located> existing = store.locate(key);
      if (existing.isPresent()) {
        abortQuietly();
        return CreateIfAbsent.sameOrRefuse(key, existing.get().info(), sha256, size, "");
      }
    }
    beforeCommit.run();
    // 2. The bucket's step before committing: an unversioned bucket claims the key.
    Optional<BlobInfo> there = store.createIfAbsent.beforeCommit(this, sha256, size);
    if (there.isPresent()) {
      abortQuietly();
      return there.get();
    }
    afterClaim.run();
    String versionId;
    PutObjectResponse put = null;
    try {
      if (single) {
        put = putSingle(sha256);
        versionId = put.versionId();
      } else {
        versionId = completeMultipart();
      }
    } catch (SdkException e) {
      int status = Errors.status(e);
      if (status == 412 || status == 409) { // If-None-Match: another writer got there first
        Optional<S3BlobStore.Located> other = store.locate(key);
        abortQuietly();
        if (other.isEmpty()) {
          throw new StorageException("'" + key + "' was taken while committing, then gone: try again", e, true);
        }
        return CreateIfAbsent.sameOrRefuse(key, other.get().info(), sha256, size, "");
      }
      if (Errors.code(e).equals("BadDigest") || Errors.code(e).equals("XAmzContentSHA256Mismatch")) {
        throw new IntegrityException("the server received other bytes than sent for '" + key + "' ("
            + Errors.code(e) + ")");
      }
      throw Errors.map(e, key, "committing");
    }
    // 3. The bucket's step after committing: on a versioned bucket the oldest version is the
    // object. Did another writer commit first?
    Optional<BlobInfo> winner = store.createIfAbsent.afterCommit(this, versionId, sha256, size);
    if (winner.isPresent()) {
      return winner.get();
    }
    // 4. Confirm what the server holds, and record the SHA-256 where metadata could not. A single
    // put to an unversioned bucket without Object Lock options holds what its PutObject said: the
    // server checked the body against the signed SHA-256 (or Content-MD5), the SHA-256 went in the
    // signed metadata, and there is no lock to see to; a HEAD would repeat it (and the uploader's
    // read-back checks size, metadata and bytes again).
    if (single && versionId == null && !store.versioned() && options.retention().isEmpty() && !options.legalHold()) {
      return new BlobInfo(key, size, sha256, committedAt(put), Optional.empty(), false);
    }
    HeadObjectResponse h;
    try {
      String v = versionId;
      h = store.s3.headObject(b -> b.bucket(store.bucket).key(full).versionId(v));
    } catch (SdkException e) {
      throw Errors.map(e, key, "confirming");
    }
    if (h.contentLength() != size) {
      throw new IntegrityException("'" + key + "' was committed with " + h.contentLength() + " bytes, not the "
          + size + " written");
    }
    String recorded = h.metadata().get(S3BlobStore.SHA256_NAME);
    if (recorded == null) {
      store.tagSha256(key, versionId, sha256);
    } else if (!S3BlobStore.recordedSha256(key, "metadata", recorded).equals(sha256)) {
      throw new IntegrityException("'" + key + "' was committed with SHA-256 " + recorded + ", not " + sha256);
    }
    BlobInfo info = S3BlobStore.info(key, h, sha256);
    // Ceph RGW 16.2 drops the Object Lock headers of CreateMultipartUpload (and a resumed upload
    // may have been started without them): set what is missing now.
    if ((options.retention().isPresent() && !options.retention().equals(info.retention()))
        || (options.legalHold() && !info.legalHold())) {
      store.applyLock(key, versionId, info, options.retention().or(info::retention), options.legalHold());
      info = store.locateVersion(key, versionId).orElseThrow().info();
    }
    return info;
  }

  /** When the server answered the commit (its Date header), else now: the object's last-modified, to the second. */
  private static Instant committedAt(PutObjectResponse put) {
    try {
      Optional<String> date = put.sdkHttpResponse().firstMatchingHeader("Date");
      if (date.isPresent()) {
        return ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      }
    } catch (DateTimeParseException e) {
      // a server's odd date: now will do
    }
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private PutObjectResponse putSingle(Sha256 sha256) {
    PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(store.bucket).key(full)
        .contentLength((long) len).contentType("application/octet-stream")
        .metadata(Map.of(S3BlobStore.SHA256_NAME, sha256.hex())).ifNoneMatch("*");
    if (store.precomputedPayload) {
      // Signed with the SHA-256 this writer computed (the object is the whole body): the server
      // checks the body against it, and the body is not hashed a second time to sign it.
      b.overrideConfiguration(o -> o.putHeader(PrecomputedPayloadSigner.PAYLOAD_SHA256, sha256.hex()));
    } else if (!store.payloadSigned) {
      b.contentMD5(Base64.getEncoder().encodeToString(md5(buf, len)));
    }
    options.retention().ifPresent(r -> b.objectLockMode(mode(r)).objectLockRetainUntilDate(r.until()));
    if (options.legalHold()) {
      b.objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON);
    }
    RequestBody body = len == 0 ? RequestBody.empty() // (RGW refuses the SDK's signed empty stream)
        : body(buf, len);
    PutObjectResponse r = store.s3.putObject(b.build(), body);
    store.giveChunks(buf); // sent
    buf = new ArrayList<>();
    len = 0;
    return r;
  }

  private String completeMultipart() throws IOException {
    if (len > 0) {
      flushPart();
    }
    awaitInFlight();
    parts.sort(Comparator.comparingInt(CompletedPart::partNumber));
    String v = store.s3.completeMultipartUpload(b -> b.bucket(store.bucket).key(full).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)).ifNoneMatch("*")).versionId();
    completed = true;
    return v;
  }

  /**
   * Stops an upload in flight and aborts the multipart upload, if any; failures are only logged.
   * The buffer's chunks go back to the store's pool (those of a part cancelled in flight, which a
   * request may still be reading, are left to the garbage collector).
   */
  void abortQuietly() {
    store.giveChunks(buf);
    buf = new ArrayList<>();
    len = 0;
    if (inFlight != null) {
      inFlight.cancel(true);
      try {
        inFlight.get();
      } catch (Exception ignored) {
        // being thrown away
      }
      inFlight = null;
      inFlightBuffer = null;
    }
    if (uploadId != null && !completed) {
      String id = uploadId;
      try {
        store.s3.abortMultipartUpload(b -> b.bucket(store.bucket).key(full).uploadId(id));
      } catch (RuntimeException e) { // (an SdkException, or a client closed under us)
        // Invisible either way; a bucket lifecycle rule (AbortIncompleteMultipartUpload) reaps it.
        LOG.log(System.Logger.Level.WARNING, "could not abort the multipart upload of " + key + ": " + e.getMessage());
      }
      completed = true;
    }
  }

  @Override
  protected void discard() {
    abortQuietly();
  }

  private static byte[] md5(List<byte[]> chunks, int n) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      for (int i = 0, left = n; left > 0; i++) {
        int k = Math.min(left, chunks.get(i).length);
        md.update(chunks.get(i), 0, k);
        left -= k;
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first {@code n} bytes of a list of chunks, as one stream. */
  private static final class ChunksInputStream extends InputStream {
    private final List<byte[]> chunks;
    private int left;
    private int chunk;
    private int at;

    ChunksInputStream(List<byte[]> chunks, int n) {
      this.chunks = chunks;
      this.left = n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int want) {
      if (left == 0) {
        return -1;
      }
      if (at == chunks.get(chunk).length) {
        chunk++;
        at = 0;
      }
      int n = Math.min(want, Math.min(left, chunks.get(chunk).length - at));
      System.arraycopy(chunks.get(chunk), at, b, off, n);
      at += n;
      left -= n;
      return n;
    }

    @Override
    public int available() {
      return left;
    }
  }
}
