package io.custody.cli;

import io.custody.ledger.Checkpoint;
import io.custody.ledger.EntryType;
import io.custody.ledger.Ledger;
import io.custody.ledger.LedgerEntry;
import io.custody.ledger.LedgerKey;
import io.custody.storage.BlobStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --ledger LEDGER_URI --ledger-key FILE --actor NAME [--reason TEXT]}: the commands that
 * touch evidence (upload, verify, export) record what they did in the custody ledger.
 */
final class LedgerOptions {
  @Option(names = "--ledger", paramLabel = "LEDGER_URI",
      description = "Record this in the custody ledger at LEDGER_URI (made by 'custody ledger init').")
  String ledger;

  @Option(names = "--ledger-key", paramLabel = "FILE", description = "The ledger's Ed25519 private key (PEM); with --ledger.")
  Path ledgerKey;

  @Option(names = "--actor", paramLabel = "NAME", description = "Who does this (recorded in the ledger); with --ledger.")
  String actor;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (a case or request reference; recorded in the ledger).")
  String reason;

  /** An open ledger and its store; close it when the command ends. */
  static final class Open implements Closeable {
    private final BlobStore store;
    private final Ledger ledger;
    private final LedgerOptions options;

    private Open(BlobStore store, Ledger ledger, LedgerOptions options) {
      this.store = store;
      this.ledger = ledger;
      this.options = options;
    }

    /** An entry of {@code type} about {@code recording}, with the actor, reason and this node. */
    LedgerEntry.Builder entry(EntryType type, String recording) {
      return LedgerEntry.builder(type).actor(options.actor).reason(options.reason).node(node()).recording(recording);
    }

    /** Appends the entries in one tree update; returns the first index. */
    long append(List<LedgerEntry> entries) throws IOException {
      return ledger.appendAll(entries);
    }

    /**
     * Appends {@code entries} in one tree update and proves each under the newest checkpoint: the
     * {@code ledger} member of a C2PA manifest's Custody assertion (docs/C2PA.md): the log's origin,
     * the entry's index, and its C2SP tlog-proof (the entry and the signed checkpoint with it),
     * checkable offline with the ledger's public key alone.
     */
    List<Map<String, Object>> appendProven(List<LedgerEntry> entries) throws IOException {
      long first = ledger.appendAll(entries);
      Checkpoint at = ledger.checkpoint();
      List<Map<String, Object>> proofs = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", ledger.origin());
        m.put("index", first + i);
        m.put("proof", ledger.proveInclusion(first + i, at).toText());
        proofs.add(m);
      }
      return proofs;
    }

    /** Entries in the log under its newest checkpoint. */
    long size() throws IOException {
      return ledger.checkpoint().size();
    }

    /** Entries {@code from} to {@code to} (exclusive), checked against the newest checkpoint. */
    List<LedgerEntry> entries(long from, long to) throws IOException {
      return from >= to ? List.of() : ledger.entries(from, to, ledger.checkpoint());
    }

    /**
     * When each segment reached the force, by "RECORDING/SEGMENT": the earliest INGESTED entry
     * about it, under the newest checkpoint.
     */
    Map<String, java.time.Instant> ingested() throws IOException {
      Checkpoint at = ledger.checkpoint();
      Map<String, java.time.Instant> times = new java.util.HashMap<>();
      for (LedgerEntry e : ledger.entries(0, at.size(), at)) {
        if (e.type() == EntryType.INGESTED && e.segmentIndex().isPresent()) {
          times.merge(e.recordingId() + "/" + e.segmentIndex().getAsLong(), e.time(),
              (a, b) -> a.isBefore(b) ? a : b);
        }
      }
      return times;
    }

    @Override
    public void close() throws IOException {
      try {
        ledger.close();
      } finally {
        store.close();
      }
    }
  }

  /**
   * Opens the ledger named by {@code --ledger}, before any work, so a wrong key or URI fails the
   * command before it does anything; null without {@code --ledger}.
   */
  Open open(CommandSpec spec) throws IOException {
    if (ledger == null) {
      if (ledgerKey != null || actor != null) {
        throw new ParameterException(spec.commandLine(), "--ledger-key and --actor go with --ledger");
      }
      return null;
    }
    if (ledgerKey == null || actor == null || actor.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--ledger needs --ledger-key FILE and --actor NAME");
    }
    LedgerKey key;
    try {
      key = LedgerKey.fromPem(Files.readString(ledgerKey));
    } catch (io.custody.crypto.KeyFormatException e) {
      throw new IllegalArgumentException("bad ledger key " + ledgerKey + ": " + e.getMessage());
    }
    BlobStore store = StoreRef.parse(ledger).open();
    try {
      return new Open(store, Ledger.open(store, key), this);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** This machine's name, as the ledger's {@code node}. */
  static String node() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
