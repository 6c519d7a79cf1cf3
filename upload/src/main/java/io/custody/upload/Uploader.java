package io.custody.upload;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import io.custody.storage.RetryPolicy;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import io.custody.storage.StorageFullException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves sealed segments from a local store (the camera's flash, a dock's disk) to the evidence
 * store, never losing a byte: the dock-side upload queue.
 *
 * <p>For each object under a prefix: if the journal says it was already verified at the
 * destination, skip it; else upload it with create-if-absent (a destination holding the same bytes
 * already counts as done: re-runs after a restart write nothing twice), reading the local copy
 * once: the destination's writer hashes the bytes as they stream, and its confirmed size and
 * SHA-256 are what is recorded in the journal and, before the local copy is deleted, checked by
 * reading the remote one back and hashing it. Then, if the policy says so, the local copy is
 * released. A destination holding different bytes under the key is a conflict: it is reported,
 * never overwritten.
 *
 * <p>Resumable: the journal is a set of small objects in the source store (under {@link
 * #JOURNAL_PREFIX}), so a killed uploader re-run on the same stores picks up where it was. A
 * source too full to take a mark is uploaded from all the same (the destination's copy is what
 * proves an object done), so releasing local copies empties a full flash. Bounded
 * concurrency, retries under a {@link RetryPolicy} on transient errors, an optional bandwidth cap
 * shared by all workers. {@link #run} is blocking and may be called again; the uploader is
 * thread-safe.
 */
public final class Uploader {
  /** Where the journal lives in the source store; objects under it are never uploaded. */
  public static final String JOURNAL_PREFIX = "custody-upload-journal/";

  private final BlobStore source;
  private final BlobStore destination;
  private final int concurrency;
  private final RetryPolicy retryPolicy;
  private final boolean deleteSource;
  private final Optional<Retention> retention;
  private final UploadListener listener;
  private final TokenBucket bandwidth;
  private final String journal;

  private Uploader(Builder b) {
    this.source = b.source;
    this.destination = b.destination;
    this.concurrency = b.concurrency;
    this.retryPolicy = b.retryPolicy;
    this.deleteSource = b.deleteSource;
    this.retention = b.retention;
    this.listener = b.listener;
    this.bandwidth = b.bytesPerSecond > 0 ? new TokenBucket(b.bytesPerSecond) : null;
    this.journal = JOURNAL_PREFIX + journalId(destination.uri().toString()) + "/";
  }

  public static Builder builder(BlobStore source, BlobStore destination) {
    return new Builder(source, destination);
  }

  /**
   * Uploads every object under {@code prefix} in the source (the journal excepted). Returns when
   * each is done or given up on.
   *
   * @throws InterruptedException if the calling thread is interrupted (workers stop; a re-run
   *     resumes)
   */
  public UploadReport run(String prefix) throws IOException, InterruptedException {
    // Keys only: a store whose info costs a read per object (a file's SHA-256, when no attribute
    // holds it) is not read twice; each object's SHA-256 is taken as it streams to the destination.
    List<String> todo = new ArrayList<>();
    try {
      for (Iterator<String> it = source.listKeys(prefix); it.hasNext(); ) {
        String key = it.next();
        if (!key.startsWith(JOURNAL_PREFIX)) {
          todo.add(key);
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger already = new AtomicInteger();
    AtomicInteger deleted = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    AtomicLong bytesDone = new AtomicLong();
    Map<String, String> failed = new ConcurrentHashMap<>();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, daemon("custody-upload"));
    // Read-backs (and the releases after them) run beside the uploads, at most as many at once:
    // an upload worker goes on to its next object while the last one is read back, so an
    // object's read-back no longer waits behind its upload, nor the next upload behind it.
    ExecutorService releases = Executors.newFixedThreadPool(concurrency, daemon("custody-read-back"));
    Queue<Future<?>> released = new ConcurrentLinkedQueue<>();
    Runnable progress = () -> {
      double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
      listener.progress(new UploadProgress(todo.size(), uploaded.get() + already.get(), failed.size(),
          bytesDone.get(), bytes.get() / seconds));
    };
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String key : todo) {
        futures.add(pool.submit(() -> {
          Done d = uploadWithRetries(key);
          switch (d.outcome()) {
            case UPLOADED: uploaded.incrementAndGet(); bytes.addAndGet(d.size()); break;
            case ALREADY_THERE: already.incrementAndGet(); break;
            default: break;
          }
          if (d.outcome() != Outcome.FAILED) {
            bytesDone.addAndGet(Math.max(0, d.size()));
            if (deleteSource && d.size() >= 0) {
              released.add(releases.submit(() -> {
                if (releaseSource(key)) {
                  deleted.incrementAndGet();
                }
                progress.run();
                return null;
              }));
              return null;
            }
          } else {
            failed.putIfAbsent(key, lastError.getOrDefault(key, "failed"));
          }
          progress.run();
          return null;
        }));
      }
      for (Future<?> f : futures) {
        await(f);
      }
      for (Future<?> f; (f = released.poll()) != null; ) {
        await(f); // (every upload is done: no more are added)
      }
    } finally {
      pool.shutdownNow();
      releases.shutdownNow();
    }
    return new UploadReport(uploaded.get(), already.get(), deleted.get(), failed, bytes.get());
  }

  private static void await(Future<?> f) throws IOException, InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new IOException("upload worker failed", e.getCause());
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private enum Outcome { UPLOADED, ALREADY_THERE, FAILED }

  /**
   * What became of one object: its size ({@code -1} when a concurrent run released it, so there
   * is nothing left here to release).
   */
  private record Done(Outcome outcome, long size) {}

  private static final Done FAILED = new Done(Outcome.FAILED, 0);

  private final Map<String, String> lastError = new ConcurrentHashMap<>();

  private Done uploadWithRetries(String key) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return uploadOnce(key);
      } catch (ObjectExistsException e) {
        lastError.put(key, "conflict: the destination holds different bytes under this key");
        listener.attemptFailed(key, attempt, e, false);
        return FAILED;
      } catch (IOException | RuntimeException e) {
        boolean retry = retryPolicy.retriesAfter(attempt) && retryable(e);
        lastError.put(key, e.toString());
        listener.attemptFailed(key, attempt, e, retry);
        if (!retry) {
          return FAILED;
        }
        retryPolicy.sleepBefore(attempt + 1);
      }
    }
  }

  /** Anything but a permanent refusal is worth another try: transient errors, bad bytes in transit. */
  private static boolean retryable(Exception e) {
    if (e instanceof NoSuchObjectException || e instanceof RetentionException) {
      return false;
    }
    if (e instanceof StorageException s) {
      return s.isTransient() || s instanceof io.custody.storage.IntegrityException;
    }
    return e instanceof IOException || e instanceof java.io.UncheckedIOException;
  }

  /**
   * Uploads one object. The source is read once, as it streams to the destination: the
   * destination's writer hashes what it is given, and the SHA-256 it confirms on commit is what
   * the journal records and the read-back before a release checks. The source's own info (for a
   * file without a recorded SHA-256, a hash of the whole file) is asked for only where a SHA-256
   * must be compared before anything is sent: a journal mark, or an object already at the
   * destination.
   */
  private Done uploadOnce(String key) throws IOException {
    Optional<Sha256> mark = journalMark(key);
    if (mark.isPresent()) {
      Optional<BlobInfo> info = source.stat(key);
      if (info.isEmpty()) {
        return new Done(Outcome.ALREADY_THERE, -1); // released by a concurrent run, after its mark
      }
      if (info.get().sha256().equals(mark.get())) {
        return new Done(Outcome.ALREADY_THERE, info.get().size());
      }
    }
    Optional<BlobInfo> there = destination.stat(key);
    if (there.isPresent()) {
      BlobInfo info = source.stat(key).orElseThrow(() -> new NoSuchObjectException(key));
      if (!there.get().sha256().equals(info.sha256()) || there.get().size() != info.size()) {
        throw new ObjectExistsException(key, "the destination holds different bytes under '" + key + "'");
      }
      journal(key, info.sha256());
      listener.uploaded(key, info.size(), true);
      return new Done(Outcome.ALREADY_THERE, info.size());
    }
    CreateOptions options = CreateOptions.defaults();
    if (retention.isPresent()) {
      options = options.withRetention(retention.get());
    }
    BlobInfo written;
    long sent = 0;
    try (InputStream in = source.read(key); BlobWriter w = destination.create(key, options)) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (bandwidth != null) {
          bandwidth.take(n);
        }
        w.write(buf, 0, n);
        sent += n;
      }
      written = w.commit();
    } catch (NoSuchObjectException gone) {
      if (journalMark(key).isPresent()) {
        return new Done(Outcome.ALREADY_THERE, -1); // released by a concurrent run, after its mark
      }
      throw gone;
    }
    if (written.size() != sent) {
      throw new io.custody.storage.IntegrityException("the destination confirmed " + written.size()
          + " bytes for '" + key + "', " + sent + " were sent");
    }
    journal(key, written.sha256());
    listener.uploaded(key, sent, false);
    return new Done(Outcome.UPLOADED, sent);
  }

  /**
   * Releases the local copy, after reading the remote one back and hashing it (in 256 KiB reads:
   * {@code transferTo}'s 8 KiB ones cost a call through every layer of the client per 8 KiB).
   */
  private boolean releaseSource(String key) throws IOException {
    try (InputStream in = destination.readVerified(key)) {
      byte[] buf = new byte[256 * 1024];
      while (in.read(buf) >= 0) {
        // read to the end: the stream checks size and SHA-256 there
      }
    }
    try {
      source.delete(key);
      return true;
    } catch (RetentionException | NoSuchObjectException e) {
      return false;
    }
  }

  private String journalKey(String key) {
    return journal + key + ".done";
  }

  /** The SHA-256 the journal records as verified at the destination for {@code key}, if any. */
  private Optional<Sha256> journalMark(String key) throws IOException {
    String recorded;
    try (InputStream in = source.read(journalKey(key))) {
      recorded = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (NoSuchObjectException none) {
      return Optional.empty();
    }
    try {
      return Optional.of(Sha256.parse(recorded));
    } catch (IllegalArgumentException notAMark) {
      return Optional.empty(); // not written by an uploader: the destination decides
    }
  }

  private void journal(String key, Sha256 sha256) throws IOException {
    byte[] sha = sha256.hex().getBytes(StandardCharsets.US_ASCII);
    try (BlobWriter w = source.create(journalKey(key), CreateOptions.defaults())) {
      w.write(sha, 0, sha.length);
      w.commit();
    } catch (ObjectExistsException e) {
      // an older mark for other bytes under this key: the new object replaced it at the source
      // (only possible after a delete); the destination check above already proved this one
    } catch (StorageFullException e) {
      // The source's disk is full (a camera that stopped recording for want of space): the mark
      // only saves the next run a stat at the destination, which proves the same. Going on is
      // what releases the local copy and so makes room.
    }
  }

  private static String journalId(String uri) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token bucket shared by the workers: at most {@code rate} bytes per second on average. */
  static final class TokenBucket {
    private final long rate;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(long rate) {
      this.rate = rate;
      this.tokens = Math.min(rate, 256 * 1024);
    }

    synchronized void take(long n) {
      while (true) {
        long now = System.nanoTime();
        tokens = Math.min(Math.max(rate / 4.0, 256 * 1024), tokens + (now - last) * rate / 1e9);
        last = now;
        if (tokens >= n) {
          tokens -= n;
          return;
        }
        long waitNanos = (long) ((n - tokens) * 1e9 / rate);
        try {
          wait(Math.max(1, waitNanos / 1_000_000), (int) (waitNanos % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while throttled");
        }
      }
    }
  }

  /** Options for an {@link Uploader}. */
  public static final class Builder {
    private final BlobStore source;
    private final BlobStore destination;
    private int concurrency = 4;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private boolean deleteSource;
    private Optional<Retention> retention = Optional.empty();
    private long bytesPerSecond;
    private UploadListener listener = new UploadListener() {};

    private Builder(BlobStore source, BlobStore destination) {
      this.source = Objects.requireNonNull(source, "source");
      this.destination = Objects.requireNonNull(destination, "destination");
    }

    /** Objects uploaded at once (default 4); as many more may be read back at once, before their release. */
    public Builder concurrency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1: " + n);
      }
      this.concurrency = n;
      return this;
    }

    /** Attempts per object and the delays between them (default {@link RetryPolicy#defaults()}). */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    /** Release (delete) the local copy once the remote one was read back and verified (default false). */
    public Builder deleteSourceAfterVerify(boolean on) {
      this.deleteSource = on;
      return this;
    }

    /** Retention to set on every uploaded object (evidence stores with Object Lock). */
    public Builder retention(Retention r) {
      this.retention = Optional.of(r);
      return this;
    }

    /** Cap on the upload rate, bytes per second, shared by all workers (0: none, the default). */
    public Builder bandwidth(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("bandwidth must not be negative");
      }
      this.bytesPerSecond = bytesPerSecond;
      return this;
    }

    public Builder listener(UploadListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Uploader build() {
      return new Uploader(this);
    }
  }
}
