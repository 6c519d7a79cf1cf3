package io.custody.cli;

import io.custody.core.internal.Json;
import io.custody.core.upload.UploadListener;
import io.custody.core.upload.UploadProgress;
import io.custody.core.upload.UploadReport;
import io.custody.core.upload.Uploader;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
    try (BlobStore from = src.open(); BlobStore to = dst.open()) {
      UploadReport r = Uploader.builder(from, to).concurrency(concurrency).bandwidth(bandwidth)
          .deleteSourceAfterVerify(deleteLocal)
          .listener(new UploadListener() {
            @Override
            public void progress(UploadProgress p) {
              if (!json) {
                err.printf("\r%d/%d segments, %.1f/%.1f MB, %.1f MB/s", p.segmentsDone(), p.segmentsTotal(),
                    p.bytesDone() / 1e6, p.bytesTotal() / 1e6, p.bytesPerSecond() / 1e6);
                err.flush();
              }
            }
          })
          .build().run(src.recording.map(id -> id + "/").orElse(""));
      if (json) {
        out.println(Json.object().put("complete", r.complete()).put("uploaded", r.uploaded())
            .put("already_there", r.alreadyThere()).put("local_released", r.sourceDeleted())
            .put("bytes", r.bytes()).put("failed", r.failed()).toString());
      } else {
        err.println();
        out.printf("%d uploaded, %d already there, %d failed%n", r.uploaded(), r.alreadyThere(), r.failed().size());
        r.failed().forEach((k, why) -> out.printf("  %s: %s%n", k, why));
      }
      out.flush();
      return r.complete() ? Main.OK : Main.BAD_INPUT;
    } catch (IOException | IllegalArgumentException e) {
      err.println("custody upload: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("custody upload: interrupted (run it again to resume)");
    }
    return Main.BAD_INPUT;
  }
}
