package io.custody.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which AEAD record size the container should use: JCA AES-256-GCM plus SHA-256 of the
 * ciphertext (the chain) over the 1080p clip, cut into records of 16 KiB to 1 MiB. The cold cliff
 * (large single calls reaching the AES-GCM intrinsic late) shows in the first iterations of the
 * larger sizes; the steady state in the measurement.
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar RecordSize}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordSizeBenchmark {
  @Param({"16", "64", "256", "1024"})
  public int recordKiB;

  @Param("testdata/clips/bwc-1080p30-high.h264")
  public String clip;

  private byte[] data;
  private byte[] out;
  private Cipher cipher;
  private SecretKeySpec key;
  private MessageDigest sha;
  private final byte[] nonce = new byte[12];
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    data = Files.readAllBytes(Path.of(clip));
    out = new byte[recordKiB * 1024 + 16];
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    sha = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public byte sealRecords(ByteCounter c) throws GeneralSecurityException {
    int size = recordKiB * 1024;
    for (int at = 0; at < data.length; at += size) {
      int n = Math.min(size, data.length - at);
      long v = counter++;
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (v >>> (56 - 8 * i));
      }
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      int len = cipher.doFinal(data, at, n, out, 0);
      sha.update(out, 0, len);
    }
    c.bytes += data.length;
    return sha.digest()[0];
  }
}
