package io.custody.benchmarks;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.seal.DecryptionException;
import io.custody.seal.SegmentDecryptor;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 15: the back office's per-byte work over a store of sealed recordings, beside its floors
 * and OpenSSL, all in one run. The store is {@code benchmarks/target/backoffice/store} (made by
 * {@code benchmarks/make-backoffice-store.sh}: 400 s recordings of the 1080p30 8 Mbit/s bench
 * clip, 60 s segments, 1 s fragments, as {@code custody record} leaves them), of which the first
 * {@code megabytes} MB of segments are used (at least one segment), read from the page cache.
 *
 * <p>An operation is one segment (the next one, round robin over the store, so the working set is
 * the whole selection, not one hot file), except for OpenSSL's, which are one process over the
 * whole selection (a process per segment would time process start-up). Scores are bytes per second
 * of sealed segment read ({@link ByteCounter}); {@code AllCores} variants run one thread per core.
 *
 * <ul>
 *   <li>Verify (device public key only): {@link #verify} against {@link #sha256} (Custody's own
 *       floor: the JDK's SHA-256 over the same files, read the same way) and {@link #opensslDgst}.
 *   <li>Export: {@link #decrypt} (verify and decrypt in one pass, {@link SegmentDecryptor}, what
 *       the library does), {@link #decryptAndHash} (plus the SHA-256 of the plaintext, what {@code
 *       custody export} adds for its JSON, on one core), against {@link #gcmSha256} (the JCA floor:
 *       AES-256-GCM decryption and SHA-256 of as many bytes, in the segment's record size) and
 *       {@link #opensslCtr} ({@code openssl enc} has no AEAD decryption: AES-256-CTR is GCM without
 *       its GHASH, a lower bound; add {@link #opensslDgst} for the SHA-256).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class BackOfficeBenchmark {
  private static final int RECORD = 256 * 1024;

  /** MB of the store's segments to use (whole segments, at least one). */
  @Param("2048")
  public int megabytes;

  private final List<Path> segments = new ArrayList<>();
  private long selected;
  private final AtomicInteger next = new AtomicInteger();
  private Verifier verifier;
  private SegmentDecryptor decryptor;
  private SecretKeySpec floorKey;
  private byte[] floorCiphertext;

  /** A thread's buffers. */
  @State(Scope.Thread)
  public static class Buffers {
    final byte[] read = new byte[RECORD];
    final byte[] plain = new byte[RECORD];
    MessageDigest sha;
    Cipher gcm;

    @Setup
    public void setUp() throws GeneralSecurityException {
      sha = MessageDigest.getInstance("SHA-256");
      gcm = Cipher.getInstance("AES/GCM/NoPadding");
    }
  }

  @Setup
  public void setUp() throws IOException, GeneralSecurityException {
    Path dir = Paths.get(System.getProperty("custody.backoffice", "benchmarks/target/backoffice"));
    Path store = dir.resolve("store");
    if (!Files.isDirectory(store)) {
      throw new IllegalStateException("no store at " + store + ": run benchmarks/make-backoffice-store.sh");
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(store)) {
      all = s.filter(p -> p.getFileName().toString().endsWith(".sealed")).sorted().toList();
    }
    for (Path p : all) {
      if (!segments.isEmpty() && selected >= (long) megabytes << 20) {
        break;
      }
      segments.add(p);
      selected += Files.size(p);
    }
    verifier = new Verifier(DevicePublicKey.fromPem(Files.readString(dir.resolve("keys/device.pub"))));
    decryptor = new SegmentDecryptor(RecipientPrivateKey.fromPem(Files.readString(dir.resolve("keys/recipient.key"))),
        DevicePublicKey.fromPem(Files.readString(dir.resolve("keys/device.pub"))));
    floorKey = new SecretKeySpec(new byte[32], "AES");
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, floorKey, new GCMParameterSpec(128, new byte[12]));
    floorCiphertext = c.doFinal(new byte[RECORD]);
    System.out.printf(java.util.Locale.ROOT, "%nbackoffice: %d segment(s), %d bytes%n", segments.size(), selected);
  }

  private Path nextSegment() {
    return segments.get(Math.floorMod(next.getAndIncrement(), segments.size()));
  }

  private static VerificationReport complete(VerificationReport r, Path p) {
    if (r.status() != VerificationReport.Status.COMPLETE) {
      throw new IllegalStateException(p + ": " + r.summary());
    }
    return r;
  }

  @Benchmark
  @Threads(1)
  public int verify(ByteCounter c) throws IOException {
    return verifyOne(c);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public int verifyAllCores(ByteCounter c) throws IOException {
    return verifyOne(c);
  }

  private int verifyOne(ByteCounter c) throws IOException {
    Path p = nextSegment();
    try (InputStream in = Files.newInputStream(p)) {
      VerificationReport r = complete(verifier.verify(in), p);
      c.bytes += r.bytes();
      return r.records();
    }
  }

  @Benchmark
  @Threads(1)
  public byte sha256(Buffers b, ByteCounter c) throws IOException {
    return hashOne(b, c);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public byte sha256AllCores(Buffers b, ByteCounter c) throws IOException {
    return hashOne(b, c);
  }

  private byte hashOne(Buffers b, ByteCounter c) throws IOException {
    try (InputStream in = Files.newInputStream(nextSegment())) {
      for (int n; (n = in.readNBytes(b.read, 0, RECORD)) > 0; ) {
        b.sha.update(b.read, 0, n);
        c.bytes += n;
      }
    }
    return b.sha.digest()[0];
  }

  @Benchmark
  @Threads(1)
  public int decrypt(ByteCounter c) throws IOException, DecryptionException {
    return decryptOne(c, null);
  }

  @Benchmark
  @Threads(1)
  public int decryptAndHash(Buffers b, ByteCounter c) throws IOException, DecryptionException {
    return decryptOne(c, b.sha);
  }

  private int decryptOne(ByteCounter c, MessageDigest plaintextSha) throws IOException, DecryptionException {
    Path p = nextSegment();
    SegmentDecryptor.Sink sink = new SegmentDecryptor.Sink() {
      @Override
      public void init(byte[] b, int offset, int length) {
        media(b, offset, length);
      }

      @Override
      public void media(byte[] b, int offset, int length) {
        if (plaintextSha != null) {
          plaintextSha.update(b, offset, length);
        }
      }
    };
    try (InputStream in = Files.newInputStream(p)) {
      VerificationReport r = complete(decryptor.decrypt(in, sink), p);
      c.bytes += r.bytes();
      if (plaintextSha != null) {
        plaintextSha.reset();
      }
      return r.records();
    }
  }

  /** The export floor: each 256 KiB read from the segment is SHA-256-hashed, and as many bytes GCM-decrypted. */
  @Benchmark
  @Threads(1)
  public byte gcmSha256(Buffers b, ByteCounter c) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(nextSegment())) {
      for (int n; (n = in.readNBytes(b.read, 0, RECORD)) > 0; ) {
        b.sha.update(b.read, 0, n);
        b.gcm.init(Cipher.DECRYPT_MODE, floorKey, new GCMParameterSpec(128, new byte[12]));
        b.gcm.doFinal(floorCiphertext, 0, floorCiphertext.length, b.plain, 0);
        c.bytes += n;
      }
    }
    return b.sha.digest()[0];
  }

  @Benchmark
  @Threads(1)
  public int opensslDgst(ByteCounter c) throws IOException, InterruptedException {
    return openssl(c, 1, List.of("openssl", "dgst", "-sha256"));
  }

  @Benchmark
  @Threads(1)
  public int opensslDgstAllCores(ByteCounter c) throws IOException, InterruptedException {
    return openssl(c, Runtime.getRuntime().availableProcessors(), List.of("openssl", "dgst", "-sha256"));
  }

  /** {@code openssl enc -d -aes-256-ctr} of every selected segment (one process each, in one shell). */
  @Benchmark
  @Threads(1)
  public int opensslCtr(ByteCounter c) throws IOException, InterruptedException {
    String script = "set -e; for f in \"$@\"; do openssl enc -d -aes-256-ctr -K " + "00".repeat(32) + " -iv "
        + "00".repeat(16) + " -in \"$f\" -out /dev/null; done";
    return openssl(c, 1, List.of("sh", "-c", script, "sh"));
  }

  /** Runs {@code command} over the selection split into {@code processes} slices at once. */
  private int openssl(ByteCounter c, int processes, List<String> command) throws IOException, InterruptedException {
    List<Process> running = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      List<String> args = new ArrayList<>(command);
      for (int k = i; k < segments.size(); k += processes) {
        args.add(segments.get(k).toString());
      }
      if (args.size() > command.size()) {
        running.add(new ProcessBuilder(args).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
    }
    for (Process p : running) {
      if (p.waitFor() != 0) {
        throw new UncheckedIOException(new IOException(command + " exited " + p.exitValue()));
      }
    }
    c.bytes += selected;
    return running.size();
  }
}
