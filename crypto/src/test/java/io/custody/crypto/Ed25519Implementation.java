package io.custody.crypto;

import java.util.function.Function;

/**
 * The three Ed25519 implementations the tests run against each other and the RFC 8032 vectors:
 * production's ({@link Ed25519}, BouncyCastle) and two cross-checks that only tests and {@code
 * SignerBenchmark} use (the JDK's and Tink's).
 *
 * <p>Public, and published in this module's test jar, for {@code SignerBenchmark}, which measures
 * the three: the figures in {@link Ed25519}'s class comment are why production ships BouncyCastle.
 */
@SuppressWarnings("ImmutableEnumChecker") // its fields are method references: stateless
public enum Ed25519Implementation {
  /** Production's: {@link Ed25519#signer} and {@link Ed25519#verifier}. */
  BOUNCY_CASTLE(Ed25519::signer, Ed25519::verifier),
  /** The JDK's {@code Signature.getInstance("Ed25519")} (SunEC). */
  JDK(JdkEd25519::signer, JdkEd25519::verifier),
  /** Tink's {@code subtle.Ed25519Sign} / {@code Ed25519Verify}. */
  TINK(TinkEd25519::signer, TinkEd25519::verifier);

  private final Function<DeviceSigningKey, Signer> signers;
  private final Function<DevicePublicKey, SignatureVerifier> verifiers;

  Ed25519Implementation(Function<DeviceSigningKey, Signer> signers,
      Function<DevicePublicKey, SignatureVerifier> verifiers) {
    this.signers = signers;
    this.verifiers = verifiers;
  }

  /** A thread-safe signer with {@code key} on this implementation. */
  public Signer signer(DeviceSigningKey key) {
    return signers.apply(key);
  }

  /** A thread-safe verifier for {@code key} on this implementation. */
  public SignatureVerifier verifier(DevicePublicKey key) {
    return verifiers.apply(key);
  }
}
