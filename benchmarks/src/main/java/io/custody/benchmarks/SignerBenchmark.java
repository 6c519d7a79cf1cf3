package io.custody.benchmarks;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.Ed25519Implementation;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Ed25519 signing and verification per implementation, the measurement behind {@link Ed25519}'s
 * choice of BouncyCastle. The JDK and Tink arms are the crypto module's test-only cross-checks
 * ({@link Ed25519Implementation}, from its test jar): production ships BouncyCastle alone.
 *
 * <p>One operation is one signature (or one verification) of a 100-byte message, about the size
 * of what a fragment's signature covers (a chain head, a sequence number, a timestamp), with one
 * long-lived signer as a dock would hold per device key. {@code -prof gc} gives the bytes
 * allocated per signature ({@code gc.alloc.rate.norm}).
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar
 * SignerBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignerBenchmark {
  /** Bytes signed per operation. */
  private static final int MESSAGE_BYTES = 100;

  @Param({"BOUNCY_CASTLE", "JDK", "TINK"})
  public Ed25519Implementation implementation;

  private Signer signer;
  private SignatureVerifier verifier;
  private final byte[] message = new byte[MESSAGE_BYTES];
  private final byte[] signature = new byte[Signer.SIGNATURE_BYTES];
  private final byte[] validSignature = new byte[Signer.SIGNATURE_BYTES];

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    random.nextBytes(message);
    DeviceSigningKey key = DeviceSigningKey.fromSeed(seed);
    signer = implementation.signer(key);
    verifier = implementation.verifier(key.publicKey());
    signer.sign(message, 0, MESSAGE_BYTES, validSignature, 0);
    if (!verifier.verify(message, 0, MESSAGE_BYTES, validSignature, 0)) {
      throw new IllegalStateException(implementation + " does not verify its own signature");
    }
  }

  /** One signature into a reused array (the dock's hot path). */
  @Benchmark
  public byte[] sign() {
    signer.sign(message, 0, MESSAGE_BYTES, signature, 0);
    return signature;
  }

  /** One verification of a valid signature (what a back office does per fragment). */
  @Benchmark
  public boolean verify() {
    return verifier.verify(message, 0, MESSAGE_BYTES, validSignature, 0);
  }
}
