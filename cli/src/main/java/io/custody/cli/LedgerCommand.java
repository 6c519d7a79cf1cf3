package io.custody.cli;

import io.custody.json.Json;
import io.custody.ledger.Checkpoint;
import io.custody.ledger.InclusionProof;
import io.custody.ledger.Ledger;
import io.custody.ledger.LedgerEntry;
import io.custody.ledger.LedgerFormatException;
import io.custody.ledger.LedgerKey;
import io.custody.ledger.LedgerPublicKey;
import io.custody.ledger.LedgerReport;
import io.custody.ledger.LedgerVerifier;
import io.custody.ledger.TimestampAuthority;
import io.custody.ledger.TimestampException;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody ledger ...}: the chain-of-custody ledger (docs/LEDGER.md). */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = "The chain-of-custody ledger: a signed, append-only Merkle log of every event about the evidence.",
    subcommands = {LedgerCommand.Init.class, LedgerReportCommand.class, LedgerCommand.Verify.class, LedgerCommand.Show.class,
        LedgerCommand.Prove.class, LedgerCommand.CheckProof.class, LedgerCommand.CheckpointCmd.class,
        LedgerCommand.Timestamp.class})
final class LedgerCommand {
  private LedgerCommand() {}

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  /** Runs a ledger command body, turning failures into one line on stderr and exit code 1. */
  interface Body {
    int run(PrintWriter out) throws IOException;
  }

