package io.custody.ledger;

import io.custody.ledger.LedgerReport.Kind;
import io.custody.ledger.LedgerReport.Problem;
import io.custody.storage.BlobStore;
import io.custody.storage.NoSuchObjectException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Verifies a whole log from the store with the ledger public key alone: every update record's
 * signed checkpoint, every entry against it, and every hash tile and entry bundle the log must hold
 * (byte for byte what the entries give). Given a checkpoint seen earlier, it also checks that the
 * log extends it ({@code docs/LEDGER.md} §6).
 */
public final class LedgerVerifier {
  private final BlobStore store;
  private final LedgerPublicKey key;
  private final java.security.cert.X509Certificate tsa;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Ledger.TimestampedCheckpoint> timestamps = new ArrayList<>();

  private LedgerVerifier(BlobStore store, LedgerPublicKey key, java.security.cert.X509Certificate tsa) {
    this.store = store;
    this.key = key;
    this.tsa = tsa;
  }

  /**
   * Verifies the log in {@code store}.
   *
   * @param since a checkpoint of this log seen earlier (already checked against {@code key}), which
   *     the log must extend
   * @throws IOException if the store cannot be read (not damage: damage is in the report)
   */
  public static LedgerReport verify(BlobStore store, LedgerPublicKey key, Optional<Checkpoint> since) throws IOException {
    return new LedgerVerifier(store, key, null).run(since);
  }

  /**
   * As {@link #verify(BlobStore, LedgerPublicKey, Optional)}, and checks every checkpoint's RFC 3161
   * time-stamp token ({@code log/<N>.tsr}) against the authority's certificate.
   */
  public static LedgerReport verify(BlobStore store, LedgerPublicKey key, Optional<Checkpoint> since,
      java.security.cert.X509Certificate timestampAuthority) throws IOException {
    return new LedgerVerifier(store, key, timestampAuthority).run(since);
  }

