package io.custody.cli;

import io.custody.upload.UploadReport;
import io.custody.upload.Uploader;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code custody record} into a store that is not a local directory: segments are sealed into a
 * local spool (a file: store) and uploaded from there while recording goes on, each released from
 * the spool once read back and verified in the store. A crash leaves the spool as any camera's
 * flash: {@code recover} and {@code upload} finish the job.
 */
final class SpoolUpload implements AutoCloseable {
  private final BlobStore spool;
  private final Path spoolDir;
  private final BlobStore destination;
  private final Uploader uploader;
  private final ExecutorService background;
  private int uploaded;
  private int alreadyThere;
  private int released;
  private long bytes;

  private SpoolUpload(Path spoolDir, BlobStore spool, BlobStore destination) {
    this.spoolDir = spoolDir;
    this.spool = spool;
    this.destination = destination;
    this.uploader = spool == null ? null : Uploader.builder(spool, destination).deleteSourceAfterVerify(true).build();
    this.background = spool == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "custody-record-upload");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * For a file: store, nothing to do (the segments are sealed into it directly); for any other,
   * opens it (checking that it answers, so a missing store fails before recording starts) and the
   * spool.
   */
  static SpoolUpload to(StoreRef ref, Path spoolDir) throws IOException {
    if (ref.directory().isPresent()) {
      return new SpoolUpload(null, null, null);
    }
    BlobStore destination = ref.open();
    try {
      destination.list("", Optional.empty(), 1);
      Files.createDirectories(spoolDir);
      return new SpoolUpload(spoolDir, Storage.open(spoolDir.toAbsolutePath().toUri()), destination);
    } catch (IOException | RuntimeException e) {
      destination.close();
      throw new IOException("cannot use the store " + ref.store + ": " + e.getMessage(), e);
    }
  }

  /**
   * A segment of the recording was sealed: upload what the spool holds of it, in the background.
   * A background pass that fails loses nothing: its segments stay in the spool, and {@link
   * #finish} uploads every recording again and reports what fails; so its Future is not kept.
   */
  @SuppressWarnings("FutureReturnValueIgnored")
  void segmentClosed(String recordingId) {
    if (background != null) {
      background.submit(() -> {
        add(uploader.run(recordingId + "/"));
        return null;
      });
    }
  }

  private synchronized void add(UploadReport r) {
    uploaded += r.uploaded();
    alreadyThere += r.alreadyThere();
    released += r.sourceDeleted();
    bytes += r.bytes();
  }

  /**
   * After the recorder closed: waits for the background uploads, then uploads what is left of
   * these recordings. Empty for a file: store.
   */
  Optional<UploadReport> finish(List<String> recordingIds) throws IOException, InterruptedException {
    if (background == null) {
      return Optional.empty();
    }
    background.shutdown();
    while (!background.awaitTermination(1, TimeUnit.SECONDS)) {
      // uploads in flight; a bounded wait per round keeps an interrupt prompt
    }
    Map<String, String> failed = new HashMap<>();
    for (String id : recordingIds) {
      UploadReport r = uploader.run(id + "/");
      add(r);
      failed.putAll(r.failed());
      if (r.failed().isEmpty()) {
        try {
          Files.deleteIfExists(spoolDir.resolve(id)); // the recording's directory, once emptied
        } catch (java.nio.file.DirectoryNotEmptyException e) {
          // something is left in it (an unfinished segment): it stays for recover and upload
        }
      }
    }
    synchronized (this) {
      return Optional.of(new UploadReport(uploaded, alreadyThere, released, failed, bytes));
    }
  }

  @Override
  public void close() throws IOException {
    if (background != null) {
      background.shutdownNow();
      try {
        spool.close();
      } finally {
        destination.close();
      }
    }
  }
}
