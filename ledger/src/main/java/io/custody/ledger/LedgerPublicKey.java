package io.custody.ledger;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public half of the force's ledger key: what an auditor, a court or the defence needs to check
 * the log's checkpoints and proofs offline. Immutable and thread-safe; {@link #equals} compares the
 * key bytes.
 */
public final class LedgerPublicKey {
  /** The C2SP signed-note signature type of Ed25519. */
  private static final byte ED25519 = 0x01;

  private final DevicePublicKey key;
  private final SignatureVerifier verifier;

  LedgerPublicKey(DevicePublicKey key) {
    this.key = key;
    this.verifier = Ed25519.verifier(key);
  }

  /**
   * Reads an X.509 {@code PUBLIC KEY} PEM block holding an Ed25519 key ({@code openssl pkey
   * -pubout}).
   *
   * @throws io.custody.crypto.KeyFormatException if it is not one
   */
  public static LedgerPublicKey fromPem(String pem) {
    return new LedgerPublicKey(DevicePublicKey.fromPem(pem));
  }

  /** The PEM text of this key. */
  public String toPem() {
    return key.toPem();
  }

  /** The 32 key bytes (RFC 8032). */
  public byte[] raw() {
    return key.raw();
  }

  /**
   * The C2SP signed-note key id of this key under {@code name}: the first four bytes of SHA-256(name
   * || 0x0A || 0x01 || key).
   */
  byte[] noteKeyId(String name) {
    MessageDigest md = Merkle.sha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ED25519);
    md.update(key.raw());
    return Arrays.copyOf(md.digest(), 4);
  }

  /**
   * The signed-note verifier key for the log named {@code origin}, as Go's {@code
   * golang.org/x/mod/sumdb/note} and other C2SP tools read it: {@code
   * <origin>+<key id, 8 hex digits>+<base64(0x01 || key)>}.
   */
  public String noteVerifierKey(String origin) {
    Checkpoint.checkOrigin(origin);
    byte[] typed = new byte[33];
    typed[0] = ED25519;
    System.arraycopy(key.raw(), 0, typed, 1, 32);
    return origin + "+" + HexFormat.of().formatHex(noteKeyId(origin)) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  boolean verify(byte[] message, byte[] signature) {
    return signature.length == 64 && verifier.verify(message, 0, message.length, signature, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LedgerPublicKey other && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "LedgerPublicKey{keyId=" + key.keyIdHex() + "}";
  }
}
