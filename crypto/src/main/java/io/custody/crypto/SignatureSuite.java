package io.custody.crypto;

import java.util.Locale;

/**
 * The signature algorithms of device keys, numbered as the sealed format's header {@code suite}
 * field numbers them ({@code docs/FORMAT.md} §3.1). Both write {@link Signer#SIGNATURE_BYTES}-byte
 * signatures.
 *
 * <p>A camera's suite is chosen when it is provisioned and never changes: a key is of one suite,
 * and every segment it seals carries that suite's number. Ed25519 is the default; ECDSA P-256 is
 * for hardware that signs nothing else (TPM 2.0 and most camera secure elements).
 */
public enum SignatureSuite {
  /** Suite 1: pure Ed25519 (RFC 8032), 64-byte signatures, keys of OID 1.3.101.112. */
  ED25519(1, "ed25519"),
  /**
   * Suite 2: ECDSA on P-256 (secp256r1, FIPS 186-5) over SHA-256 of the message, the signature
   * written as {@code r ‖ s}, each 32 bytes big-endian (as COSE and JWS write it); keys of OID
   * 1.2.840.10045.2.1 with the named curve 1.2.840.10045.3.1.7.
   */
  P256(2, "p256");

  private final int code;
  private final String id;

  SignatureSuite(int code, String id) {
    this.code = code;
    this.id = id;
  }

  /** The number the sealed format's header carries for this suite. */
  public int code() {
    return code;
  }

  /** The lowercase name a command line takes: {@code ed25519} or {@code p256}. */
  public String id() {
    return id;
  }

  /**
   * The suite of this header number.
   *
   * @throws IllegalArgumentException if no suite has that number
   */
  public static SignatureSuite ofCode(int code) {
    for (SignatureSuite s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no signature suite has the number " + code);
  }

  /**
   * The suite named {@code id} ({@code ed25519} or {@code p256}, in any case).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static SignatureSuite ofId(String id) {
    for (SignatureSuite s : values()) {
      if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown signature suite \"" + id + "\" (ed25519 or p256)");
  }
}
