package io.custody.register;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import java.util.Objects;

/**
 * The force's register key: it signs every version of the device register. Kept apart from the
 * device and ledger keys (a register key signs only registers). Immutable and thread-safe; {@link
 * #toString()} shows only the public key id.
 */
public final class RegisterKey {
  private final Signer signer;
  private final String pem;

  private RegisterKey(Signer signer, String pem) {
    this.signer = signer;
    this.pem = pem;
  }

  /** A new Ed25519 register key. */
  public static RegisterKey generate() {
    return generate(SignatureSuite.ED25519);
  }

  /** A new register key of {@code suite} (Ed25519 or ECDSA P-256). */
  public static RegisterKey generate(SignatureSuite suite) {
    DeviceSigningKey k = DeviceSigningKey.generate(suite);
    return new RegisterKey(Signatures.signer(k), k.toPem());
  }

  /**
   * The register key in PKCS#8 PEM, Ed25519 or P-256 ({@code openssl genpkey} writes either).
   *
   * @throws io.custody.crypto.KeyFormatException if it is neither
   */
  public static RegisterKey fromPem(String pem) {
    return new RegisterKey(Signatures.signer(DeviceSigningKey.fromPem(pem)), pem);
  }

  /** The register key held by {@code signer}, e.g. in a hardware token; it has no PEM form. */
  public static RegisterKey of(Signer signer) {
    return new RegisterKey(Objects.requireNonNull(signer, "signer"), null);
  }

  /**
   * The private key as PKCS#8 PEM.
   *
   * @throws IllegalStateException for a key held by a signer (e.g. in a token)
   */
  public String toPem() {
    if (pem == null) {
      throw new IllegalStateException("this register key is held by its signer and never leaves it");
    }
    return pem;
  }

  /** The matching public key: what verifies the register. */
  public RegisterPublicKey publicKey() {
    return new RegisterPublicKey(signer.publicKey());
  }

  byte[] sign(byte[] message) {
    byte[] signature = new byte[Signer.SIGNATURE_BYTES];
    signer.sign(message, 0, message.length, signature, 0);
    return signature;
  }

  @Override
  public String toString() {
    return "RegisterKey{public keyId=" + signer.publicKey().keyIdHex() + "}";
  }
}