  private LedgerReport run(Optional<Checkpoint> since) throws IOException {
    TreeState state = TreeState.empty();
    Checkpoint head;
    try {
      UpdateRecord r0 = UpdateRecord.decode(Ledger.read(store, TilePaths.update(0), 1 << 20));
      head = Checkpoint.parse(r0.checkpointNote(), key);
      if (head.size() != 0) {
        throw new LedgerFormatException("the first update is not the empty tree");
      }
    } catch (NoSuchObjectException e) {
      throw new NoSuchObjectException("no ledger in " + store.uri());
    } catch (LedgerFormatException e) {
      problems.add(new Problem(Kind.CHECKPOINT_INVALID, TilePaths.update(0), OptionalLong.empty(), e.getMessage()));
      return new LedgerReport("?", 0, Optional.empty(), problems, timestamps);
    }
    String origin = head.origin();
    if (since.isPresent() && !since.get().origin().equals(origin)) {
      problems.add(new Problem(Kind.FORK, "checkpoint", OptionalLong.empty(),
          "the earlier checkpoint is of another log: " + since.get().origin()));
    }
    boolean sinceChecked = since.isEmpty() || since.get().size() == 0;
    if (since.isPresent() && since.get().size() == 0 && !Arrays.equals(since.get().rootHash(), Merkle.emptyRoot())) {
      problems.add(fork(since.get()));
    }
    Set<String> expected = new HashSet<>();
    java.util.ArrayDeque<java.util.concurrent.Future<List<Problem>>> pending = new java.util.ArrayDeque<>();
    expected.add(TilePaths.update(0));
    long seq = 0;
    while (true) {
      String k = TilePaths.update(seq + 1);
      if (store.stat(k).isEmpty()) {
        break;
      }
      seq++;
      expected.add(k);
      UpdateRecord r;
      Checkpoint cp;
      try {
        r = UpdateRecord.decode(Ledger.read(store, k, 64 << 20));
        cp = Checkpoint.parse(r.checkpointNote(), key);
        if (!cp.origin().equals(origin)) {
          throw new LedgerFormatException("a checkpoint of another log: " + cp.origin());
        }
      } catch (LedgerFormatException e) {
        pending.add(done(new Problem(Kind.CHECKPOINT_INVALID, k, OptionalLong.of(state.size()), e.getMessage())));
        break;
      }
      TreeState next = state.copy();
      List<TreeState.Tile> tiles = new ArrayList<>();
      for (byte[] e : r.entries()) {
        long index = next.size();
        try {
          LedgerEntry.parse(e);
        } catch (LedgerFormatException bad) {
          pending.add(done(new Problem(Kind.ENTRY_MALFORMED, k, OptionalLong.of(index), bad.getMessage())));
        }
        next.append(e, tiles);
        if (!sinceChecked && next.size() == since.get().size()) {
          sinceChecked = true;
          if (!Arrays.equals(next.root(), since.get().rootHash())) {
            pending.add(done(fork(since.get())));
          }
        }
      }
      next.partials(tiles);
      if (cp.size() != next.size() || !Arrays.equals(cp.rootHash(), next.root())) {
        pending.add(done(new Problem(Kind.UPDATE_MISMATCH, k, OptionalLong.of(state.size()), "entries "
            + state.size() + " to " + (next.size() - 1) + " do not give the update's signed checkpoint (size "
            + cp.size() + ")" + locate(r.entries(), state.size()))));
        break;
      }
      for (TreeState.Tile t : tiles) {
        expected.add(t.key());
        long size = cp.size();
        pending.add(READERS.submit(() -> compare(t, size)));
      }
      if (pending.size() > 512) {
        collect(pending, 256);
      }
      expected.add(TilePaths.timestamp(seq));
      if (tsa != null) {
        long n = seq;
        Checkpoint c = cp;
        pending.add(READERS.submit(() -> checkTimestamp(n, c)));
      }
      state = next;
      head = cp;
    }
    collect(pending, pending.size());
    if (!sinceChecked) {
      problems.add(new Problem(Kind.FORK, "checkpoint", OptionalLong.empty(), "the log has " + state.size()
          + " entries, fewer than the " + since.get().size() + " of the earlier checkpoint: entries removed, or a fork"));
    }
    for (java.util.Iterator<String> keys = store.listKeys("log/"); keys.hasNext(); ) {
      String k = keys.next();
      if (!expected.contains(k)) {
        problems.add(new Problem(Kind.UPDATE_MISSING, k, OptionalLong.empty(),
            "an update record beyond a gap in the sequence (update " + (seq + 1) + " is missing)"));
        break;
      }
    }
    timestamps.sort(java.util.Comparator.comparingLong(t -> t.checkpoint().size()));
    return new LedgerReport(origin, state.size(), Optional.of(head), problems, timestamps);
  }

  private List<Problem> checkTimestamp(long seq, Checkpoint cp) throws IOException {
    String k = TilePaths.timestamp(seq);
    byte[] token;
    try {
      token = Ledger.read(store, k, TimestampAuthority.MAX_RESPONSE_BYTES);
    } catch (NoSuchObjectException e) {
      return List.of(); // not every checkpoint is time-stamped
    }
    try {
      Ledger.TimestampedCheckpoint t = new Ledger.TimestampedCheckpoint(cp,
          TimestampAuthority.verify(token, cp.toNote().getBytes(java.nio.charset.StandardCharsets.UTF_8), tsa));
      synchronized (timestamps) {
        timestamps.add(t);
      }
      return List.of();
    } catch (TimestampException e) {
      return List.of(new Problem(Kind.TIMESTAMP_INVALID, k, OptionalLong.of(cp.size()), e.getMessage()));
    }
  }

  private static java.util.concurrent.Future<List<Problem>> done(Problem p) {
    return java.util.concurrent.CompletableFuture.completedFuture(List.of(p));
  }

  private static Problem fork(Checkpoint since) {
    return new Problem(Kind.FORK, "checkpoint", OptionalLong.of(since.size()), "the log does not extend the earlier "
        + since + ": at that size its root differs (a fork, or history rewritten)");
  }

