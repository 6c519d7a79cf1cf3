package io.custody.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Test-only cross-check of {@link Ed25519}: {@link Signer} and {@link SignatureVerifier} on the
 * JDK's {@code Signature.getInstance("Ed25519")} (the SunEC provider unless another is installed
 * first). Production does not ship it: it is ~19x slower than BouncyCastle (see {@link Ed25519}).
 *
 * <p>Thread safety: a JCA {@link Signature} is stateful and not thread-safe, so each thread gets
 * its own, initialised once with the key ({@link ThreadLocal}); no lock is taken per signature.
 * The JCA API signs into and verifies from caller arrays, so nothing but the provider's own
 * temporaries is allocated.
 */
final class JdkEd25519 {
  private static final String ALGORITHM = "Ed25519";

  private JdkEd25519() {}

  static Signer signer(DeviceSigningKey key) {
    PrivateKey privateKey;
    try {
      privateKey =
          KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(key.toDer()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK refused an Ed25519 key: " + e.getMessage(), e);
    }
    return new JdkSigner(privateKey, key.publicKey());
  }

  static SignatureVerifier verifier(DevicePublicKey key) {
    PublicKey publicKey;
    try {
      publicKey = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(key.toDer()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK refused an Ed25519 key: " + e.getMessage(), e);
    }
    return new JdkVerifier(publicKey);
  }

  private static final class JdkSigner implements Signer {
    private final DevicePublicKey publicKey;
    /** One initialised Signature per thread: JCA objects are not thread-safe. */
    private final ThreadLocal<Signature> signature;

    JdkSigner(PrivateKey privateKey, DevicePublicKey publicKey) {
      this.publicKey = publicKey;
      this.signature =
          ThreadLocal.withInitial(
              () -> {
                try {
                  Signature s = Signature.getInstance(ALGORITHM);
                  s.initSign(privateKey);
                  return s;
                } catch (GeneralSecurityException e) {
                  throw new IllegalStateException("no JDK Ed25519 signer", e);
                }
              });
      signature.get(); // fail here, not at the first fragment, if the platform lacks Ed25519
    }

    @Override
    public void sign(byte[] message, int offset, int length, byte[] out, int outOffset) {
      Signatures.checkRanges(message, offset, length, out, outOffset);
      Signature s = signature.get();
      try {
        s.update(message, offset, length);
        int written = s.sign(out, outOffset, SIGNATURE_BYTES);
        if (written != SIGNATURE_BYTES) {
          throw new IllegalStateException("JDK Ed25519 wrote " + written + " bytes");
        }
      } catch (SignatureException e) {
        // Initialised at creation and reset by sign(): cannot happen unless the provider breaks.
        signature.remove();
        throw new IllegalStateException("JDK Ed25519 signing failed", e);
      }
    }

    @Override
    public DevicePublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Signer{jdk, " + publicKey + "}";
    }
  }

  private static final class JdkVerifier implements SignatureVerifier {
    private final ThreadLocal<Signature> signature;

    JdkVerifier(PublicKey publicKey) {
      this.signature =
          ThreadLocal.withInitial(
              () -> {
                try {
                  Signature s = Signature.getInstance(ALGORITHM);
                  s.initVerify(publicKey);
                  return s;
                } catch (GeneralSecurityException e) {
                  throw new IllegalStateException("no JDK Ed25519 verifier", e);
                }
              });
      signature.get();
    }

    @Override
    public boolean verify(byte[] message, int offset, int length, byte[] sig, int sigOffset) {
      Signatures.checkRanges(message, offset, length, sig, sigOffset);
      Signature s = signature.get();
      try {
        s.update(message, offset, length);
        return s.verify(sig, sigOffset, Signer.SIGNATURE_BYTES);
      } catch (SignatureException e) {
        // A malformed signature encoding: not valid. The object may not have been reset.
        signature.remove();
        return false;
      }
    }
  }
}
