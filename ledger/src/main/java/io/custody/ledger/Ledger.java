package io.custody.ledger;

import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chain-of-custody log kept in a {@link BlobStore}: append entries, read them, and prove them.
 *
 * <p>Several processes, on one machine or many sharing a store, may append to one log at once. Each
 * tree update is an update record created with the store's conditional create at the next sequence
 * number: the one that wins is the next tree; the others read it and retry on top. Appends made at
 * once by the threads of one process go into one update. {@link #append} returns only once its
 * entry is under a signed checkpoint in the store; a process killed at any point leaves the log
 * valid, and whoever appends next completes the tiles of an update whose writer died ({@code
 * docs/LEDGER.md} §4).
 *
 * <p>An append that fails with an {@link IOException} may still have landed (the store took the
 * update, but its reply was lost). The next append through the same instance first reads the
 * updates it has not yet seen and remembers their entries (the newest 65,536); appending the same
 * entries again (the same {@link LedgerEntry} objects, so the same bytes) then returns the index
 * where they landed instead of adding them twice.
 *
 * <p>Thread-safe.
 */
public final class Ledger implements AutoCloseable {
  /** Update records larger than this are refused as damaged. */
  private static final int MAX_RECORD = 64 << 20;
  /** Entries per tree update, at most (a batch beyond is split). */
  private static final int MAX_BATCH = 4096;
  /** Updates read one by one to catch up before jumping to the newest through its tiles. */
  private static final int CATCH_UP = 16;
  /** Entries remembered where a retried append may have landed. */
  private static final int LANDED = 65_536;
  /** Updates whose tiles may be in the background at once. */
  private static final int MAX_TILE_UPDATES = 64;
  /** The ledger public key as written at creation (PEM), for reading history without the key file. */
  public static final String PUBLIC_KEY = "ledger.pub";

  private final BlobStore store;
  private final LedgerPublicKey publicKey;
  private final LedgerKey key;
  private final String origin;

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  // the newest tree this instance knows, guarded by lock
  private long seq = -1;
  private Checkpoint head;
  private TreeState state;
  private boolean failed;
  /**
   * The highest sequence number at which an attempt of this instance that failed may yet land (-1:
   * none): its reply lost, or, on an S3 bucket without versioning, its claim completed later by
   * another appender (docs/PLUGINS-S3.md). Guarded by lock.
   */
  private long uncertain = -1;
  /**
   * Entries of the updates up to {@link #uncertain} read since, by index: where a retried append
   * may have landed. The newest {@value #LANDED} only.
   */
  private final Map<java.nio.ByteBuffer, Long> landed = new java.util.LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<java.nio.ByteBuffer, Long> eldest) {
      return size() > LANDED;
    }
  };
  /** Tiles of this instance's updates whose writing failed, to write again (lock held). */
  private final ConcurrentLinkedQueue<List<TreeState.Tile>> unfinished = new ConcurrentLinkedQueue<>();
  /** The tile writes in the background, one update after another (guarded by lock), and the slots that bound them. */
  private volatile CompletableFuture<Void> tileChain = CompletableFuture.completedFuture(null);
  private final java.util.concurrent.Semaphore tileSlots = new java.util.concurrent.Semaphore(MAX_TILE_UPDATES);

  /** The sequence number whose record the store refused, and since when (guarded by lock). */
  private long refusedAt = -1;
  private long refusedSince;
  /** How long a refused sequence number may stay without a record before appends fail. */
  java.time.Duration refusalLimit = java.time.Duration.ofSeconds(60);

  private record Pending(List<byte[]> entries, CompletableFuture<Long> done) {}

  private Ledger(BlobStore store, LedgerPublicKey publicKey, LedgerKey key, String origin) {
    this.store = store;
    this.publicKey = publicKey;
    this.key = key;
    this.origin = origin;
  }

  /**
   * Creates a new, empty log named {@code origin} in {@code store}, signed by {@code key}.
   *
   * @throws ObjectExistsException if the store already holds a log
   */
  public static Ledger create(BlobStore store, String origin, LedgerKey key) throws IOException {
    Checkpoint.checkOrigin(origin);
    Checkpoint cp = Checkpoint.sign(origin, 0, Merkle.emptyRoot(), key);
    if (store.stat(TilePaths.update(0)).isPresent()) { // the same key and origin would write the same bytes
      throw new ObjectExistsException(TilePaths.update(0), "a ledger already exists in " + store.uri());
    }
    try {
      write(store, TilePaths.update(0), new UpdateRecord(List.of(), cp.toNote()).encode());
    } catch (ObjectExistsException e) {
      throw new ObjectExistsException(e.key(), "a ledger already exists in " + store.uri());
    }
    try {
      write(store, PUBLIC_KEY, key.publicKey().toPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (ObjectExistsException e) {
      throw new ObjectExistsException(e.key(), PUBLIC_KEY + " in " + store.uri() + " holds another key");
    }
    Ledger l = new Ledger(store, key.publicKey(), key, origin);
    l.seq = 0;
    l.head = cp;
    l.state = TreeState.empty();
    return l;
  }

  /**
   * Opens the log in {@code store} to read it, with the public key stored beside it at creation
   * ({@value #PUBLIC_KEY}). Whoever can write to the store can replace that key, so this proves
   * nothing: it is for listing history. Proof needs the force's key from elsewhere: {@link
   * #open(BlobStore, LedgerPublicKey)} and {@link LedgerVerifier}.
   */
  public static Ledger openTrustingStoredKey(BlobStore store) throws IOException {
    byte[] pem;
    try {
      pem = read(store, PUBLIC_KEY, 4096);
    } catch (NoSuchObjectException e) {
      throw new NoSuchObjectException("no ledger in " + store.uri() + " (custody ledger init creates one)");
    }
    return open(store, LedgerPublicKey.fromPem(new String(pem, java.nio.charset.StandardCharsets.US_ASCII)));
  }

  /** Opens the log in {@code store} to read and prove, checking it is signed by {@code key}. */
  public static Ledger open(BlobStore store, LedgerPublicKey key) throws IOException {
    return new Ledger(store, key, null, readOrigin(store, key));
  }

  /** Opens the log in {@code store} to append to it as well, signing with {@code key}. */
  public static Ledger open(BlobStore store, LedgerKey key) throws IOException {
    return new Ledger(store, key.publicKey(), key, readOrigin(store, key.publicKey()));
  }

  private static String readOrigin(BlobStore store, LedgerPublicKey key) throws IOException {
    byte[] b;
    try {
      b = read(store, TilePaths.update(0), MAX_RECORD);
    } catch (NoSuchObjectException e) {
      throw new NoSuchObjectException("no ledger in " + store.uri() + " (custody ledger init creates one)");
    }
    UpdateRecord r = UpdateRecord.decode(b);
    Checkpoint cp = Checkpoint.parse(r.checkpointNote(), key);
    if (cp.size() != 0 || !r.entries().isEmpty()) {
      throw new LedgerFormatException("the ledger's first update is not the empty tree");
    }
    return cp.origin();
  }

  /** The log's name (the checkpoints' origin line). */
  public String origin() {
    return origin;
  }

  /** The public key the log's checkpoints are signed with. */
  public LedgerPublicKey publicKey() {
    return publicKey;
  }

  /**
   * The newest checkpoint in the store (signature and tiles checked). Opened with the public key
   * only, the newest whose tiles are all written (an appender may still be writing the very newest).
   */
  public Checkpoint checkpoint() throws IOException {
    flush();
    lock.lock();
    try {
      sync();
      return head;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the tiles of every update this instance made are in the store (an append returns
   * once its entry is under a signed checkpoint in the store; its update's tiles follow in the
   * background). Call it before the process ends, or use the log's tiles from elsewhere.
   *
   * @throws IOException if tiles still cannot be written
   */
  public void flush() throws IOException {
    tileChain.join(); // never fails: a failed write is queued in unfinished
    if (!unfinished.isEmpty()) {
      lock.lock();
      try {
        for (List<TreeState.Tile> t = unfinished.peek(); t != null; t = unfinished.peek()) {
          writeTiles(t);
          unfinished.poll();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * {@link #flush()}: the tiles of this instance's updates are in the store. The store stays open
   * (it is the caller's).
   */
  @Override
  public void close() throws IOException {
    flush();
  }

  /** The number of tree updates so far (update records after the empty tree's). */
  public long updates() throws IOException {
    lock.lock();
    try {
      sync();
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The checkpoint signed by update {@code n} (1 to {@link #updates()}; 0 is the empty tree): every
   * tree size the log had, for auditors who missed one.
   */
  public Checkpoint checkpointOfUpdate(long n) throws IOException {
    return Checkpoint.parse(readRecord(n).checkpointNote(), publicKey);
  }

  /**
   * Appends one entry and returns its index, once it is under a signed checkpoint in the store
   * (the update record; its tiles follow in the background, see {@link #flush()}).
   *
   * @throws IllegalStateException if this ledger was opened without the signing key
   */
  public long append(LedgerEntry entry) throws IOException {
    return appendAll(List.of(entry));
  }

  /**
   * Appends entries, in order and contiguously, and returns the first one's index, once all are
   * under a signed checkpoint in the store. Entries appended at once by other threads share the
   * tree update.
   */
  public long appendAll(List<LedgerEntry> entries) throws IOException {
    if (key == null) {
      throw new IllegalStateException("this ledger was opened with its public key only; appending needs the ledger key");
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("nothing to append");
    }
    if (entries.size() > MAX_BATCH) {
      long first = -1;
      for (int i = 0; i < entries.size(); i += MAX_BATCH) {
        long f = appendAll(entries.subList(i, Math.min(entries.size(), i + MAX_BATCH)));
        first = first < 0 ? f : first;
      }
      return first;
    }
    List<byte[]> bytes = new ArrayList<>(entries.size());
    entries.forEach(e -> bytes.add(e.bytesNoCopy()));
    Pending mine = new Pending(bytes, new CompletableFuture<>());
    queue.add(mine);
    // Group commit: whoever holds the lock commits everything queued; the others wait on their own
    // append (not on the lock, so each returns as soon as its update is in) and take the lock when
    // it is free and their append is still queued.
    while (!mine.done().isDone()) {
      if (lock.tryLock()) {
        try {
          List<Pending> batch = mine.done().isDone() ? List.of() : drain();
          if (!batch.isEmpty()) {
            commit(batch);
          }
        } finally {
          lock.unlock();
        }
      } else {
        try {
          mine.done().get(2, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // not yet (or failed: join below reports it)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while appending to the ledger");
        }
      }
    }
    try {
      return mine.done().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** Everything queued, up to {@link #MAX_BATCH} entries (more if one append alone is larger). */
  private List<Pending> drain() {
    List<Pending> batch = new ArrayList<>();
    int count = 0;
    for (Pending p = queue.peek(); p != null && (batch.isEmpty() || count + p.entries().size() <= MAX_BATCH); p = queue.peek()) {
      queue.poll();
      batch.add(p);
      count += p.entries().size();
    }
    return batch;
  }

  /**
   * One tree update for the batch, retried on top of whoever wins the sequence number; completes
   * the batch once its record is created, and queues its tiles.
   */
  private void commit(List<Pending> batch) {
    try {
      if (!unfinished.isEmpty()) { // tiles that failed before: in order, before anything new
        tileChain.join();
        for (List<TreeState.Tile> t = unfinished.peek(); t != null; t = unfinished.peek()) {
          writeTiles(t);
          unfinished.poll();
        }
      }
      List<byte[]> entries = new ArrayList<>();
      batch.forEach(p -> entries.addAll(p.entries()));
      boolean mustSync = state == null || failed;
      for (int attempt = 0; ; attempt++) {
        if (mustSync) {
          sync(landed);
          failed = false;
        }
        mustSync = true;
        if (!landed.isEmpty()) {
          // An earlier attempt failed, and may have landed (its reply lost): appends whose entries
          // are in the updates seen since are done, at the index they landed at.
          for (Pending p : batch) {
            long at = landedAt(p.entries(), landed);
            if (at >= 0) {
              p.done().complete(at);
            }
          }
          if (batch.removeIf(p -> p.done().isDone())) {
            entries.clear();
            batch.forEach(p -> entries.addAll(p.entries()));
            if (batch.isEmpty()) {
              return;
            }
          }
        }
        TreeState next = state.copy();
        List<TreeState.Tile> tiles = new ArrayList<>();
        for (byte[] e : entries) {
          next.append(e, tiles);
        }
        next.partials(tiles);
        Checkpoint cp = Checkpoint.sign(origin, next.size(), next.root(), key);
        // No look before the leap: if another appender took seq + 1 since we last looked, the
        // conditional create says so, and we catch up then.
        try {
          write(store, TilePaths.update(seq + 1), new UpdateRecord(entries, cp.toNote()).encode());
        } catch (ObjectExistsException lost) {
          // Another appender took this sequence number: catch up and retry on top. But a store may
          // also refuse a key that holds no record (an S3 claim for other bytes whose writer
          // died): refused for refusalLimit with no record appearing, the append fails.
          long now = System.nanoTime();
          if (refusedAt != seq + 1) {
            refusedAt = seq + 1;
            refusedSince = now;
          } else if (now - refusedSince > refusalLimit.toNanos() && !exists(TilePaths.update(seq + 1))) {
            throw new IOException("the store refuses update record " + TilePaths.update(seq + 1) + " but has held none"
                + " for " + refusalLimit.toSeconds() + " s: " + lost.getMessage(), lost);
          }
          if (attempt > 0) {
            backOff(attempt);
          }
          continue;
        }
        long first = state.size();
        seq++;
        head = cp;
        state = next;
        complete(batch, first);
        // The appends are done: their entries are under a signed checkpoint in the store. The
        // update's tiles follow in the background, in update order (so an update whose tiles are
        // all written has every earlier one's too), at most MAX_TILE_UPDATES updates behind;
        // flush() waits for them.
        tileSlots.acquireUninterruptibly();
        tileChain = tileChain.thenRunAsync(() -> {
          try {
            if (unfinished.isEmpty()) {
              writeTiles(tiles);
              return;
            }
          } catch (IOException | RuntimeException e) {
            // written again, in order, by flush() or this instance's next update, or by
            // whoever opens the log next (the tiles are a function of the records)
          } finally {
            tileSlots.release();
          }
          unfinished.add(tiles);
        }, TILE_WRITERS);
        return;
      }
    } catch (IOException | RuntimeException | Error e) {
      failed = true; // the next commit looks at the store first: this one may have landed
      uncertain = Math.max(uncertain, seq + 1);
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  private static void complete(List<Pending> batch, long first) {
    for (Pending p : batch) {
      p.done().complete(first);
      first += p.entries().size();
    }
  }

  private static void backOff(int attempt) throws IOException {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1 + Math.min(50, 1L << Math.min(attempt, 6))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while appending to the ledger");
    }
  }

  /** Brings {@link #state} to the newest update in the store, completing any unfinished one. */
  private void sync() throws IOException {
    sync(null);
  }

  /**
   * As {@link #sync()}; when {@code seen} is not null, records there the index of every entry of the
   * updates newly seen up to {@link #uncertain} (and reads those one by one, never jumping past them).
   */
  private void sync(Map<java.nio.ByteBuffer, Long> seen) throws IOException {
    if (state == null) {
      load();
    }
    for (int steps = 1; exists(TilePaths.update(seq + 1)); steps++) {
      if (steps % CATCH_UP == 0 && (seen == null || seq >= uncertain)) {
        if (key == null) {
          break; // a reader does not chase busy appenders: this checkpoint is recent enough
        }
        load(); // far behind (appenders are quicker than reading their records): jump
        continue;
      }
      UpdateRecord r = readRecord(seq + 1);
      long first = state.size();
      if (!apply(seq + 1, r)) {
        break; // a reader stops at the newest update whose tiles are all written
      }
      if (seen != null && seq <= uncertain) {
        for (int i = 0; i < r.entries().size(); i++) {
          seen.put(java.nio.ByteBuffer.wrap(r.entries().get(i)), first + i);
        }
      }
    }
  }

  /** Where {@code entries} landed, contiguously, among {@code seen}; -1 if they did not. */
  private static long landedAt(List<byte[]> entries, Map<java.nio.ByteBuffer, Long> seen) {
    Long first = seen.get(java.nio.ByteBuffer.wrap(entries.get(0)));
    if (first == null) {
      return -1;
    }
    for (int i = 1; i < entries.size(); i++) {
      if (!Long.valueOf(first + i).equals(seen.get(java.nio.ByteBuffer.wrap(entries.get(i))))) {
        return -1;
      }
    }
    return first;
  }

  /** First use: the newest update whose tiles are complete, then every later one rolled forward. */
  private void load() throws IOException {
    long newest = findNewest();
    for (long s = newest; s >= 0; s--) {
      Checkpoint cp = Checkpoint.parse(readRecord(s).checkpointNote(), publicKey);
      TreeState loaded = loadPartials(cp.size());
      if (loaded != null) {
        if (!Arrays.equals(loaded.root(), cp.rootHash())) {
          throw new LedgerFormatException("the tiles at size " + cp.size() + " do not match its signed checkpoint"
              + " (custody ledger verify locates the damage)");
        }
        seq = s;
        head = cp;
        state = loaded;
        for (long n = s + 1; n <= newest && apply(n, readRecord(n)); n++) {
          // rolled forward (an appender), or not (a reader: stops at the newest complete update)
        }
        return;
      }
    }
    throw new LedgerFormatException("the ledger has no first update");
  }

  /** The newest sequence number in the store: exponential then binary search on update records. */
  private long findNewest() throws IOException {
    long lo = seq < 0 ? 0 : seq;
    if (!exists(TilePaths.update(lo))) {
      throw new NoSuchObjectException("no ledger in " + store.uri());
    }
    long step = 1;
    long hi;
    while (true) {
      long probe = lo + step;
      if (exists(TilePaths.update(probe))) {
        lo = probe;
        step *= 2;
      } else {
        hi = probe;
        break;
      }
    }
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (exists(TilePaths.update(mid))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private TreeState loadPartials(long size) throws IOException {
    List<byte[]> objects = new ArrayList<>();
    for (String k : TreeState.partialKeys(size)) {
      try {
        objects.add(read(store, k, 1 << 24));
      } catch (NoSuchObjectException e) {
        return null;
      }
    }
    return TreeState.fromPartials(size, objects);
  }

  /** Applies update {@code n} (another appender's, or one whose writer died) on top of {@link #state}. */
  /**
   * Applies update {@code n} on top of {@link #state}: true if applied. An appender completes the
   * tiles of an update whose writer stopped before them (or is still writing them: the same bytes);
   * a reader, which may not write, leaves such an update for later and returns false.
   */
  private boolean apply(long n, UpdateRecord r) throws IOException {
    Checkpoint cp = Checkpoint.parse(r.checkpointNote(), publicKey);
    TreeState next = state.copy();
    List<TreeState.Tile> tiles = new ArrayList<>();
    for (byte[] e : r.entries()) {
      next.append(e, tiles);
    }
    next.partials(tiles);
    if (cp.size() != next.size() || !Arrays.equals(cp.rootHash(), next.root())) {
      throw new LedgerFormatException("update " + n + " does not extend the tree of size " + state.size()
          + " to its signed checkpoint (custody ledger verify locates the damage)");
    }
    if (!tiles.isEmpty() && !exists(tiles.get(tiles.size() - 1).key())) {
      if (key == null) {
        return false;
      }
      writeTiles(tiles); // its writer stopped before the tiles: complete them (same bytes)
    }
    seq = n;
    head = cp;
    state = next;
    return true;
  }

  /**
   * Creates an update's tiles, at once (they are independent; on a remote store each is a round
   * trip), the partial bundle last: its presence says the update is complete.
   */
  private void writeTiles(List<TreeState.Tile> tiles) throws IOException {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (TreeState.Tile t : tiles.subList(0, tiles.size() - 1)) {
      writes.add(CompletableFuture.runAsync(() -> {
        try {
          writeTile(t);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, TILE_WRITERS));
    }
    try {
      CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      throw e;
    }
    writeTile(tiles.get(tiles.size() - 1));
  }

  private void writeTile(TreeState.Tile t) throws IOException {
    try {
      write(store, t.key(), t.bytes());
    } catch (ObjectExistsException e) {
      throw new LedgerFormatException(t.key() + " holds other bytes than the log's entries give"
          + " (custody ledger verify locates the damage)");
    }
  }

  /** Daemon threads for tile writes, shared by every ledger of the process. */
  private static final java.util.concurrent.Executor TILE_WRITERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "custody-ledger-tiles");
    t.setDaemon(true);
    return t;
  });

  private UpdateRecord readRecord(long n) throws IOException {
    return UpdateRecord.decode(read(store, TilePaths.update(n), MAX_RECORD));
  }

  private boolean exists(String k) throws IOException {
    return store.stat(k).isPresent();
  }

  static void write(BlobStore store, String k, byte[] bytes) throws IOException {
    try (BlobWriter w = store.create(k, CreateOptions.defaults())) {
      w.write(bytes, 0, bytes.length);
      w.commit();
    }
  }

  static byte[] read(BlobStore store, String k, int max) throws IOException {
    try (InputStream in = store.read(k)) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new LedgerFormatException(k + " is larger than " + max + " bytes");
      }
      return b;
    }
  }

  /**
   * Has {@code tsa} time-stamp the newest checkpoint (RFC 3161, over the checkpoint note's bytes) and
   * stores the token beside it, {@code log/<N>.tsr}, unless it has one already. A force runs this
   * after appends, or on a timer: the authority's time bounds when every entry under the checkpoint
   * existed, whatever the nodes' clocks said.
   *
   * @return the checkpoint and the authority's time
   */
  public TimestampedCheckpoint timestampNewest(TimestampAuthority tsa) throws IOException, TimestampException {
    flush();
    long n;
    Checkpoint cp;
    lock.lock();
    try {
      sync();
      n = seq;
      cp = head;
    } finally {
      lock.unlock();
    }
    byte[] note = cp.toNote().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String key = TilePaths.timestamp(n);
    if (exists(key)) {
      byte[] token = read(store, key, TimestampAuthority.MAX_RESPONSE_BYTES);
      return new TimestampedCheckpoint(cp, TimestampAuthority.verify(token, note, tsa.certificate()));
    }
    byte[] token = tsa.timestamp(note);
    try {
      write(store, key, token);
    } catch (ObjectExistsException raced) { // another node time-stamped it meanwhile: theirs stands
      token = read(store, key, TimestampAuthority.MAX_RESPONSE_BYTES);
    }
    return new TimestampedCheckpoint(cp, TimestampAuthority.verify(token, note, tsa.certificate()));
  }

  /**
   * A checkpoint and the time an RFC 3161 authority put on it.
   *
   * @param checkpoint the checkpoint
   * @param time the authority's time (genTime)
   */
  public record TimestampedCheckpoint(Checkpoint checkpoint, java.time.Instant time) {}

  // ---- reading and proving ----

  /** The entries {@code [from, to)} of the tree under {@code at}. */
  public List<LedgerEntry> entries(long from, long to, Checkpoint at) throws IOException {
    flush();
    if (from < 0 || to > at.size() || from > to) {
      throw new IndexOutOfBoundsException("entries [" + from + ", " + to + ") of a tree of " + at.size());
    }
    List<LedgerEntry> out = new ArrayList<>();
    for (long n = from / TilePaths.WIDTH; n * TilePaths.WIDTH < to; n++) {
      List<byte[]> bundle = bundle(n, at.size());
      for (int i = 0; i < bundle.size(); i++) {
        long index = n * TilePaths.WIDTH + i;
        if (index >= from && index < to) {
          out.add(LedgerEntry.parse(bundle.get(i)));
        }
      }
    }
    return out;
  }

  private List<byte[]> bundle(long n, long size) throws IOException {
    int width = (int) Math.min(TilePaths.WIDTH, size - n * TilePaths.WIDTH);
    return Bundles.decode(read(store, TilePaths.bundle(n, width), 1 << 24), width);
  }

  /** Proves entry {@code index} under checkpoint {@code at} (checked before it is returned). */
  public InclusionProof proveInclusion(long index, Checkpoint at) throws IOException {
    flush();
    if (index < 0 || index >= at.size()) {
      throw new IndexOutOfBoundsException("entry " + index + " of a tree of " + at.size());
    }
    Hashes h = new Hashes(at.size());
    List<byte[]> path = new ArrayList<>();
    h.path(index, 0, at.size(), path);
    byte[] entry = bundle(index / TilePaths.WIDTH, at.size()).get((int) (index % TilePaths.WIDTH));
    return InclusionProof.of(index, entry, path, at);
  }

  /** Proves that {@code newer} extends {@code older} (checked before it is returned). */
  public ConsistencyProof proveConsistency(Checkpoint older, Checkpoint newer) throws IOException {
    flush();
    if (older.size() > newer.size()) {
      throw new IllegalArgumentException("the older checkpoint is the larger tree");
    }
    List<byte[]> proof = new ArrayList<>();
    if (older.size() > 0 && older.size() < newer.size()) {
      new Hashes(newer.size()).subproof(older.size(), 0, newer.size(), true, proof);
    }
    return ConsistencyProof.of(older, newer, proof);
  }

  /** Merkle tree hashes of the tree of one size, read from its tiles. */
  private final class Hashes {
    private final long size;
    private final Map<String, byte[]> tiles = new HashMap<>();

    Hashes(long size) {
      this.size = size;
    }

    /** RFC 9162 PATH(m, D[lo:hi]), appended leaf to root. */
    void path(long m, long lo, long hi, List<byte[]> out) throws IOException {
      long n = hi - lo;
      if (n == 1) {
        return;
      }
      long k = Merkle.split(n);
      if (m - lo < k) {
        path(m, lo, lo + k, out);
        out.add(mth(lo + k, hi));
      } else {
        path(m, lo + k, hi, out);
        out.add(mth(lo, lo + k));
      }
    }

    /** RFC 9162 SUBPROOF(m, D[lo:hi], b). */
    void subproof(long m, long lo, long hi, boolean b, List<byte[]> out) throws IOException {
      long n = hi - lo;
      if (m == n) {
        if (!b) {
          out.add(mth(lo, hi));
        }
        return;
      }
      long k = Merkle.split(n);
      if (m <= k) {
        subproof(m, lo, lo + k, b, out);
        out.add(mth(lo + k, hi));
      } else {
        subproof(m - k, lo + k, hi, false, out);
        out.add(mth(lo, lo + k));
      }
    }

    /** MTH(D[lo:hi]). */
    byte[] mth(long lo, long hi) throws IOException {
      long n = hi - lo;
      if (Long.bitCount(n) == 1 && lo % n == 0) {
        return subtree(Long.numberOfTrailingZeros(n), lo / n);
      }
      long k = Merkle.split(n);
      return Merkle.nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    }

    /** The hash of the complete subtree of height {@code height} at {@code index}, from the tiles. */
    private byte[] subtree(int height, long index) throws IOException {
      int level = height / 8;
      int within = height % 8;
      long first = index << within;
      long hashesAtLevel = size >>> (8 * level);
      long n = first / TilePaths.WIDTH;
      int width = (int) Math.min(TilePaths.WIDTH, hashesAtLevel - n * TilePaths.WIDTH);
      String k = TilePaths.tile(level, n, width);
      byte[] tile = tiles.get(k);
      if (tile == null) {
        tile = read(store, k, TilePaths.WIDTH * Merkle.HASH);
        if (tile.length != width * Merkle.HASH) {
          throw new LedgerFormatException(k + " holds " + tile.length + " bytes, not " + width * Merkle.HASH);
        }
        tiles.put(k, tile);
      }
      List<byte[]> hs = new ArrayList<>();
      int from = (int) (first % TilePaths.WIDTH);
      for (int i = 0; i < (1 << within); i++) {
        hs.add(Arrays.copyOfRange(tile, (from + i) * Merkle.HASH, (from + i + 1) * Merkle.HASH));
      }
      return Merkle.perfect(hs, 0, 1 << within);
    }
  }
}
