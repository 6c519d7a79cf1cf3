package io.custody.storage.s3;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.Capabilities;
import io.custody.storage.CreateOptions;
import io.custody.storage.IntegrityException;
import io.custody.storage.Keys;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import io.custody.storage.RetryPolicy;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import io.custody.storage.spi.VerifyingInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * A bucket (or a prefix in one) of an S3 server as a {@link BlobStore}; opened by {@link
 * S3StorageProvider}. Thread-safe. See docs/PLUGINS-S3.md for what it guarantees on which server.
 *
 * <p>How the contract maps onto S3:
 *
 * <ul>
 *   <li>Writes stream through a buffer of at most two parts: an object up to one part is one
 *       PutObject, a larger one a multipart upload (one part in flight while the next fills). The
 *       server verifies every request body: by its signed SHA-256 over plain HTTP to a custom
 *       endpoint (the client signs payloads there), else by Content-MD5. Nothing is visible before
 *       the PutObject or CompleteMultipartUpload; abort is AbortMultipartUpload.
 *   <li>The writer's SHA-256 is kept in the object's user metadata ({@code
 *       x-amz-meta-custody-sha256}). A multipart upload's metadata is fixed before its bytes are
 *       known, so unless the caller passed {@link CreateOptions#expectedSha256()} the SHA-256 goes
 *       in an object tag of the same name right after completion; an object found with neither is
 *       hashed by reading it (and tagged).
 *   <li>Create-if-absent: {@code If-None-Match: *} on the PutObject/Complete, and the key is looked
 *       up before committing; the rest depends on the kind of bucket, each kept by its own class
 *       behind {@code CreateIfAbsent}. On an <em>unversioned</em> bucket ({@code
 *       UnversionedBucket}) every create first writes a {@linkplain Claim claim} ({@code
 *       dir/.custody-claim.name}, holding size and SHA-256) with a conditional single PUT, because
 *       Ceph RGW 16.2 ignores {@code If-None-Match} on CompleteMultipartUpload (it honours it on
 *       PutObject): a writer of other bytes than the claim names is refused, so a late completion
 *       can never replace the object. Claims stay while the object exists, are left out of {@link
 *       #list}, and go with {@link #delete}; a stale one (its writer died between claiming and
 *       committing) lets the same bytes through and is removed with {@link #releaseClaim}. On
 *       <em>versioned</em> (Object Lock) buckets ({@code VersionedBucket}), where RGW ignores the
 *       header on every write, the versions of the key are listed after committing: the
 *       <em>oldest</em> version is the object, a later one of other bytes is deleted again (or, if
 *       its retention forbids that, left as an unreachable version) and the writer gets {@link
 *       ObjectExistsException}. stat, read, delete and protect address the oldest version.
 *   <li>Retention is S3 Object Lock, enforced by the server, when the bucket has it.
 * </ul>
 */
public final class S3BlobStore implements BlobStore {
  /** User-metadata (x-amz-meta-) and tag name of the SHA-256. */
  static final String SHA256_NAME = "custody-sha256";
  /** User-metadata names of a claim's size and upload. */
  static final String SIZE_NAME = "custody-size";
  static final String UPLOAD_NAME = "custody-upload";
  /** User-metadata name of where, in a claim's body, the claimed bytes begin (claims that carry them). */
  static final String BYTES_AT_NAME = "custody-bytes-at";
  /** A single put of at most this many bytes carries them in its claim. */
  public static final int CLAIM_CARRIES_AT_MOST = 1 << 20;
  /**
   * How the name of a claim starts: the claim of {@code dir/name} is {@code dir/.custody-claim.name}
   * (a segment starting with '.' is never a key, see {@link Keys#check}).
   */
  static final String CLAIM_MARK = ".custody-claim.";

  /**
   * How {@link #tagSha256} retries while other requests write the object: 20 attempts, backoff
   * from 40 ms doubling to 1.28 s, full jitter (about 10 s in all on average).
   */
  static final RetryPolicy TAG_RETRY = new RetryPolicy(20, Duration.ofMillis(40), Duration.ofMillis(1280),
      RetryPolicy.Jitter.FULL);

  /**
   * The size of the chunks writers buffer in: 256 KiB, small enough to stay out of G1's humongous
   * allocations, large enough that a 16 MiB part is 64 of them.
   */
  static final int CHUNK = 256 << 10;
  /** Chunks kept in the pool for the next writers: 256 (64 MiB); more are left to the collector. */
  private static final int POOLED_CHUNKS = 256;

  private static final System.Logger LOG = System.getLogger(S3BlobStore.class.getName());
  private static final AtomicInteger THREADS = new AtomicInteger();

  final S3Client s3;
  final String bucket;
  final String prefix;
  final int partSize;
  /**
   * Whether the client signs every request body's SHA-256, which the server checks (plain HTTP
   * without aws-chunked bodies): Content-MD5 would check the same bytes again, so it is left out.
   */
  final boolean payloadSigned;
  /**
   * Whether the client's signer takes a single put's payload SHA-256 from its writer ({@link
   * PrecomputedPayloadSigner}, custom endpoints): the body is signed without being hashed again,
   * and the server checks it, so no Content-MD5 either.
   */
  final boolean precomputedPayload;
  private final URI uri;
  private final boolean versioned;
  private final boolean objectLock;
  /** Create-if-absent as this kind of bucket keeps it. */
  final CreateIfAbsent createIfAbsent;
  final ExecutorService partPool;
  private final ExecutorService statPool;
  private final ConcurrentLinkedQueue<byte[]> chunks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();

  S3BlobStore(URI uri, S3Client s3, String bucket, String prefix, int partSize, boolean payloadSigned,
      boolean precomputedPayload) throws IOException {
    this.uri = uri;
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partSize = partSize;
    this.payloadSigned = payloadSigned;
    this.precomputedPayload = precomputedPayload;
    try {
      BucketVersioningStatus v = s3.getBucketVersioning(b -> b.bucket(bucket)).status();
      this.versioned = v != null; // Enabled or Suspended: old versions may exist either way
    } catch (SdkException e) {
      throw Errors.map(e, bucket, "reading the versioning of bucket");
    }
    this.objectLock = versioned && objectLockEnabled();
    this.createIfAbsent = versioned ? new VersionedBucket(this) : new UnversionedBucket(this);
    this.partPool = Executors.newCachedThreadPool(daemon("s3-part"));
    this.statPool = Executors.newFixedThreadPool(8, daemon("s3-stat"));
  }

  private boolean objectLockEnabled() throws IOException {
    try {
      var c = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
      return c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED;
    } catch (SdkException e) {
      if (Errors.status(e) == 404 || Errors.status(e) == 400 || Errors.status(e) == 501) {
        return false; // ObjectLockConfigurationNotFoundError, or a server without Object Lock
      }
      throw Errors.map(e, bucket, "reading the Object Lock configuration of bucket");
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public URI uri() {
    return uri;
  }

  /** A {@link #CHUNK}-byte buffer chunk for a writer, from the pool if it has one. */
  byte[] takeChunk() {
    byte[] c = chunks.poll();
    if (c == null) {
      return new byte[CHUNK];
    }
    pooled.decrementAndGet();
    return c;
  }

  /** Returns chunks no request reads any more to the pool, as far as it has room. */
  void giveChunks(List<byte[]> done) {
    for (byte[] c : done) {
      if (pooled.incrementAndGet() > POOLED_CHUNKS) {
        pooled.decrementAndGet();
        return;
      }
      chunks.offer(c);
    }
  }

  /** Whether the bucket keeps versions (then the oldest version of a key is its object). */
  public boolean versioned() {
    return versioned;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(objectLock, objectLock, true, true);
  }

  // -- writing ----------------------------------------------------------------------------------

  @Override
  public S3BlobWriter create(String key, CreateOptions options) throws IOException {
    Keys.check(key);
    checkLockOptions(options);
    createIfAbsent.checkKey(key);
    return new S3BlobWriter(this, key, options, partSize, null, Map.of());
  }

  /**
   * Continues the multipart upload of {@code key} that a writer left behind without committing or
   * aborting (a process that died mid-upload), or starts a new one if there is none.
   *
   * <p>The caller writes the <em>whole</em> object again from its first byte (the SHA-256 covers
   * all of it) and commits: every part already on the server whose MD5 (its ETag) matches the
   * bytes written is kept instead of sent again; the first part that is missing or differs, and
   * all after it, are uploaded. The part size is the one the upload was started with. Retention
   * and legal hold of {@code options} are applied on commit if the upload did not already carry
   * them.
   */
  public S3BlobWriter resume(String key, CreateOptions options) throws IOException {
    Keys.check(key);
    checkLockOptions(options);
    createIfAbsent.checkKey(key);
    Optional<PendingUpload> pending = pendingUpload(key);
    if (pending.isEmpty()) {
      return create(key, options);
    }
    PendingUpload p = pending.get();
    Map<Integer, String> etags = new java.util.HashMap<>();
    int size = partSize;
    for (PendingUpload.UploadedPart part : p.parts()) {
      etags.put(part.number(), part.etag());
    }
    if (!p.parts().isEmpty() && p.parts().get(0).number() == 1) {
      size = (int) p.parts().get(0).size();
    }
    LOG.log(System.Logger.Level.INFO, "resuming the upload of {0} ({1} parts on the server)", key, p.parts().size());
    return new S3BlobWriter(this, key, options, size, p.uploadId(), etags);
  }

  /** A multipart upload not yet completed nor aborted. */
  public record PendingUpload(String key, String uploadId, Instant initiated, List<UploadedPart> parts) {
    /** One part on the server: its number, ETag (lower-case hex MD5 for plain uploads) and size. */
    public record UploadedPart(int number, String etag, long size) {}
  }

  /** The most recently started multipart upload of {@code key} still pending, with its parts. */
  public Optional<PendingUpload> pendingUpload(String key) throws IOException {
    String full = prefix + Keys.check(key);
    try {
      MultipartUpload latest = null;
      String keyMarker = null;
      String idMarker = null;
      while (true) {
        String km = keyMarker;
        String im = idMarker;
        ListMultipartUploadsResponse r = s3.listMultipartUploads(b -> b.bucket(bucket).prefix(full)
            .keyMarker(km).uploadIdMarker(im));
        for (MultipartUpload u : r.uploads()) {
          if (u.key().equals(full) && (latest == null || u.initiated().isAfter(latest.initiated()))) {
            latest = u;
          }
        }
        if (!Boolean.TRUE.equals(r.isTruncated())) {
          break;
        }
        keyMarker = r.nextKeyMarker();
        idMarker = r.nextUploadIdMarker();
      }
      if (latest == null) {
        return Optional.empty();
      }
      String uploadId = latest.uploadId();
      List<PendingUpload.UploadedPart> parts = new ArrayList<>();
      Integer marker = null;
      while (true) {
        Integer m = marker;
        ListPartsResponse r = s3.listParts(b -> b.bucket(bucket).key(full).uploadId(uploadId).partNumberMarker(m));
        for (Part p : r.parts()) {
          parts.add(new PendingUpload.UploadedPart(p.partNumber(), unquote(p.eTag()), p.size()));
        }
        if (!Boolean.TRUE.equals(r.isTruncated())) {
          break;
        }
        marker = r.nextPartNumberMarker();
      }
      parts.sort(Comparator.comparingInt(PendingUpload.UploadedPart::number));
      return Optional.of(new PendingUpload(key, uploadId, latest.initiated(), parts));
    } catch (SdkException e) {
      throw Errors.map(e, key, "listing the pending uploads of");
    }
  }

  private void checkLockOptions(CreateOptions options) {
    if ((options.retention().isPresent() || options.legalHold()) && !objectLock) {
      throw new UnsupportedOperationException("bucket '" + bucket + "' has no Object Lock: it cannot keep retention "
          + "or legal holds (create it with Object Lock enabled)");
    }
  }

  // -- claims (unversioned buckets) -------------------------------------------------------------

  /**
   * A writer's claim on a key of an unversioned bucket: a small object next to it ({@code
   * dir/.custody-claim.name}), written with {@code If-None-Match: *} before the object is
   * committed. It names the bytes (size and SHA-256) that may ever be committed under the key.
   *
   * @param key the key claimed
   * @param claimKey the S3 key of the claim object (in this store's bucket)
   * @param sha256 the SHA-256 of the bytes claimed (empty if the claim object does not name one: a
   *     claim written by something else, which no writer's bytes match)
   * @param size their size
   * @param upload the multipart upload id of the claiming writer, or {@code single-put}
   * @param claimed when the claim was written (the server's Last-Modified)
   * @param carriesBytes whether the claim carries the claimed bytes (a single put of at most
   *     {@value #CLAIM_CARRIES_AT_MOST} bytes): whoever finds it stale completes the object from it
   */
  public record Claim(String key, String claimKey, Optional<Sha256> sha256, long size, String upload,
      Instant claimed, boolean carriesBytes) {
    /** The claimed SHA-256 as hex, or {@code ?}, for messages. */
    String sha256Text() {
      return sha256.map(Sha256::hex).orElse("?");
    }
  }

  /** The S3 key of the claim of {@code key}. */
  String claimKey(String key) {
    String full = prefix + key;
    int slash = full.lastIndexOf('/');
    return full.substring(0, slash + 1) + CLAIM_MARK + full.substring(slash + 1);
  }

  /** If {@code s3Key} is a claim, the key to list after to skip its directory's block of claims. */
  static String claimBlockEnd(String s3Key) {
    int slash = s3Key.lastIndexOf('/');
    if (!s3Key.startsWith(CLAIM_MARK, slash + 1)) {
      return null;
    }
    // Every name starting with ".custody-claim." sorts before ".custody-claim/" ('.' < '/').
    return s3Key.substring(0, slash + 1) + CLAIM_MARK.substring(0, CLAIM_MARK.length() - 1) + "/";
  }

  /** The claim of a key, if there is one (any bucket; only unversioned buckets get claims). */
  public Optional<Claim> claim(String key) throws IOException {
    Keys.check(key);
    String ck = claimKey(key);
    HeadObjectResponse h;
    try {
      h = s3.headObject(b -> b.bucket(bucket).key(ck));
    } catch (SdkException e) {
      if (Errors.status(e) == 404) {
        return Optional.empty();
      }
      throw Errors.map(e, ck, "reading the claim");
    }
    Map<String, String> m = h.metadata();
    long size;
    try {
      size = Long.parseLong(m.getOrDefault(SIZE_NAME, "-1"));
    } catch (NumberFormatException e) {
      size = -1;
    }
    Optional<Sha256> sha;
    try {
      sha = Optional.ofNullable(m.get(SHA256_NAME)).map(Sha256::parse);
    } catch (IllegalArgumentException e) {
      sha = Optional.empty();
    }
    return Optional.of(new Claim(key, ck, sha, size, m.getOrDefault(UPLOAD_NAME, "?"), h.lastModified(),
        m.containsKey(BYTES_AT_NAME)));
  }

  /**
   * Writes the claim of {@code key} with {@code If-None-Match: *}: true if this call created it,
   * false if the key was claimed already (412, or 409 for a concurrent conditional write). {@code
   * bytes}, when present, are the object's whole bytes: the claim carries them, after its readable
   * text.
   */
  boolean putClaim(String key, Sha256 sha256, long size, String upload, Optional<byte[]> bytes) throws IOException {
    String ck = claimKey(key);
    byte[] text = ("custody claim: only these bytes may be stored under s3://" + bucket + "/" + prefix + key + "\n"
        + "size: " + size + "\nsha256: " + sha256.hex() + "\nupload: " + upload + "\n"
        + "It stays while the object exists (delete() removes both). See docs/PLUGINS-S3.md.\n"
        + (bytes.isPresent() ? "The bytes follow (whoever finds this claim stale completes the object from them):\n" : ""))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] body = text;
    Map<String, String> meta = new java.util.HashMap<>(Map.of(SHA256_NAME, sha256.hex(), SIZE_NAME, Long.toString(size),
        UPLOAD_NAME, upload));
    if (bytes.isPresent()) {
      body = java.util.Arrays.copyOf(text, text.length + bytes.get().length);
      System.arraycopy(bytes.get(), 0, body, text.length, bytes.get().length);
      meta.put(BYTES_AT_NAME, Integer.toString(text.length));
    }
    byte[] b = body;
    String md5 = java.util.Base64.getEncoder().encodeToString(md5(b));
    try {
      s3.putObject(r -> r.bucket(bucket).key(ck).ifNoneMatch("*")
          .contentType(bytes.isPresent() ? "application/octet-stream" : "text/plain; charset=utf-8")
          .contentLength((long) b.length).contentMD5(md5).metadata(meta),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(b));
      return true;
    } catch (SdkException e) {
      if (Errors.status(e) == 412 || Errors.status(e) == 409) {
        return false;
      }
      throw Errors.map(e, ck, "claiming '" + key + "' with");
    }
  }

  private static Sha256 sha256(byte[] b) {
    try {
      return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] md5(byte[] b) {
    try {
      return MessageDigest.getInstance("MD5").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Completes the object of a stale claim that carries its bytes: the claimed bytes (checked against
   * the claim's size and SHA-256) are put under the key with {@code If-None-Match: *}. The claim
   * admits only them, so this is the commit its writer did not finish (or is finishing: then one of
   * the two puts gets 412, and the key holds the same bytes either way). False if the claim is gone
   * or its bytes do not match it.
   */
  boolean completeFromClaim(Claim claim) throws IOException {
    byte[] body;
    Map<String, String> meta;
    try (software.amazon.awssdk.core.ResponseInputStream<software.amazon.awssdk.services.s3.model.GetObjectResponse> in =
        s3.getObject(r -> r.bucket(bucket).key(claim.claimKey()))) {
      meta = in.response().metadata();
      body = in.readNBytes(CLAIM_CARRIES_AT_MOST + 4096 + 1);
    } catch (SdkException e) {
      if (Errors.status(e) == 404) {
        return false;
      }
      throw Errors.map(e, claim.claimKey(), "reading the claim");
    }
    int at;
    try {
      at = Integer.parseInt(meta.getOrDefault(BYTES_AT_NAME, "-1"));
    } catch (NumberFormatException e) {
      at = -1;
    }
    byte[] bytes = at < 0 || at > body.length ? new byte[0] : java.util.Arrays.copyOfRange(body, at, body.length);
    if (at < 0 || bytes.length != claim.size() || !claim.sha256().equals(Optional.of(sha256(bytes)))) {
      LOG.log(System.Logger.Level.WARNING, "the claim {0} does not carry the bytes it names: left as it is",
          claim.claimKey());
      return false;
    }
    String full = prefix + claim.key();
    byte[] b = bytes;
    try {
      s3.putObject(r -> r.bucket(bucket).key(full).ifNoneMatch("*").contentType("application/octet-stream")
          .contentLength((long) b.length).contentMD5(java.util.Base64.getEncoder().encodeToString(md5(b)))
          .metadata(Map.of(SHA256_NAME, claim.sha256().get().hex())),
          b.length == 0 ? software.amazon.awssdk.core.sync.RequestBody.empty()
              : software.amazon.awssdk.core.sync.RequestBody.fromBytes(b));
    } catch (SdkException e) {
      if (Errors.status(e) != 412 && Errors.status(e) != 409) {
        throw Errors.map(e, claim.key(), "completing from its claim");
      }
    }
    LOG.log(System.Logger.Level.WARNING, "completed {0} from the stale claim {1} ({2} bytes, SHA-256 {3})",
        claim.key(), claim.claimKey(), claim.size(), claim.sha256Text());
    return true;
  }

  /** For messages: whether the multipart upload named by a claim is still pending. */
  String uploadState(String key, String uploadId) {
    if (uploadId == null || uploadId.equals("single-put") || uploadId.equals("?")) {
      return "";
    }
    try {
      s3.listParts(b -> b.bucket(bucket).key(prefix + key).uploadId(uploadId).maxParts(1));
      return " (still pending: its writer may yet commit it)";
    } catch (SdkException e) {
      return Errors.status(e) == 404 ? " (no longer pending: the claim is stale)" : "";
    }
  }

  /** Deletes the claim of a key (S3 answers a delete of a missing key with success too). */
  void deleteClaim(String key) throws IOException {
    String ck = claimKey(key);
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(ck));
    } catch (SdkException e) {
      if (Errors.status(e) != 404) {
        throw Errors.map(e, ck, "deleting the claim");
      }
    }
  }

  /**
   * Removes the claim of a key that holds no object: a claim left by a writer that died between
   * claiming the key and committing. Until then the key takes only the claimed bytes (a writer of
   * other bytes gets {@link ObjectExistsException} naming the claim). Call it only when no writer is
   * still uploading the key: a writer that passed its claim check commits without looking again.
   *
   * @return whether there was a claim
   * @throws ObjectExistsException if the key holds an object (its claim stays while it exists;
   *     {@link #delete} removes both)
   */
  public boolean releaseClaim(String key) throws IOException {
    Keys.check(key);
    Optional<Located> there = locate(key);
    if (there.isPresent()) {
      throw new ObjectExistsException(key, "'" + key + "' holds an object (" + there.get().info().size()
          + " bytes, SHA-256 " + there.get().info().sha256() + "): its claim stays while it exists");
    }
    Optional<Claim> claim = claim(key);
    if (claim.isEmpty()) {
      return false;
    }
    deleteClaim(key);
    LOG.log(System.Logger.Level.WARNING, "released the claim {0} of {1} ({2} bytes, SHA-256 {3}, upload {4})",
        claim.get().claimKey(), key, claim.get().size(), claim.get().sha256Text(), claim.get().upload());
    return true;
  }

  // -- locating the object of a key -----------------------------------------------------------

  /** The object under a key: its version (null on unversioned buckets) and what HEAD said. */
  record Located(String versionId, BlobInfo info) {}

  /** Every version of a full key (delete markers left out), newest first. */
  List<ObjectVersion> versionsOf(String full) throws IOException {
    List<ObjectVersion> out = new ArrayList<>();
    try {
      String keyMarker = null;
      String idMarker = null;
      while (true) {
        String km = keyMarker;
        String im = idMarker;
        ListObjectVersionsResponse r = s3.listObjectVersions(b -> b.bucket(bucket).prefix(full).keyMarker(km)
            .versionIdMarker(im).maxKeys(1000));
        boolean past = false;
        for (ObjectVersion v : r.versions()) {
          if (v.key().equals(full)) {
            out.add(v);
          } else {
            past = true; // keys that merely start with this one sort after it
          }
        }
        if (past || !Boolean.TRUE.equals(r.isTruncated())) {
          return out;
        }
        keyMarker = r.nextKeyMarker();
        idMarker = r.nextVersionIdMarker();
      }
    } catch (SdkException e) {
      throw Errors.map(e, full, "listing the versions of");
    }
  }

  /** The object under {@code key}, or empty: where it is depends on the kind of bucket. */
  Optional<Located> locate(String key) throws IOException {
    return createIfAbsent.locate(key);
  }

  Optional<Located> locateVersion(String key, String versionId) throws IOException {
    String full = prefix + key;
    HeadObjectResponse h;
    try {
      h = s3.headObject(b -> b.bucket(bucket).key(full).versionId(versionId));
    } catch (SdkException e) {
      if (Errors.status(e) == 404) {
        return Optional.empty();
      }
      throw Errors.map(e, key, "HEAD of");
    }
    String recorded = h.metadata().get(SHA256_NAME);
    Sha256 sha;
    if (recorded != null) {
      sha = recordedSha256(key, "metadata", recorded);
    } else {
      sha = taggedSha256(key, versionId);
    }
    if (sha == null) {
      sha = hashAndTag(key, versionId, h.contentLength());
    }
    return Optional.of(new Located(versionId, info(key, h, sha)));
  }

  /**
   * The SHA-256 recorded in an object's metadata or tag ({@code where}); one that is not 64 hex
   * digits fails like a mismatch.
   */
  static Sha256 recordedSha256(String key, String where, String text) throws IntegrityException {
    try {
      return Sha256.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("'" + key + "' has a malformed SHA-256 in its " + where + " (" + SHA256_NAME
          + "): " + e.getMessage());
    }
  }

  private Sha256 taggedSha256(String key, String versionId) throws IOException {
    try {
      for (Tag t : s3.getObjectTagging(b -> b.bucket(bucket).key(prefix + key).versionId(versionId)).tagSet()) {
        if (t.key().equals(SHA256_NAME)) {
          return recordedSha256(key, "tag", t.value());
        }
      }
      return null;
    } catch (SdkException e) {
      throw Errors.map(e, key, "reading the tags of");
    }
  }

  /**
   * An object with no SHA-256 recorded (its writer died between completing a multipart upload and
   * tagging it, or another tool wrote it): hash it, and record the result as its tag.
   */
  private Sha256 hashAndTag(String key, String versionId, long size) throws IOException {
    LOG.log(System.Logger.Level.INFO, "{0} has no SHA-256 recorded: hashing its {1} bytes", key, size);
    MessageDigest sha = sha256();
    try (InputStream in = open(key, versionId, null)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    Sha256 digest = Sha256.of(sha.digest());
    try {
      tagSha256(key, versionId, digest);
    } catch (StorageException e) {
      LOG.log(System.Logger.Level.WARNING, "could not tag " + key + " with its SHA-256", e);
    }
    return digest;
  }

  /**
   * Records the SHA-256 as the object's tag. RGW answers 409 OperationAborted while another request
   * writes the same object (writers of the same bytes completing one key at once, each tagging), so
   * that answer is retried under {@link #TAG_RETRY}, whose jitter matters: writers that retried in
   * step would keep colliding.
   */
  void tagSha256(String key, String versionId, Sha256 sha) throws StorageException {
    for (int attempt = 1; ; attempt++) {
      try {
        s3.putObjectTagging(b -> b.bucket(bucket).key(prefix + key).versionId(versionId)
            .tagging(t -> t.tagSet(Tag.builder().key(SHA256_NAME).value(sha.hex()).build())));
        return;
      } catch (SdkException e) {
        if (!Errors.code(e).equals("OperationAborted") || !TAG_RETRY.retriesAfter(attempt)) {
          throw Errors.map(e, key, "tagging");
        }
      }
      try {
        TAG_RETRY.sleepBefore(attempt + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while tagging '" + key + "'", e, true);
      }
    }
  }

  static BlobInfo info(String key, HeadObjectResponse h, Sha256 sha) {
    Optional<Retention> retention = Optional.empty();
    if (h.objectLockMode() != null && h.objectLockMode() != ObjectLockMode.UNKNOWN_TO_SDK_VERSION
        && h.objectLockRetainUntilDate() != null) {
      retention = Optional.of(new Retention(h.objectLockMode() == ObjectLockMode.COMPLIANCE
          ? Retention.Mode.COMPLIANCE : Retention.Mode.GOVERNANCE, h.objectLockRetainUntilDate()));
    }
    return new BlobInfo(key, h.contentLength(), sha, h.lastModified(), retention,
        h.objectLockLegalHoldStatus() == ObjectLockLegalHoldStatus.ON);
  }

  // -- reading ----------------------------------------------------------------------------------

  @Override
  public Optional<BlobInfo> stat(String key) throws IOException {
    return locate(Keys.check(key)).map(Located::info);
  }

  @Override
  public InputStream read(String key, long offset, long length) throws IOException {
    Keys.check(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    String versionId = createIfAbsent.readVersion(key);
    if (length == 0) {
      // (A versioned bucket's readVersion found the object; an unversioned one's looks now.)
      if (versionId == null && locateVersion(key, null).isEmpty()) {
        throw new NoSuchObjectException(key);
      }
      return InputStream.nullInputStream();
    }
    String range = null;
    if (offset > 0 || length < Long.MAX_VALUE) {
      long last = Long.MAX_VALUE - offset < length ? -1 : offset + length - 1;
      range = "bytes=" + offset + "-" + (last < 0 ? "" : Long.toString(last));
    }
    return open(key, versionId, range);
  }

  private InputStream open(String key, String versionId, String range) throws IOException {
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = s3.getObject(b -> b.bucket(bucket).key(prefix + key).versionId(versionId).range(range));
    } catch (SdkException e) {
      if (Errors.status(e) == 416) {
        return InputStream.nullInputStream(); // offset at or past the end (or an empty object)
      }
      throw Errors.map(e, key, "reading");
    }
    return guarded(key, in);
  }

  /** A response body whose failures name the key. */
  private static InputStream guarded(String key, InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException | SdkException e) {
          throw broken(key, e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException | SdkException e) {
          throw broken(key, e);
        }
      }
    };
  }

  /**
   * On an unversioned bucket, one GET: the SHA-256 comes with the body, in the object's user
   * metadata, instead of from a HEAD before it (a round trip per object saved when a back office
   * verifies a store of many small segments). An object whose SHA-256 is not in its metadata (a
   * multipart upload's, kept in a tag) and every object of a versioned bucket take the general
   * path: {@link #stat}, then the read.
   */
  @Override
  public InputStream readVerified(String key) throws IOException {
    Keys.check(key);
    if (versioned) {
      return BlobStore.super.readVerified(key);
    }
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = s3.getObject(b -> b.bucket(bucket).key(prefix + key));
    } catch (SdkException e) {
      throw Errors.map(e, key, "reading");
    }
    String recorded = in.response().metadata().get(SHA256_NAME);
    if (recorded == null) {
      in.abort();
      in.close();
      return BlobStore.super.readVerified(key);
    }
    Sha256 expected;
    try {
      expected = recordedSha256(key, "metadata", recorded);
    } catch (IntegrityException e) {
      in.abort();
      in.close();
      throw e;
    }
    long size = in.response().contentLength() == null ? -1 : in.response().contentLength();
    return new VerifyingInputStream(guarded(key, in), key, size, expected);
  }

  private static StorageException broken(String key, Exception e) {
    if (e instanceof StorageException s) {
      return s;
    }
    return new StorageException("reading '" + key + "' broke off: " + e.getMessage(), e, true);
  }

  /**
   * Lists with {@code StartAfter} (the token is the S3 key to continue after). Claims ({@code
   * dir/.custody-claim.*}, one beside every object of an unversioned bucket) are left out of each
   * page as it comes; only a page that <em>ends</em> inside a block of claims continues after the
   * whole block ({@link #claimBlockEnd}), so a directory of many claims is skipped with one more
   * request instead of being paged through, while a store of many one-object directories costs a
   * request per 1,000 keys, not one per directory.
   */
  @Override
  public Page list(String keyPrefix, Optional<String> token, int maxItems) throws IOException {
    List<String> keys = new ArrayList<>();
    Optional<String> next = listPage(keyPrefix, token, maxItems, keys);
    // ListObjectsV2 carries no user metadata: one HEAD per object (eight at a time) for the SHA-256.
    List<Future<Optional<Located>>> stats = new ArrayList<>();
    for (String key : keys) {
      stats.add(statPool.submit(() -> locate(key)));
    }
    List<BlobInfo> items = new ArrayList<>();
    for (Future<Optional<Located>> f : stats) {
      await(f).ifPresent(l -> items.add(l.info())); // gone since the listing: left out
    }
    return new Page(items, next);
  }

  /** One page of keys, claims left out, into {@code keys}; returns the token of the next page. */
  private Optional<String> listPage(String keyPrefix, Optional<String> token, int maxItems, List<String> keys)
      throws IOException {
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be positive");
    }
    String from = prefix + keyPrefix;
    String after = token.orElse(null);
    boolean more;
    pages:
    while (true) {
      String a = after;
      ListObjectsV2Response r;
      try {
        r = s3.listObjectsV2(b -> b.bucket(bucket).prefix(from).maxKeys(1000).startAfter(a));
      } catch (SdkException e) {
        throw Errors.map(e, keyPrefix, "listing");
      }
      String lastClaim = null;
      for (S3Object o : r.contents()) {
        if (keys.size() == maxItems) {
          more = true; // (after is the last key returned)
          break pages;
        }
        if (claimBlockEnd(o.key()) != null) {
          lastClaim = o.key();
        } else {
          lastClaim = null;
          keys.add(o.key().substring(prefix.length()));
        }
        after = o.key();
      }
      more = Boolean.TRUE.equals(r.isTruncated()) && !r.contents().isEmpty();
      if (!more) {
        break;
      }
      if (lastClaim != null) {
        after = claimBlockEnd(lastClaim); // the page ended among claims: skip the rest of the block
      } else if (!keys.isEmpty()) {
        break;
      }
      if (keys.size() >= maxItems) {
        break;
      }
    }
    return more ? Optional.of(after) : Optional.empty();
  }

  /**
   * The keys alone, from ListObjectsV2 pages: no HEAD per object (which {@link #list} needs for
   * each SHA-256). Claims are left out as {@link #list} leaves them.
   */
  @Override
  public Iterator<String> listKeys(String keyPrefix) {
    return new Iterator<>() {
      private final List<String> page = new ArrayList<>();
      private int index;
      private Optional<String> next = Optional.empty();
      private boolean started;

      @Override
      public boolean hasNext() {
        while (index == page.size() && (!started || next.isPresent())) {
          page.clear();
          index = 0;
          try {
            next = listPage(keyPrefix, started ? next : Optional.empty(), 1000, page);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          started = true;
        }
        return index < page.size();
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return page.get(index++);
      }
    };
  }

  static <T> T await(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof SdkException s) {
        throw Errors.map(s, "?", "request");
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new StorageException(c.toString(), c);
    }
  }

  // -- deleting and protecting ------------------------------------------------------------------

  /** Deletes the object, as its kind of bucket does it (see {@code UnversionedBucket} and {@code VersionedBucket}). */
  @Override
  public void delete(String key) throws IOException {
    createIfAbsent.delete(Keys.check(key));
  }

  void deleteVersion(String key, String versionId) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(prefix + key).versionId(versionId));
    } catch (SdkException e) {
      throw lockRefusal(e, key, versionId, "delete");
    }
  }

  /** A 403 on a locked object is the server enforcing Object Lock: a RetentionException. */
  private StorageException lockRefusal(SdkException e, String key, String versionId, String what) {
    if (objectLock && Errors.status(e) == 403) {
      String why = "";
      try {
        Optional<Located> l = locateVersion(key, versionId);
        if (l.isPresent()) {
          BlobInfo i = l.get().info();
          why = i.legalHold() ? " (legal hold)" : i.retention().map(r -> " (" + r.mode() + " retention until "
              + r.until() + ")").orElse("");
        }
      } catch (IOException ignored) {
        // the refusal stands on its own
      }
      return new RetentionException(key, "the server refused to " + what + " '" + key + "'" + why
          + ": it is under Object Lock (" + Errors.code(e) + ")", e);
    }
    return Errors.map(e, key, what);
  }

  @Override
  public void protect(String key, Optional<Retention> retention, boolean legalHold) throws IOException {
    Keys.check(key);
    if (!objectLock) {
      throw new UnsupportedOperationException("bucket '" + bucket + "' has no Object Lock: it keeps no retention");
    }
    Located l = locate(key).orElseThrow(() -> new NoSuchObjectException(key));
    applyLock(key, l.versionId(), l.info(), retention, legalHold);
  }

  void applyLock(String key, String versionId, BlobInfo current, Optional<Retention> retention, boolean legalHold)
      throws IOException {
    Optional<Retention> now = current.retention();
    if (retention.isEmpty() && now.isPresent() && !now.get().activeAt(Instant.now())) {
      retention = now; // run out: nothing to remove
    }
    if (retention.isEmpty() && now.isPresent() && now.get().mode() == Retention.Mode.COMPLIANCE) {
      // (Refused here: RGW 16.2 cannot even parse a request without a period.)
      throw new RetentionException(key, "compliance retention on '" + key + "' runs until " + now.get().until()
          + ": it cannot be removed");
    }
    if (!retention.equals(current.retention())) {
      Optional<Retention> wanted = retention;
      boolean governance = current.retention().map(r -> r.mode() == Retention.Mode.GOVERNANCE).orElse(false);
      ObjectLockRetention.Builder r = ObjectLockRetention.builder();
      wanted.ifPresent(x -> r.mode(x.mode() == Retention.Mode.COMPLIANCE ? ObjectLockRetentionMode.COMPLIANCE
          : ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(x.until()));
      try {
        s3.putObjectRetention(b -> b.bucket(bucket).key(prefix + key).versionId(versionId).retention(r.build())
            .bypassGovernanceRetention(governance ? Boolean.TRUE : null));
      } catch (SdkException e) {
        throw lockRefusal(e, key, versionId, "change the retention of");
      }
    }
    if (legalHold != current.legalHold()) {
      try {
        s3.putObjectLegalHold(b -> b.bucket(bucket).key(prefix + key).versionId(versionId)
            .legalHold(h -> h.status(legalHold ? ObjectLockLegalHoldStatus.ON : ObjectLockLegalHoldStatus.OFF)));
      } catch (SdkException e) {
        throw lockRefusal(e, key, versionId, "change the legal hold of");
      }
    }
  }

  @Override
  public void close() {
    partPool.shutdownNow();
    statPool.shutdownNow();
    s3.close();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    String e = etag.trim();
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e.toLowerCase(java.util.Locale.ROOT);
  }
}
