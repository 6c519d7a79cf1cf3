package io.custody.ledger;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.Signer;

/**
 * The force's ledger signing key (Ed25519): it signs every checkpoint of the force's log. Kept by
 * the back-office nodes that append; PEM files as {@code openssl genpkey -algorithm ed25519} writes
 * them. Immutable and thread-safe; {@link #toString()} shows only the public key id.
 */
public final class LedgerKey {
  private final DeviceSigningKey key;
  private final Signer signer;

  private LedgerKey(DeviceSigningKey key) {
    this.key = key;
    this.signer = Ed25519.signer(key);
  }

  /** A new random key. */
  public static LedgerKey generate() {
    return new LedgerKey(DeviceSigningKey.generate());
  }

  /**
   * Reads a PKCS#8 {@code PRIVATE KEY} PEM block holding an Ed25519 key.
   *
   * @throws io.custody.crypto.KeyFormatException if it is not one
   */
  public static LedgerKey fromPem(String pem) {
    return new LedgerKey(DeviceSigningKey.fromPem(pem));
  }

  /** The PKCS#8 PEM text of this key. */
  public String toPem() {
    return key.toPem();
  }

  /** The matching public key, for auditors. */
  public LedgerPublicKey publicKey() {
    return new LedgerPublicKey(key.publicKey());
  }

  byte[] sign(byte[] message) {
    byte[] sig = new byte[Signer.SIGNATURE_BYTES];
    signer.sign(message, 0, message.length, sig, 0);
    return sig;
  }

  @Override
  public String toString() {
    return "LedgerKey{public keyId=" + key.publicKey().keyIdHex() + "}";
  }
}
