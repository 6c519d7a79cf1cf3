package io.custody.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.KeyFormatException.Reason;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suite 2, ECDSA P-256 with SHA-256: the RFC 6979 known answer, PEM exchange with OpenSSL
 * byte for byte, and signatures checked by OpenSSL both ways ({@code r ‖ s} converted to and from
 * the DER OpenSSL reads and writes). OpenSSL is required here: these tests are the suite's oracle.
 */
class P256IT {
  private static final HexFormat HEX = HexFormat.of();
  /** RFC 6979 A.2.5: the P-256 private key. */
  private static final byte[] RFC6979_KEY =
      HEX.parseHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");

  @TempDir Path dir;

  @Test
  void signsTheRfc6979KnownAnswer() {
    DeviceSigningKey key = DeviceSigningKey.fromRaw(SignatureSuite.P256, RFC6979_KEY);
    assertThat(key.suite()).isEqualTo(SignatureSuite.P256);
    assertThat(HEX.formatHex(key.publicKey().raw()))
        .isEqualTo("04"
            + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
            + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
    byte[] message = "sample".getBytes(US_ASCII);
    byte[] signature = new byte[70];
    Signatures.signer(key).sign(message, 0, message.length, signature, 3);
    assertThat(HEX.formatHex(signature, 3, 67))
        .isEqualTo("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
            + "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
    assertThat(Signatures.verifier(key.publicKey()).verify(message, 0, message.length, signature, 3)).isTrue();
  }

  @Test
  void refusesAlteredSignaturesAndOutOfRangeValues() {
    DeviceSigningKey key = DeviceSigningKey.generate(SignatureSuite.P256);
    SignatureVerifier verifier = Signatures.verifier(key.publicKey());
    byte[] message = "custody/v1 checkpoint".getBytes(US_ASCII);
    byte[] signature = new byte[64];
    Signatures.signer(key).sign(message, 0, message.length, signature, 0);
    assertThat(verifier.verify(message, 0, message.length, signature, 0)).isTrue();
    for (int bit = 0; bit < 512; bit += 37) {
      byte[] bad = signature.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(verifier.verify(message, 0, message.length, bad, 0)).as("bit %d", bit).isFalse();
    }
    assertThat(verifier.verify(message, 0, message.length - 1, signature, 0)).isFalse();
    assertThat(verifier.verify(message, 0, message.length, new byte[64], 0)).isFalse();
    // r = n (out of range) with a valid s.
    byte[] rIsN = signature.clone();
    System.arraycopy(unsigned32(P256.DOMAIN.getN()), 0, rIsN, 0, 32);
    assertThat(verifier.verify(message, 0, message.length, rIsN, 0)).isFalse();
    // Another key's signature.
    assertThat(Signatures.verifier(DeviceSigningKey.generate(SignatureSuite.P256).publicKey())
        .verify(message, 0, message.length, signature, 0)).isFalse();
    assertThatThrownBy(() -> verifier.verify(message, 0, message.length, signature, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void suitesDoNotMix() {
    DeviceSigningKey p256 = DeviceSigningKey.generate(SignatureSuite.P256);
    assertThatThrownBy(() -> Ed25519.signer(p256)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p256");
    assertThatThrownBy(() -> Ed25519.verifier(p256.publicKey())).isInstanceOf(IllegalArgumentException.class);
    DeviceSigningKey ed = DeviceSigningKey.generate();
    assertThat(Signatures.signer(ed).publicKey().suite()).isEqualTo(SignatureSuite.ED25519);
    // An Ed25519 signature is not a P-256 one, nor the other way round.
    byte[] message = {1, 2, 3};
    byte[] signature = new byte[64];
    Signatures.signer(ed).sign(message, 0, 3, signature, 0);
    assertThat(Signatures.verifier(p256.publicKey()).verify(message, 0, 3, signature, 0)).isFalse();
    Signatures.signer(p256).sign(message, 0, 3, signature, 0);
    assertThat(Signatures.verifier(ed.publicKey()).verify(message, 0, 3, signature, 0)).isFalse();
    assertThat(SignatureSuite.ofCode(2)).isEqualTo(SignatureSuite.P256);
    assertThat(SignatureSuite.ofId("P256")).isEqualTo(SignatureSuite.P256);
    assertThatThrownBy(() -> SignatureSuite.ofCode(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureSuite.ofId("rsa")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void opensslKeysLoadAndOurPemIsOpensslsByteForByte() throws Exception {
    Path keyFile = dir.resolve("ec.pem");
    Openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile.toString());
    String pem = Files.readString(keyFile, US_ASCII);
    DeviceSigningKey key = DeviceSigningKey.fromPem(pem);
    assertThat(key.suite()).isEqualTo(SignatureSuite.P256);
    assertThat(key.toPem()).isEqualTo(pem);
    String pub = Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout");
    DevicePublicKey publicKey = DevicePublicKey.fromPem(pub);
    assertThat(publicKey).isEqualTo(key.publicKey());
    assertThat(publicKey.toPem()).isEqualTo(pub);
    assertThat(publicKey.toDer()).hasSize(91);
    assertThat(publicKey.keyId()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(publicKey.toDer()));
    // The traditional "EC PRIVATE KEY" form is not PKCS#8: refused with its label named.
    String traditional = Openssl.runText("ec", "-in", keyFile.toString());
    assertThatThrownBy(() -> DeviceSigningKey.fromPem(traditional))
        .isInstanceOf(KeyFormatException.class).extracting("reason").isEqualTo(Reason.WRONG_LABEL);
    // Explicit curve parameters written by OpenSSL are not the named curve: refused.
    String explicit = Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout", "-ec_param_enc", "explicit");
    assertThatThrownBy(() -> DevicePublicKey.fromPem(explicit)).isInstanceOf(KeyFormatException.class);
    // A compressed point is refused: one key, one encoding, one key id.
    String compressed = Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout", "-ec_conv_form", "compressed");
    assertThatThrownBy(() -> DevicePublicKey.fromPem(compressed))
        .isInstanceOf(KeyFormatException.class).extracting("reason").isEqualTo(Reason.WRONG_LENGTH);
    // Another curve is refused.
    Path p384 = dir.resolve("p384.pem");
    Openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", p384.toString());
    assertThatThrownBy(() -> DeviceSigningKey.fromPem(Files.readString(p384, US_ASCII)))
        .isInstanceOf(KeyFormatException.class).extracting("reason").isEqualTo(Reason.WRONG_ALGORITHM);
  }

  @Test
  void ourPemIsReadByOpensslAndItsPublicKeyIsOurs() throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate(SignatureSuite.P256);
    Path keyFile = dir.resolve("ours.pem");
    Files.writeString(keyFile, key.toPem(), US_ASCII);
    assertThat(Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout")).isEqualTo(key.publicKey().toPem());
    assertThat(Openssl.runText("ec", "-in", keyFile.toString(), "-check", "-noout")).isEmpty();
  }

  @Test
  void opensslVerifiesOurSignaturesAndWeVerifyOpenssls() throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate(SignatureSuite.P256);
    Path keyFile = dir.resolve("key.pem");
    Path pubFile = dir.resolve("pub.pem");
    Files.writeString(keyFile, key.toPem(), US_ASCII);
    Files.writeString(pubFile, key.publicKey().toPem(), US_ASCII);
    byte[] message = "custody/v1 header\0 and the header's bytes".getBytes(US_ASCII);
    Path messageFile = dir.resolve("message");
    Files.write(messageFile, message);

    // Ours, r ‖ s, to DER for OpenSSL: both of its verifying commands accept it.
    byte[] signature = new byte[64];
    Signatures.signer(key).sign(message, 0, message.length, signature, 0);
    Path der = dir.resolve("sig.der");
    Files.write(der, toDer(signature));
    assertThat(Openssl.runText("dgst", "-sha256", "-verify", pubFile.toString(), "-signature", der.toString(),
        messageFile.toString())).contains("Verified OK");
    Path digest = dir.resolve("digest");
    Files.write(digest, MessageDigest.getInstance("SHA-256").digest(message));
    assertThat(Openssl.runText("pkeyutl", "-verify", "-pubin", "-inkey", pubFile.toString(), "-in",
        digest.toString(), "-sigfile", der.toString())).contains("Signature Verified Successfully");
    // An altered signature is refused by OpenSSL too (the test can fail).
    byte[] altered = signature.clone();
    altered[40] ^= 1;
    Files.write(der, toDer(altered));
    assertThatThrownBy(() -> Openssl.run("dgst", "-sha256", "-verify", pubFile.toString(), "-signature",
        der.toString(), messageFile.toString())).hasMessageContaining("openssl failed");

    // OpenSSL's (random nonces), DER to r ‖ s, verify here.
    for (int i = 0; i < 5; i++) {
      byte[] theirs = Openssl.run("dgst", "-sha256", "-sign", keyFile.toString(), messageFile.toString());
      byte[] rs = fromDer(theirs);
      assertThat(Signatures.verifier(key.publicKey()).verify(message, 0, message.length, rs, 0)).isTrue();
      rs[63] ^= 1;
      assertThat(Signatures.verifier(key.publicKey()).verify(message, 0, message.length, rs, 0)).isFalse();
    }
  }

  /** {@code r ‖ s} as the DER {@code SEQUENCE { INTEGER r, INTEGER s }} OpenSSL reads. */
  static byte[] toDer(byte[] rs) throws java.io.IOException {
    return new DERSequence(new ASN1Integer[] {
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 0, 32))),
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)))}).getEncoded();
  }

  /** OpenSSL's DER signature as {@code r ‖ s}. */
  static byte[] fromDer(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    byte[] rs = new byte[64];
    System.arraycopy(unsigned32(ASN1Integer.getInstance(seq.getObjectAt(0)).getValue()), 0, rs, 0, 32);
    System.arraycopy(unsigned32(ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()), 0, rs, 32, 32);
    return rs;
  }

  private static byte[] unsigned32(BigInteger v) {
    return org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, v);
  }
}
