package io.custody.crypto;

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
 * <p>Measured by {@code SignerBenchmark} (JMH throughput, 100-byte message, one thread, {@code
 * -wi 2 -w 1 -i 3 -r 1 -f 1 -prof gc}, 2026-11-25, on a shared 2-core AMD EPYC: noisy, errors of
 * ±30-100 %, so read the ratios; µs = 1/throughput):
 *
 * <pre>
 *                  JDK 17 (17.0.15)                 JDK 25 (Temurin)                  bytes allocated
 *                  sign            verify           sign            verify            per sign / verify
 * BOUNCY_CASTLE    28,519/s 35 µs  11,910/s  84 µs  26,661/s 38 µs  12,854/s  78 µs     2,752 /   7,032
 * TINK             14,005/s 71 µs   3,460/s 289 µs  14,217/s 70 µs   4,724/s 212 µs   176,368 / 637,754
 * JDK (SunEC)       1,500/s 667 µs  1,301/s 768 µs   1,423/s 703 µs  1,593/s 628 µs    14,321 /  34,341
 * </pre>
 *
 * <p>Hence {@link #fastest()} is {@link Implementation#BOUNCY_CASTLE} on both JDKs: about 19x the
 * JDK and 2x Tink to sign, 9x and 3x to verify, and the least garbage. At 1,000 cameras with
 * 1-second fragments it costs ~3.5 % of one core and ~2.7 MB/s of short-lived garbage (its
 * internal digest and field temporaries: the low-level API writes the signature into the caller's
 * array but cannot avoid those); the JDK's would cost ~67 % of a core. Re-measure when upgrading
 * BouncyCastle, Tink or the JDK.
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
