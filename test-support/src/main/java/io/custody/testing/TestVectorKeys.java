package io.custody.testing;

import java.util.HexFormat;

/**
 * The fixed inputs of the known-answer vectors in {@code docs/test-vectors}: the RFC 8032 test
 * signing seed (and the RFC 6979 P-256 key for suite 2), the RFC 7748 test X25519 key, and a content key and nonce prefix that no real
 * segment may ever use. Shared by the test-vector test and the sealed fuzz seeds.
 */
public final class TestVectorKeys {
  private static final HexFormat HEX = HexFormat.of();

  /** The recording id every vector is sealed under. */
  public static final String RECORDING_ID = "6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7";

  private TestVectorKeys() {}

  /** The device's Ed25519 seed (RFC 8032 §7.1, test 1). */
  public static byte[] deviceSeed() {
    return HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  }

  /** The suite-2 device's P-256 private key (RFC 6979 A.2.5), for {@code docs/test-vectors/p256}. */
  public static byte[] deviceP256Scalar() {
    return HEX.parseHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
  }

  /** The recipient's raw X25519 private key (RFC 7748 §6.1, Alice). */
  public static byte[] recipientRaw() {
    return HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  }

  /** The fixed content key. */
  public static byte[] contentKey() {
    return HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  }

  /** The fixed 7-byte nonce prefix. */
  public static byte[] noncePrefix() {
    return HEX.parseHex("a0a1a2a3a4a5a6");
  }
}
