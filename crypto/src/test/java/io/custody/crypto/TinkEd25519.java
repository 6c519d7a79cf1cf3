package io.custody.crypto;

import com.google.crypto.tink.AccessesPartialKey;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Test-only cross-check of {@link Ed25519}: {@link Signer} and {@link SignatureVerifier} on Tink's
 * pure-Java Ed25519 ({@code Ed25519Sign}/{@code Ed25519Verify}, RAW output: no key-id prefix).
 * Production does not ship it (nor Tink): see {@link Ed25519} for the measurements.
 *
 * <p>Thread safety: Tink primitives are immutable and thread-safe. Tink's API takes whole arrays
 * and returns a new signature array, so this adapter copies the message when it is a slice and
 * copies the signature out: two allocations per call on top of Tink's own.
 */
final class TinkEd25519 {
  private TinkEd25519() {}

  // Tink marks reading a key's raw parts as restricted; handing raw keys across libraries is the
  // point of a cross-check.
  @AccessesPartialKey
  static Signer signer(DeviceSigningKey key) {
    try {
      Ed25519PublicKey publicKey = tinkPublicKey(key.publicKey());
      Ed25519PrivateKey privateKey =
          Ed25519PrivateKey.create(
              publicKey, SecretBytes.copyFrom(key.seed(), InsecureSecretKeyAccess.get()));
      return new TinkSigner(Ed25519Sign.create(privateKey), key.publicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused an Ed25519 key: " + e.getMessage(), e);
    }
  }

  static SignatureVerifier verifier(DevicePublicKey key) {
    try {
      return new TinkVerifier(Ed25519Verify.create(tinkPublicKey(key)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused an Ed25519 key: " + e.getMessage(), e);
    }
  }

  @AccessesPartialKey
  private static Ed25519PublicKey tinkPublicKey(DevicePublicKey key)
      throws GeneralSecurityException {
    return Ed25519PublicKey.create(Bytes.copyFrom(key.rawNoCopy()));
  }

  private static byte[] slice(byte[] array, int offset, int length) {
    return offset == 0 && length == array.length
        ? array
        : Arrays.copyOfRange(array, offset, offset + length);
  }

  private static final class TinkSigner implements Signer {
    private final PublicKeySign sign;
    private final DevicePublicKey publicKey;

    TinkSigner(PublicKeySign sign, DevicePublicKey publicKey) {
      this.sign = sign;
      this.publicKey = publicKey;
    }

    @Override
    public void sign(byte[] message, int offset, int length, byte[] out, int outOffset) {
      Signatures.checkRanges(message, offset, length, out, outOffset);
      try {
        byte[] signature = sign.sign(slice(message, offset, length));
        System.arraycopy(signature, 0, out, outOffset, SIGNATURE_BYTES);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Tink Ed25519 signing failed", e);
      }
    }

    @Override
    public DevicePublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Signer{tink, " + publicKey + "}";
    }
  }

  private static final class TinkVerifier implements SignatureVerifier {
    private final PublicKeyVerify verify;

    TinkVerifier(PublicKeyVerify verify) {
      this.verify = verify;
    }

    @Override
    public boolean verify(byte[] message, int offset, int length, byte[] sig, int sigOffset) {
      Signatures.checkRanges(message, offset, length, sig, sigOffset);
      try {
        verify.verify(
            slice(sig, sigOffset, Signer.SIGNATURE_BYTES), slice(message, offset, length));
        return true;
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }
}
