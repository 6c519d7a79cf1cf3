package io.custody.crypto;

import java.util.Objects;

/**
 * Ed25519 (RFC 8032) signers and verifiers for device keys, on BouncyCastle's low-level RFC 8032
 * code: the one implementation production ships.
 *
 * <p>BouncyCastle was chosen by measurement against the JDK's and Tink's, which produce
 * byte-identical signatures (Ed25519 is deterministic) and accept each other's. Those two live on
 * in this module's tests as cross-checks (a matrix of all three against each other and the RFC
 * 8032 vectors) and in {@code SignerBenchmark}, which measures them. Speed and allocation matter
 * because a dock signs one fragment per second for each of thousands of cameras.
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
 * <p>Hence BouncyCastle on both JDKs: about 19x the JDK and 2x Tink to sign, 9x and 3x to verify,
 * and the least garbage. At 1,000 cameras with 1-second fragments it costs ~3.5 % of one core and
 * ~2.7 MB/s of short-lived garbage (its internal digest and field temporaries: the low-level API
 * writes the signature into the caller's array but cannot avoid those); the JDK's would cost ~67 %
 * of a core. Re-measure when upgrading BouncyCastle, Tink or the JDK, and switch only with the
 * cross-checks passing.
 */
public final class Ed25519 {
  private Ed25519() {}

  /**
   * A thread-safe signer with {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not an Ed25519 key (see {@link Signatures})
   */
  public static Signer signer(DeviceSigningKey key) {
    requireEd25519(Objects.requireNonNull(key, "key").suite());
    return BouncyCastleEd25519.signer(key);
  }

  /**
   * A thread-safe verifier for {@code key}'s signatures.
   *
   * @throws IllegalArgumentException if {@code key} is not an Ed25519 key (see {@link Signatures})
   * @throws KeyFormatException if the key is not a valid Ed25519 point (cannot happen for a
   *     {@link DevicePublicKey}, which refuses such keys; kept as a guard)
   */
  public static SignatureVerifier verifier(DevicePublicKey key) {
    requireEd25519(Objects.requireNonNull(key, "key").suite());
    return BouncyCastleEd25519.verifier(key);
  }

  private static void requireEd25519(SignatureSuite suite) {
    if (suite != SignatureSuite.ED25519) {
      throw new IllegalArgumentException(
          "a " + suite.id() + " key, not an Ed25519 one: use Signatures for keys of any suite");
    }
  }
}
