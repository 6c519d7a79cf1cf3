package io.custody.benchmarks;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.h264.AvcDecoderConfigurationRecord;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.FragmentedMp4Writer;
import io.custody.mp4.RecordingInfo;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentInfo;
import io.custody.mp4.Trigger;
import io.custody.mp4.VideoTrackConfig;
import io.custody.seal.SealedSegmentWriter;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store of the issue-15 scale benchmark: many small recordings (one sealed segment each), made
 * in one process with the library's sealing API, so that listing and per-object reads dominate a
 * {@code custody verify} of the store ({@code benchmarks/run-scale-verify.sh}).
 *
 * <ul>
 *   <li>{@code generate [--count N] [--frames F] [--clip H264] [--threads T] KEYDIR STORE_DIR}: writes
 *       fixed test keys ({@code device.key}, {@code device.pub}, {@code recipient.key}, {@code
 *       recipient.pub}, PEM, derived from fixed seeds) into KEYDIR, then seals N recordings of the
 *       clip's first F access units (default 10,000 recordings of 30 frames, 1 s of the committed
 *       720p BWC clip: ~70 KB each) and stores each through the {@code file:} store ({@code
 *       fsync=false}: a benchmark fixture), so every object carries its SHA-256 as an uploaded one
 *       does. Each recording is complete: segment 0, the last of its recording.
 *   <li>{@code copy [--threads T] STORE_DIR DST_URI}: copies every object of the {@code file:} store
 *       into another store (e.g. {@code s3://BUCKET/PREFIX}, credentials and endpoint from the
 *       environment as {@code custody} takes them), create-if-absent with the source's SHA-256, T at
 *       once (default 16).
 * </ul>
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar
 * io.custody.benchmarks.SmallRecordings generate ...}. Prints one line of counts and rate.
 */
public final class SmallRecordings {
  private SmallRecordings() {}

