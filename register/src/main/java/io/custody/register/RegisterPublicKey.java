package io.custody.register;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import java.util.Objects;

/** The public half of the register key: what an auditor verifies a register with. Immutable. */
public final class RegisterPublicKey {
  private final DevicePublicKey key;

  RegisterPublicKey(DevicePublicKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * The register public key in SubjectPublicKeyInfo PEM.
   *
   * @throws io.custody.crypto.KeyFormatException if it is not an Ed25519 or P-256 public key
   */
  public static RegisterPublicKey fromPem(String pem) {
    return new RegisterPublicKey(DevicePublicKey.fromPem(pem));
  }

  /** The key as SubjectPublicKeyInfo PEM. */
  public String toPem() {
    return key.toPem();
  }

  /** The key id (hex SHA-256 of the SubjectPublicKeyInfo). */
  public String keyIdHex() {
    return key.keyIdHex();
  }

  boolean verify(byte[] message, byte[] signature) {
    return signature.length == Signer.SIGNATURE_BYTES
        && Signatures.verifier(key).verify(message, 0, message.length, signature, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegisterPublicKey other && other.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "RegisterPublicKey{keyId=" + keyIdHex() + "}";
  }
}
