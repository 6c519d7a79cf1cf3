package io.custody.cli;

import java.util.Locale;
import io.custody.json.Json;
import io.custody.upload.UploadListener;
import io.custody.upload.UploadProgress;
import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import io.custody.ledger.EntryType;
import io.custody.ledger.LedgerEntry;
import io.custody.seal.SegmentHeader;
import io.custody.seal.SegmentLayout;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.Retention;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody upload}: the resumable dock-side upload from a local store to the evidence store. */
@Command(name = "upload", mixinStandardHelpOptions = true,
    description = "Copies sealed recordings from SRC (a store, or STORE#ID) to DST, confirming every"
        + " segment's SHA-256 at the destination. Safe to kill and run again, or to run several at"
        + " once: nothing is uploaded twice and nothing is ever overwritten.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every segment is in DST, confirmed", "1:a segment could not be uploaded (retries"
        + " exhausted, or DST holds different bytes under its key)", "2:usage error"})
final class UploadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--concurrency", defaultValue = "4", description = "Segments uploaded at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--bandwidth", defaultValue = "0", paramLabel = "BYTES_PER_SECOND", description = "Upload rate cap (default: none).")
  long bandwidth;

  @Option(names = "--delete-local", description = "Release local copies once read back and verified at DST.")
  boolean deleteLocal;

  @Mixin ProgressOption progress;

  @Option(names = "--retain-days", paramLabel = "DAYS",
      description = "Put COMPLIANCE retention on every uploaded segment for this many days (the store must support retention, e.g. an S3 bucket with Object Lock).")
  Integer retainDays;

  @Option(names = "--retain-until", paramLabel = "INSTANT",
      description = "As --retain-days, to a fixed time (ISO 8601, e.g. 2033-01-01T00:00:00Z).")
  String retainUntil;

  @picocli.CommandLine.Mixin LedgerOptions ledgerOptions;

  @Parameters(index = "0", paramLabel = "SRC_URI")
  String source;

  @Parameters(index = "1", paramLabel = "DST_URI")
  String destination;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StoreRef src = StoreRef.parse(source);
    StoreRef dst = StoreRef.parse(destination);
    LedgerOptions.Open ledger = null;
    try (BlobStore from = src.open(); BlobStore to = dst.open()) {
      ledger = ledgerOptions.open(spec);
      Progress bar = progress.open(err);
      Map<String, Boolean> confirmed = new ConcurrentSkipListMap<>();
      Uploader.Builder builder = Uploader.builder(from, to);
      java.util.Optional<Retention> retention = retention();
      if (retention.isPresent() && !to.capabilities().retention()) {
        throw new IllegalArgumentException(dst.store + " cannot hold retention (for S3: a bucket with Object Lock);"
            + " nothing uploaded");
      }
      retention.ifPresent(builder::retention);
      UploadReport r = builder.concurrency(concurrency).bandwidth(bandwidth)
          .deleteSourceAfterVerify(deleteLocal)
          .listener(new UploadListener() {
            @Override
            public void uploaded(String key, long bytes, boolean alreadyThere) {
              confirmed.put(key, alreadyThere);
            }

            @Override
            public void progress(UploadProgress p) {
              synchronized (bar) {
                bar.update(String.format(java.util.Locale.ROOT, "%d/%d segments, %.1f MB, %.1f MB/s", p.segmentsDone(),
                    p.segmentsTotal(), p.bytesDone() / 1e6, p.bytesPerSecond() / 1e6),
                    p.segmentsTotal() > 0 ? (p.segmentsDone() + p.segmentsFailed()) / (double) p.segmentsTotal() : -1);
              }
            }
          })
          .build().run(src.recording.map(id -> id + "/").orElse(""));
      synchronized (bar) {
        bar.done();
      }
      if (ledger != null) {
        record(ledger, to, dst, confirmed, err);
      }
      if (json) {
        out.println(Json.object().put("complete", r.complete()).put("uploaded", r.uploaded())
            .put("already_there", r.alreadyThere()).put("local_released", r.sourceDeleted())
            .put("bytes", r.bytes()).put("failed", r.failed()).toString());
      } else {
        out.printf(Locale.ROOT, "%d uploaded, %d already there, %d failed%n", r.uploaded(), r.alreadyThere(), r.failed().size());
        r.failed().forEach((k, why) -> out.printf(Locale.ROOT, "  %s: %s%n", k, why));
      }
      out.flush();
      return r.complete() ? Main.OK : Main.BAD_INPUT;
    } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
      err.println("custody upload: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("custody upload: interrupted (run it again to resume)");
    } finally {
      if (ledger != null) {
        try {
          ledger.close();
        } catch (IOException e) {
          err.println("custody upload: closing the ledger's store: " + e.getMessage());
        }
      }
    }
    return Main.BAD_INPUT;
  }

  /**
   * INGESTED for every sealed segment confirmed in the destination (read back and verified by its
   * SHA-256), in one tree update: its header's SHA-256 from the destination's copy, and the
   * object's SHA-256 as the destination holds it.
   */
  private static void record(LedgerOptions.Open ledger, BlobStore to, StoreRef dst, Map<String, Boolean> confirmed,
      PrintWriter err) throws IOException {
    List<LedgerEntry> entries = new ArrayList<>();
    for (Map.Entry<String, Boolean> c : confirmed.entrySet()) {
      String key = c.getKey();
      if (!key.endsWith(".sealed")) {
        continue;
      }
      SegmentHeader header;
      try (InputStream in = to.read(key, 0, 1 << 16)) {
        header = SegmentLayout.read(in).header();
      }
      BlobInfo info = to.stat(key).orElseThrow(() -> new NoSuchObjectException(key + " vanished from " + dst));
      entries.add(ledger.entry(EntryType.INGESTED, header.recordingId()).segment(header.segmentIndex())
          .detail("header_sha256", header.sha256Hex()).detail("object_sha256", info.sha256().hex())
          .detail("store_uri", dst.store + (dst.store.toString().endsWith("/") ? "" : "/") + key)
          .detail("bytes", info.size()).detail("already_there", c.getValue()).build());
    }
    if (!entries.isEmpty()) {
      long first = ledger.append(entries);
      err.printf(Locale.ROOT, "ledger: INGESTED recorded as entries %d to %d%n", first, first + entries.size() - 1);
    }
  }

  private java.util.Optional<Retention> retention() {
    if (retainDays != null && retainUntil != null) {
      throw new IllegalArgumentException("give --retain-days or --retain-until, not both");
    }
    if (retainDays != null) {
      if (retainDays <= 0) {
        throw new IllegalArgumentException("--retain-days must be positive");
      }
      return java.util.Optional.of(Retention.compliance(Instant.now().plus(Duration.ofDays(retainDays))
          .truncatedTo(ChronoUnit.SECONDS)));
    }
    if (retainUntil != null) {
      try {
        return java.util.Optional.of(Retention.compliance(Instant.parse(retainUntil)));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("--retain-until is not an ISO 8601 instant: " + retainUntil);
      }
    }
    return java.util.Optional.empty();
  }
}
