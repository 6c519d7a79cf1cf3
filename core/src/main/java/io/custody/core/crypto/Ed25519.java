package io.custody.core.crypto;

import java.util.Objects;

/**
 * Chooses the library that signs and verifies Ed25519 (RFC 8032) for device keys.
 *
 * <p>Three interchangeable implementations produce byte-identical signatures (Ed25519 is
 * deterministic) and accept each other's (tested as a matrix, with the RFC 8032 vectors). They
 * differ only in speed and allocation, which matter because a dock signs one fragment per second
 * for each of thousands of cameras. {@link #fastest()} is the default; pass an {@link
 * Implementation} explicitly only to compare or to work around a platform problem.
 *
 * <p>Measured by {@code SignerBenchmark} (JMH, 100-byte message, one thread, one fork on a shared
 * 2-core AMD EPYC, so noisy; compare ratios within a run):
 *
 * <pre>
 * implementation   JDK 17 sign    verify     JDK 25 sign    verify     sign B/op (17 / 25)
 * BOUNCY_CASTLE    MEASURE        MEASURE    MEASURE        MEASURE    MEASURE
 * JDK              MEASURE        MEASURE    MEASURE        MEASURE    MEASURE
 * TINK             MEASURE        MEASURE    MEASURE        MEASURE    MEASURE
 * </pre>
 */
public final class Ed25519 {
  /** The libraries available. */
  public enum Implementation {
    /** BouncyCastle's low-level {@code org.bouncycastle.math.ec.rfc8032.Ed25519}. */
    BOUNCY_CASTLE("bouncycastle"),
    /** The JDK's {@code Signature.getInstance("Ed25519")} (SunEC). */
    JDK("jdk"),
    /** Tink's {@code subtle.Ed25519Sign} / {@code Ed25519Verify}. */
    TINK("tink");

    private final String id;

    Implementation(String id) {
      this.id = id;
    }

    /** The name {@link Signer#implementation()} reports. */
    public String id() {
      return id;
    }
  }

  private Ed25519() {}

  /** The default implementation; see the class comment for the measurements behind it. */
  public static Implementation fastest() {
    return Implementation.BOUNCY_CASTLE;
  }

  /** A thread-safe signer with {@link #fastest()}. */
  public static Signer signer(DeviceSigningKey key) {
    return signer(key, fastest());
  }

  /** A thread-safe signer on the given library. */
  public static Signer signer(DeviceSigningKey key, Implementation implementation) {
    Objects.requireNonNull(key, "key");
    switch (Objects.requireNonNull(implementation, "implementation")) {
      case BOUNCY_CASTLE:
        return BouncyCastleEd25519.signer(key);
      case JDK:
        return JdkEd25519.signer(key);
      case TINK:
        return TinkEd25519.signer(key);
      default:
        throw new AssertionError(implementation);
    }
  }

  /** A thread-safe verifier with {@link #fastest()}. */
  public static SignatureVerifier verifier(DevicePublicKey key) {
    return verifier(key, fastest());
  }

  /** A thread-safe verifier on the given library. */
  public static SignatureVerifier verifier(DevicePublicKey key, Implementation implementation) {
    Objects.requireNonNull(key, "key");
    switch (Objects.requireNonNull(implementation, "implementation")) {
      case BOUNCY_CASTLE:
        return BouncyCastleEd25519.verifier(key);
      case JDK:
        return JdkEd25519.verifier(key);
      case TINK:
        return TinkEd25519.verifier(key);
      default:
        throw new AssertionError(implementation);
    }
  }

  static void checkRanges(
      byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
    Objects.checkFromIndexSize(offset, length, message.length);
    Objects.checkFromIndexSize(signatureOffset, Signer.SIGNATURE_BYTES, signature.length);
  }
}
