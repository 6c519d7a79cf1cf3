package io.custody.crypto;

/**
 * The three Ed25519 implementations the tests run against each other and the RFC 8032 vectors:
 * production's ({@link Ed25519}, BouncyCastle) and two cross-checks that only tests and {@code
 * SignerBenchmark} use (the JDK's and Tink's).
 *
 * <p>Public, and published in this module's test jar, for {@code SignerBenchmark}, which measures
 * the three: the figures in {@link Ed25519}'s class comment are why production ships BouncyCastle.
 */
public enum Ed25519Implementation {
  /** Production's: {@link Ed25519#signer} and {@link Ed25519#verifier}. */
  BOUNCY_CASTLE {
    @Override
    public Signer signer(DeviceSigningKey key) {
      return Ed25519.signer(key);
    }

    @Override
    public SignatureVerifier verifier(DevicePublicKey key) {
      return Ed25519.verifier(key);
    }
  },
  /** The JDK's {@code Signature.getInstance("Ed25519")} (SunEC). */
  JDK {
    @Override
    public Signer signer(DeviceSigningKey key) {
      return JdkEd25519.signer(key);
    }

    @Override
    public SignatureVerifier verifier(DevicePublicKey key) {
      return JdkEd25519.verifier(key);
    }
  },
  /** Tink's {@code subtle.Ed25519Sign} / {@code Ed25519Verify}. */
  TINK {
    @Override
    public Signer signer(DeviceSigningKey key) {
      return TinkEd25519.signer(key);
    }

    @Override
    public SignatureVerifier verifier(DevicePublicKey key) {
      return TinkEd25519.verifier(key);
    }
  };

  /** A thread-safe signer with {@code key} on this implementation. */
  public abstract Signer signer(DeviceSigningKey key);

  /** A thread-safe verifier for {@code key} on this implementation. */
  public abstract SignatureVerifier verifier(DevicePublicKey key);
}