  /** Tiles are read and compared 16 at a time: on a remote store each read is a round trip. */
  private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newFixedThreadPool(16, r -> {
    Thread t = new Thread(r, "custody-ledger-verify");
    t.setDaemon(true);
    return t;
  });

  /** Adds the problems of the first {@code n} comparisons, in the order they were started. */
  private void collect(java.util.ArrayDeque<java.util.concurrent.Future<List<Problem>>> pending, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try {
        problems.addAll(pending.poll().get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while verifying the ledger");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw new IOException(io.getMessage(), io);
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** Names the entries of a mismatching update whose leaf hash differs from the level-0 tiles. */
  private String locate(List<byte[]> entries, long first) throws IOException {
    List<Long> changed = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      long index = first + i;
      byte[] leaf = leafFromTiles(index, first + entries.size());
      if (leaf != null && !Arrays.equals(leaf, Merkle.leafHash(entries.get(i)))) {
        changed.add(index);
      }
    }
    return changed.isEmpty() ? "" : "; entries whose hash differs from the level-0 tile: " + changed;
  }

  private byte[] leafFromTiles(long index, long size) throws IOException {
    long n = index / TilePaths.WIDTH;
    int width = (int) Math.min(TilePaths.WIDTH, size - n * TilePaths.WIDTH);
    try {
      byte[] tile = Ledger.read(store, TilePaths.tile(0, n, width), TilePaths.WIDTH * Merkle.HASH);
      int at = (int) (index % TilePaths.WIDTH) * Merkle.HASH;
      return tile.length >= at + Merkle.HASH ? Arrays.copyOfRange(tile, at, at + Merkle.HASH) : null;
    } catch (NoSuchObjectException e) {
      return null;
    }
  }

  /** What is wrong with the stored copy of {@code t} (nothing: an empty list). */
  private List<Problem> compare(TreeState.Tile t, long size) throws IOException {
    List<Problem> problems = new ArrayList<>();
    byte[] stored;
    try {
      stored = Ledger.read(store, t.key(), 1 << 24);
    } catch (NoSuchObjectException e) {
      problems.add(new Problem(Kind.TILE_MISSING, t.key(), OptionalLong.empty(), "missing (the log at size " + size
          + " needs it)"));
      return problems;
    }
    if (Arrays.equals(stored, t.bytes())) {
      return problems;
    }
    if (t.key().startsWith("tile/entries/")) {
      long first = bundleIndex(t.key()) * TilePaths.WIDTH;
      List<byte[]> want = Bundles.decode(t.bytes(), count(t.key()));
      List<byte[]> got;
      try {
        got = Bundles.decode(stored, want.size());
      } catch (LedgerFormatException e) {
        problems.add(new Problem(Kind.ENTRY_CHANGED, t.key(), OptionalLong.of(first), "the bundle is damaged: " + e.getMessage()));
        return problems;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!Arrays.equals(want.get(i), got.get(i))) {
          problems.add(new Problem(Kind.ENTRY_CHANGED, t.key(), OptionalLong.of(first + i),
              "the entry differs from the one the signed log holds"));
        }
      }
      return problems;
    }
    int at = 0;
    while (at < Math.min(stored.length, t.bytes().length) && stored[at] == t.bytes()[at]) {
      at++;
    }
    problems.add(new Problem(Kind.TILE_CHANGED, t.key(), OptionalLong.empty(), "differs from the signed log from byte " + at
        + (t.key().startsWith("tile/0/") ? " (the leaf hash of entry " + (bundleIndex(t.key()) * TilePaths.WIDTH + at / Merkle.HASH) + ")" : "")));
    return problems;
  }

  private static long bundleIndex(String key) {
    String rest = key.substring(key.startsWith("tile/entries/") ? "tile/entries/".length() : key.indexOf('/', 5) + 1);
    int p = rest.indexOf(".p/");
    if (p >= 0) {
      rest = rest.substring(0, p);
    }
    return Long.parseLong(rest.replace("x", "").replace("/", ""));
  }

  private static int count(String key) {
    int p = key.indexOf(".p/");
    return p < 0 ? TilePaths.WIDTH : Integer.parseInt(key.substring(p + 3));
  }
}