  static int run(CommandSpec spec, String name, Body body) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      int code = body.run(spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return code;
    } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
      err.println("custody ledger " + name + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
  }

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Creates an empty log at LEDGER_URI.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:created", "1:a log exists there, or a bad key"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-key", required = true, paramLabel = "FILE", description = "The ledger's Ed25519 private key (PEM).")
    Path ledgerKey;

    @Option(names = "--origin", required = true, paramLabel = "NAME",
        description = "The log's name, e.g. evidence.example-police.uk/custody (no spaces or '+').")
    String origin;

    @Parameters(paramLabel = "LEDGER_URI")
    String uri;

    @Override
    public Integer call() {
      return run(spec, "init", out -> {
        LedgerKey key = LedgerKey.fromPem(read(ledgerKey));
        try (BlobStore store = StoreRef.parse(uri).open()) {
          Ledger.create(store, origin, key);
        }
        out.printf(Locale.ROOT, "created log %s at %s%nverifier key %s%n", origin, uri,
            key.publicKey().noteVerifierKey(origin));
        return Main.OK;
      });
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verifies the whole log with the ledger public key: every checkpoint, entry, tile and bundle."
          + " With --since, also that the log extends a checkpoint seen before (no fork, nothing removed).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the whole log verifies", "1:damage, a fork, or the log cannot be read", "2:usage error"})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-pub", required = true, paramLabel = "FILE", description = "The ledger's public key (PEM).")
    Path ledgerPub;

    @Option(names = "--since", paramLabel = "CHECKPOINT_FILE", description = "A checkpoint of this log seen earlier.")
    Path since;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--tsa-cert", paramLabel = "FILE",
        description = "The time-stamping authority's certificate (PEM): check every checkpoint's RFC 3161 token with it.")
    Path tsaCert;

    @Parameters(paramLabel = "LEDGER_URI")
    String uri;

    @Override
    public Integer call() {
      return run(spec, "verify", out -> {
        LedgerPublicKey key = LedgerPublicKey.fromPem(read(ledgerPub));
        Optional<Checkpoint> earlier = Optional.empty();
        if (since != null) {
          earlier = Optional.of(Checkpoint.parse(read(since), key));
        }
        LedgerReport r;
        try (BlobStore store = StoreRef.parse(uri).open()) {
          r = tsaCert == null ? LedgerVerifier.verify(store, key, earlier)
              : LedgerVerifier.verify(store, key, earlier, TimestampAuthority.certificateFromPem(read(tsaCert)));
        }
        if (json) {
          List<Object> problems = new ArrayList<>();
          for (LedgerReport.Problem p : r.problems()) {
            problems.add(Json.object().put("kind", p.kind().name()).put("object", p.object())
                .put("entry", p.entry().isPresent() ? p.entry().getAsLong() : null).put("message", p.message()));
          }
          List<Object> stamps = new ArrayList<>();
          r.timestamps().forEach(t -> stamps.add(Json.object().put("size", t.checkpoint().size()).put("time", t.time().toString())));
          out.println(Json.object().put("ok", r.valid()).put("origin", r.origin()).put("size", r.size())
              .put("checkpoint", r.checkpoint().map(Checkpoint::toNote).orElse(null)).put("problems", problems)
              .put("timestamps", stamps));
        } else {
          out.printf(Locale.ROOT, "log %s: %d entries, %s%n", r.origin(), r.size(), r.valid() ? "OK" : "FAILED");
          r.problems().forEach(p -> out.println("  " + p));
          if (!r.timestamps().isEmpty()) {
            Ledger.TimestampedCheckpoint last = r.timestamps().get(r.timestamps().size() - 1);
            out.printf(Locale.ROOT, "  %d checkpoint(s) time-stamped; the newest, of %d entries, at %s by the authority%n",
                r.timestamps().size(), last.checkpoint().size(), last.time());
          }
          if (since != null && r.valid()) {
            out.printf(Locale.ROOT, "  extends the checkpoint of size %d in %s%n", earlier.orElseThrow().size(), since);
          }
        }
        return r.valid() ? Main.OK : Main.BAD_INPUT;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Prints the custody history: every entry, or those about one recording, oldest first.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON array of entries (index, type, time, actor, recording_id, segment_index, ...).")
    boolean json;

    @Option(names = "--csv", description = "CSV (RFC 4180) with a header row.")
    boolean csv;

    @Option(names = "--ledger-pub", paramLabel = "FILE",
        description = "The ledger's public key (PEM); without it, the key of the log's first checkpoint is not checked"
            + " (use 'ledger verify' for proof).")
    Path ledgerPub;

    @Parameters(index = "0", paramLabel = "LEDGER_URI")
    String uri;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RECORDING_ID")
    String recording;

    @Override
    public Integer call() {
      if (json && csv) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json or --csv, not both");
      }
      return run(spec, "show", out -> {
        try (BlobStore store = StoreRef.parse(uri).open()) {
          History h = History.read(store, ledgerPub == null ? null : LedgerPublicKey.fromPem(read(ledgerPub)), recording);
          if (json) {
            List<Object> rows = new ArrayList<>();
            h.entries().forEach((i, e) -> rows.add(e.toMap(i)));
            out.println(Json.write(rows));
          } else if (csv) {
            out.print("index,type,time,actor,recording_id,segment_index,reason,node,details\r\n");
            h.entries().forEach((i, e) -> out.print(String.join(",", List.of(String.valueOf(i), e.type().name(),
                e.timeText(), csvField(e.actor()), csvField(e.recordingId()),
                e.segmentIndex().isPresent() ? String.valueOf(e.segmentIndex().getAsLong()) : "",
                csvField(e.reason().orElse("")), csvField(e.node().orElse("")), csvField(Json.write(e.details())))) + "\r\n"));
          } else {
            out.printf(Locale.ROOT, "log %s, checkpoint of %d entries%s%n", h.checkpoint().origin(), h.checkpoint().size(),
                recording == null ? "" : ", recording " + recording);
            h.entries().forEach((i, e) -> out.println(line(i, e)));
          }
        }
        return Main.OK;
      });
    }

    static String csvField(String s) {
      return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
  }

  static String line(long index, LedgerEntry e) {
    return String.format(Locale.ROOT, "%8d  %s  %-19s %s  %s%s%s", index, e.timeText(), e.type(), e.actor(),
        e.recordingId(), e.segmentIndex().isPresent() ? " segment " + e.segmentIndex().getAsLong() : "",
        e.reason().map(r -> "  (" + r + ")").orElse(""));
  }

  /** Every entry of the log (or about one recording), by index, under its newest checkpoint. */
  record History(Checkpoint checkpoint, Map<Long, LedgerEntry> entries) {
    static History read(BlobStore store, LedgerPublicKey key, String recording) throws IOException {
      Ledger ledger = key != null ? Ledger.open(store, key) : Ledger.openTrustingStoredKey(store);
      Checkpoint cp = ledger.checkpoint();
      Map<Long, LedgerEntry> m = new java.util.TreeMap<>();
      long chunk = 4096;
      for (long from = 0; from < cp.size(); from += chunk) {
        List<LedgerEntry> es = ledger.entries(from, Math.min(cp.size(), from + chunk), cp);
        for (int i = 0; i < es.size(); i++) {
          if (recording == null || recording.equals(es.get(i).recordingId())) {
            m.put(from + i, es.get(i));
          }
        }
      }
      return new History(cp, m);
    }
  }

  @Command(name = "prove", mixinStandardHelpOptions = true,
      description = "Writes a self-contained inclusion proof of entry INDEX under the newest checkpoint"
          + " (C2SP tlog-proof, with the entry), which 'ledger check-proof' checks offline.")
  static final class Prove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-pub", required = true, paramLabel = "FILE", description = "The ledger's public key (PEM).")
    Path ledgerPub;

    @Option(names = "-o", required = true, paramLabel = "PROOF", description = "The proof file to write (.tlog-proof).")
    Path output;

    @Parameters(index = "0", paramLabel = "LEDGER_URI")
    String uri;

    @Parameters(index = "1", paramLabel = "INDEX")
    long index;

    @Override
    public Integer call() {
      return run(spec, "prove", out -> {
        try (BlobStore store = StoreRef.parse(uri).open()) {
          Ledger ledger = Ledger.open(store, LedgerPublicKey.fromPem(read(ledgerPub)));
          InclusionProof p = ledger.proveInclusion(index, ledger.checkpoint());
          Files.writeString(output, p.toText(), StandardCharsets.UTF_8);
          out.printf(Locale.ROOT, "entry %d proven under the checkpoint of %d entries: %s%n", index, p.checkpoint().size(), output);
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "check-proof", mixinStandardHelpOptions = true,
      description = "Checks a proof file offline: the checkpoint's signature, the entry, and its path to the root.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the proof holds", "1:it does not, or cannot be read"})
  static final class CheckProof implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-pub", required = true, paramLabel = "FILE", description = "The ledger's public key (PEM).")
    Path ledgerPub;

    @Parameters(paramLabel = "PROOF")
    Path proof;

    @Override
    public Integer call() {
      return run(spec, "check-proof", out -> {
        InclusionProof p;
        try {
          p = InclusionProof.parse(read(proof), LedgerPublicKey.fromPem(read(ledgerPub)));
        } catch (LedgerFormatException e) {
          out.println("proof does NOT hold: " + e.getMessage());
          return Main.BAD_INPUT;
        }
        out.printf(Locale.ROOT, "proof holds: entry %d is in log %s under its signed checkpoint of %d entries%n%s%n",
            p.index(), p.checkpoint().origin(), p.checkpoint().size(), line(p.index(), p.entry()).strip());
        return Main.OK;
      });
    }
  }

  @Command(name = "timestamp", mixinStandardHelpOptions = true,
      description = "Has an RFC 3161 time-stamping authority time-stamp the newest checkpoint; the token is stored"
          + " beside it. Run it after appends or on a timer.")
  static final class Timestamp implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-pub", required = true, paramLabel = "FILE", description = "The ledger's public key (PEM).")
    Path ledgerPub;

    @Option(names = "--tsa", required = true, paramLabel = "URL", description = "The authority's RFC 3161 HTTP endpoint.")
    java.net.URI tsa;

    @Option(names = "--tsa-cert", required = true, paramLabel = "FILE", description = "The authority's certificate (PEM).")
    Path tsaCert;

    @Parameters(paramLabel = "LEDGER_URI")
    String uri;

    @Override
    public Integer call() {
      return run(spec, "timestamp", out -> {
        TimestampAuthority authority = TimestampAuthority.of(tsa, TimestampAuthority.certificateFromPem(read(tsaCert)));
        try (BlobStore store = StoreRef.parse(uri).open()) {
          Ledger.TimestampedCheckpoint t = Ledger.open(store, LedgerPublicKey.fromPem(read(ledgerPub))).timestampNewest(authority);
          out.printf(Locale.ROOT, "checkpoint of %d entries time-stamped at %s%n", t.checkpoint().size(), t.time());
        } catch (TimestampException e) {
          throw new IOException("the authority's answer does not hold: " + e.getMessage(), e);
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "checkpoint", mixinStandardHelpOptions = true,
      description = "Prints (or writes with -o) the log's newest signed checkpoint, e.g. to keep for a later 'verify --since'.")
  static final class CheckpointCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ledger-pub", required = true, paramLabel = "FILE", description = "The ledger's public key (PEM).")
    Path ledgerPub;

    @Option(names = "-o", paramLabel = "FILE", description = "Write it here instead of printing it.")
    Path output;

    @Parameters(paramLabel = "LEDGER_URI")
    String uri;

    @Override
    public Integer call() {
      return run(spec, "checkpoint", out -> {
        try (BlobStore store = StoreRef.parse(uri).open()) {
          Checkpoint cp = Ledger.open(store, LedgerPublicKey.fromPem(read(ledgerPub))).checkpoint();
          if (output != null) {
            Files.writeString(output, cp.toNote(), StandardCharsets.UTF_8);
          } else {
            out.print(cp.toNote());
          }
        }
        return Main.OK;
      });
    }
  }
}
