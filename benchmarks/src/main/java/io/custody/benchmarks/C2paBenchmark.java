package io.custody.benchmarks;

import io.custody.c2pa.C2paSigner;
import io.custody.c2pa.ExportCa;
import io.custody.c2pa.SigningCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 18: signing and embedding C2PA Content Credentials in a 1 GB fragmented MP4 ({@code
 * C2paSigner.sign}: one SHA-256 pass over the file for the BMFF hash, then one copy with the
 * manifest inserted), beside its floor in the same run: a SHA-256 pass over the same file plus a
 * plain copy of it, both read and written as the signer does (a file channel, 64 KiB at a time).
 *   C2paBenchmark CLIP.h264 OUT_DIR SIZE_MB RUNS
 * The clip (the 8 Mbit/s bench clip) is muxed once by Custody's fMP4 writer; its fragments are
 * repeated to SIZE_MB (the signer reads top-level boxes only, so the file need not play end to
 * end).
 */
public final class C2paBenchmark {
  private C2paBenchmark() {}

  public static void main(String[] args) throws Exception {
    Fmp4Clip clip = new Fmp4Clip(Files.readAllBytes(Path.of(args[0])));
    Path dir = Path.of(args[1]);
    long target = Long.parseLong(args[2]) << 20;
    int runs = Integer.parseInt(args[3]);
    Files.createDirectories(dir);
    Path big = dir.resolve("big.mp4");
    try (java.nio.channels.FileChannel o = java.nio.channels.FileChannel.open(big,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      o.write(clip.init.duplicate());
      for (long n = clip.init.remaining(); n < target; ) {
        for (java.nio.ByteBuffer f : clip.fragments) {
          n += o.write(f.duplicate());
        }
      }
    }
    long size = Files.size(big);
    ExportCa ca = ExportCa.create("Benchmark Police", Duration.ofDays(30), Clock.systemUTC());
    SigningCredentials c = ca.issue("Export", Duration.ofDays(7), Clock.systemUTC());
    Map<String, Object> created = new LinkedHashMap<>();
    created.put("action", "c2pa.created");
    created.put("digitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
    C2paSigner signer = C2paSigner.builder(c).title("big.mp4").action(created).build();
    System.out.printf(Locale.ROOT, "c2pa: %s, %.1f MB, %d runs%n", System.getProperty("java.version"), size / 1e6, runs);
    for (int r = 1; r <= runs; r++) {
      // the order alternates: whichever writes second waits on the first one's dirty pages
      Path out = dir.resolve("signed.mp4");
      long sign = 0;
      long floor = 0;
      for (int k = 0; k < 2; k++) {
        boolean signing = (k == 0) == (r % 2 == 1);
        long t0 = System.nanoTime();
        if (signing) {
          signer.sign(big, out);
        } else {
          sha256(big);
          copy(big, out);
        }
        long t = System.nanoTime() - t0;
        if (signing) {
          sign = t;
        } else {
          floor = t;
        }
        Files.delete(out);
      }
      System.out.printf(Locale.ROOT, "run %d (%s first): sign and embed %.2f s (%.0f MB/s); floor, SHA-256 pass + copy"
          + " %.2f s (%.0f MB/s): %.2fx the floor%n", r, r % 2 == 1 ? "sign" : "floor", sign / 1e9,
          size / 1e6 / (sign / 1e9), floor / 1e9, size / 1e6 / (floor / 1e9), (double) sign / floor);
    }
    Files.delete(big);
  }

  /** The floor's hash pass: as the signer reads (a file channel, 64 KiB at a time). */
  private static void sha256(Path p) throws IOException, java.security.NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
      while (ch.read(buf.clear()) > 0) {
        sha.update(buf.flip());
      }
    }
    sha.digest();
  }

  /** The floor's copy: as the signer writes (a file channel read, an output stream written). */
  private static void copy(Path from, Path to) throws IOException {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(from);
        java.io.OutputStream o = Files.newOutputStream(to)) {
      for (int n; (n = ch.read(buf.clear())) > 0; ) {
        o.write(buf.array(), 0, n);
      }
    }
  }
}