  /**
   * Generates or copies a store; see the class documentation.
   *
   * @param args {@code generate ...} or {@code copy ...}
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage();
    }
    int count = 10_000;
    int frames = 30;
    int threads = -1;
    Path clip = Path.of("testdata/clips/bwc-720p30-baseline.h264");
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--frames" -> frames = Integer.parseInt(args[++i]);
        case "--clip" -> clip = Path.of(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> positional.add(args[i]);
      }
    }
    if (args[0].equals("generate") && positional.size() == 2) {
      generate(count, frames, clip, threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
          Path.of(positional.get(0)), Path.of(positional.get(1)));
    } else if (args[0].equals("copy") && positional.size() == 2) {
      copy(Path.of(positional.get(0)), URI.create(positional.get(1)), threads > 0 ? threads : 16);
    } else {
      usage();
    }
  }

  private static void usage() {
    System.err.println("usage: SmallRecordings generate [--count N] [--frames F] [--clip H264] [--threads T]"
        + " KEYDIR STORE_DIR | copy [--threads T] STORE_DIR DST_URI");
    System.exit(2);
  }

  /** A key derived from a fixed label: the same test keys on every machine. */
  private static byte[] seed(String label) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(
        ("custody scale benchmark " + label).getBytes(StandardCharsets.US_ASCII));
  }

  private static void generate(int count, int frames, Path clip, int threads, Path keyDir, Path storeDir)
      throws Exception {
    DeviceSigningKey device = DeviceSigningKey.fromSeed(seed("device"));
    RecipientPrivateKey recipientKey = RecipientPrivateKey.fromRaw(seed("recipient"));
    Files.createDirectories(keyDir);
    Files.writeString(keyDir.resolve("device.key"), device.toPem(), StandardCharsets.US_ASCII);
    Files.writeString(keyDir.resolve("device.pub"), device.publicKey().toPem(), StandardCharsets.US_ASCII);
    Files.writeString(keyDir.resolve("recipient.key"), recipientKey.toPem(), StandardCharsets.US_ASCII);
    Files.writeString(keyDir.resolve("recipient.pub"), recipientKey.publicKey().toPem(), StandardCharsets.US_ASCII);
    Signer signer = Ed25519.signer(device);
    List<RecipientPublicKey> recipients = List.of(recipientKey.publicKey());
    byte[] annexB = Files.readAllBytes(clip);
    int units = AccessUnitAssembler.readAll(annexB).size();
    if (frames < 1 || frames > units) {
      throw new IllegalArgumentException("--frames must be 1 to " + units + " for this clip: " + frames);
    }
    Fmp4Clip muxed = new Fmp4Clip(annexB, frames);

    Files.createDirectories(storeDir);
    long started = System.nanoTime();
    AtomicLong bytes = new AtomicLong();
    Instant base = Instant.parse("2026-01-01T08:00:00Z");
    try (BlobStore store = Storage.open(storeDir.toAbsolutePath().toUri(), Map.of("fsync", "false"))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          int step = threads;
          int n = count;
          done.add(pool.submit(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(256 * 1024);
            for (int i = first; i < n; i += step) {
              String id = UUID.nameUUIDFromBytes(("scale-" + i).getBytes(StandardCharsets.US_ASCII)).toString();
              Instant start = base.plusSeconds(i);
              RecordingInfo recording = new RecordingInfo(id, Trigger.button(), Optional.empty(), start, 0);
              SegmentDescriptor segment = new SegmentDescriptor(recording, 0, start, "CAM-SCALE", "PC-0001");
              buf.reset();
              SealedSegmentWriter w = SealedSegmentWriter.builder(signer, recipients)
                  .open(Channels.newChannel(buf), segment);
              w.init(muxed.init.duplicate());
              for (int f = 0; f < muxed.fragments.size(); f++) {
                w.fragment(muxed.fragments.get(f).duplicate(), muxed.infos.get(f));
              }
              w.end(muxed.end, true);
              byte[] sealed = buf.toByteArray();
              try (BlobWriter out = store.create(segment.key(".sealed"), CreateOptions.defaults())) {
                out.write(sealed, 0, sealed.length);
                out.commit();
              }
              bytes.addAndGet(sealed.length);
            }
            return null;
          }));
        }
        await(done);
      } finally {
        pool.shutdownNow();
      }
    }
    double s = (System.nanoTime() - started) / 1e9;
    System.out.printf(Locale.ROOT, "generated %d recordings (%d frames of %s each, %.1f KB sealed on average, %.1f MB)"
        + " into %s in %.1f s (%.0f recordings/s); keys in %s%n", count, frames, clip.getFileName(),
        bytes.get() / 1e3 / count, bytes.get() / 1e6, storeDir, s, count / s, keyDir);
  }

  private static void copy(Path storeDir, URI destination, int threads) throws Exception {
    long started = System.nanoTime();
    AtomicLong bytes = new AtomicLong();
    int n = 0;
    try (BlobStore src = Storage.open(storeDir.toAbsolutePath().toUri(), Map.of("fsync", "false"));
        BlobStore dst = Storage.open(destination)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (Iterator<BlobInfo> it = src.listAll(""); it.hasNext(); n++) {
          BlobInfo info = it.next();
          done.add(pool.submit(() -> {
            byte[] data;
            try (InputStream in = src.read(info.key())) {
              data = in.readAllBytes();
            }
            try (BlobWriter out = dst.create(info.key(), CreateOptions.defaults().withExpectedSha256(info.sha256()))) {
              out.write(data, 0, data.length);
              out.commit();
            }
            bytes.addAndGet(data.length);
            return null;
          }));
        }
        await(done);
      } finally {
        pool.shutdownNow();
      }
    }
    double s = (System.nanoTime() - started) / 1e9;
    System.out.printf(Locale.ROOT, "copied %d objects (%.1f MB) to %s in %.1f s (%.0f objects/s, %d at once)%n", n,
        bytes.get() / 1e6, destination, s, n / s, threads);
  }

  private static void await(List<Future<?>> futures) throws IOException, InterruptedException {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IOException(e.getCause());
      }
    }
  }
}
