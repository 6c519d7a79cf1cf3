package io.custody.benchmarks;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import io.custody.pkcs11.Pkcs11Token;
import io.custody.pkcs11.SoftHsm;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signatures per second of each suite with the key in a PKCS#11 token (SoftHSM2, through {@link
 * Pkcs11Token}: the binding, the JDK's native bridge, the token's session) beside the same suite in
 * software (BouncyCastle, {@link Signatures}), and ({@link Verify}) the verification of each suite.
 *
 * <p>One operation is one signature of a 100-byte message, as in {@code SignerBenchmark}; at 1 s
 * fragments a camera needs about one signature a second (a CHECKPOINT per fragment, plus a header
 * and a MANIFEST per segment), so the figure is also how many cameras one signer keeps up with.
 *
 * <p>SoftHSM must be installed ({@code scripts/install-test-tools.sh}) and {@code SOFTHSM2_CONF}
 * must name a file this benchmark may write ({@code benchmarks/run.sh} sets it): the token is made
 * in a directory of the fork's own before the module is loaded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED")
public class TokenSignerBenchmark {
  /** Where the private key is. */
  public enum Where { SOFTHSM, BOUNCY_CASTLE }

  private static final int MESSAGE_BYTES = 100;

  @Param({"ED25519", "P256"})
  public SignatureSuite suite;

  @Param({"SOFTHSM", "BOUNCY_CASTLE"})
  public Where where;

  private Pkcs11Token token;
  private Signer signer;
  private final byte[] message = new byte[MESSAGE_BYTES];
  private final byte[] signature = new byte[Signer.SIGNATURE_BYTES];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    new Random(42).nextBytes(message);
    if (where == Where.SOFTHSM) {
      token = SoftHsm.open();
      String label = SoftHsm.label("bench-" + suite.id());
      token.generateDeviceKey(label, suite);
      signer = token.signer(label);
    } else {
      signer = Signatures.signer(DeviceSigningKey.generate(suite));
    }
    signer.sign(message, 0, MESSAGE_BYTES, signature, 0);
    if (!Signatures.verifier(signer.publicKey()).verify(message, 0, MESSAGE_BYTES, signature, 0)) {
      throw new IllegalStateException(where + " " + suite + " signs what does not verify");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (token != null) {
      token.close();
    }
  }

  @Benchmark
  public byte[] sign() {
    message[0]++;
    signer.sign(message, 0, MESSAGE_BYTES, signature, 0);
    return signature;
  }

  /** Verification of each suite, always in software: where the key was does not matter to it. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public static class Verify {
    @Param({"ED25519", "P256"})
    public SignatureSuite suite;

    private SignatureVerifier verifier;
    private final byte[] message = new byte[MESSAGE_BYTES];
    private final byte[] signature = new byte[Signer.SIGNATURE_BYTES];

    @Setup(Level.Trial)
    public void setUp() {
      new Random(42).nextBytes(message);
      Signer signer = Signatures.signer(DeviceSigningKey.generate(suite));
      signer.sign(message, 0, MESSAGE_BYTES, signature, 0);
      verifier = Signatures.verifier(signer.publicKey());
    }

    @Benchmark
    public boolean verify() {
      return verifier.verify(message, 0, MESSAGE_BYTES, signature, 0);
    }
  }
}
