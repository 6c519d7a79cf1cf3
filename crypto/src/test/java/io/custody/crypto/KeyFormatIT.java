package io.custody.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.crypto.KeyFormatException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM/DER round trips, interoperability with the JDK and OpenSSL, and refusal of bad keys. */
class KeyFormatIT {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  // ---- round trips -------------------------------------------------------------------------

  @Test
  void deviceKeysRoundTripThroughPem() {
    DeviceSigningKey key = DeviceSigningKey.generate();
    DeviceSigningKey again = DeviceSigningKey.fromPem(key.toPem());
    assertThat(again).isEqualTo(key);
    assertThat(again.toPem()).isEqualTo(key.toPem());
    assertThat(again.publicKey()).isEqualTo(key.publicKey());

    DevicePublicKey pub = DevicePublicKey.fromPem(key.publicKey().toPem());
    assertThat(pub).isEqualTo(key.publicKey());
    assertThat(pub.keyIdHex()).isEqualTo(key.publicKey().keyIdHex()).hasSize(64);
    assertThat(DevicePublicKey.fromRaw(pub.raw())).isEqualTo(pub);
    assertThat(key.toPem()).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(pub.toPem()).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
  }

  @Test
  void recipientKeysRoundTripThroughPem() {
    RecipientPrivateKey key = RecipientPrivateKey.generate();
    RecipientPrivateKey again = RecipientPrivateKey.fromPem(key.toPem());
    assertThat(again).isEqualTo(key);
    assertThat(again.toPem()).isEqualTo(key.toPem());
    RecipientPublicKey pub = RecipientPublicKey.fromPem(key.publicKey().toPem());
    assertThat(pub).isEqualTo(key.publicKey());
    assertThat(RecipientPublicKey.fromRaw(pub.raw())).isEqualTo(pub);
    assertThat(RecipientPrivateKey.fromRaw(key.scalarNoCopy().clone())).isEqualTo(key);
  }

  @Test
  void toStringNeverShowsPrivateKeyMaterial() {
    DeviceSigningKey key = DeviceSigningKey.fromSeed(new byte[32]);
    String seedHex = HEX.formatHex(new byte[32]);
    assertThat(key.toString()).doesNotContain(seedHex).contains(key.publicKey().keyIdHex());
    RecipientPrivateKey r = RecipientPrivateKey.generate();
    assertThat(r.toString()).contains(r.publicKey().keyIdHex());
  }

  @Test
  void keyIdIsSha256OfTheSubjectPublicKeyInfo() throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] spki = key.publicKey().toDer();
    assertThat(spki).hasSize(44);
    assertThat(key.publicKey().keyId()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(spki));
    RecipientPublicKey r = RecipientPrivateKey.generate().publicKey();
    assertThat(r.keyId()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(r.toDer()));
    assertThat(r.keyId()).isNotEqualTo(key.publicKey().keyId());
  }

  // ---- JDK interoperability ---------------------------------------------------------------

  @Test
  void ed25519KeysInteroperateWithTheJdk() throws Exception {
    // Ours -> JDK: the JDK parses our DER and its signature verifies under our public key.
    DeviceSigningKey ours = DeviceSigningKey.generate();
    KeyFactory factory = KeyFactory.getInstance("Ed25519");
    var jdkPrivate = factory.generatePrivate(new PKCS8EncodedKeySpec(ours.toDer()));
    var jdkPublic = factory.generatePublic(new X509EncodedKeySpec(ours.publicKey().toDer()));
    assertThat(jdkPublic.getEncoded()).isEqualTo(ours.publicKey().toDer());
    byte[] message = "fragment 17".getBytes(US_ASCII);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(jdkPrivate);
    jdk.update(message);
    byte[] signature = jdk.sign();
    assertThat(Ed25519.verifier(ours.publicKey()).verify(message, 0, message.length, signature, 0))
        .isTrue();

    // JDK -> ours: a JDK-generated key reads back with the same public key and key id.
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    DeviceSigningKey fromJdk = DeviceSigningKey.fromPem(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    DevicePublicKey jdkPub = DevicePublicKey.fromPem(pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    assertThat(fromJdk.publicKey()).isEqualTo(jdkPub);
    assertThat(fromJdk.publicKey().toDer()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(jdkPub.keyId())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
    assertThat(((EdECPublicKey) pair.getPublic()).getParams().getName()).isEqualTo("Ed25519");
  }

  @Test
  void x25519KeysInteroperateWithTheJdk() throws Exception {
    RecipientPrivateKey ours = RecipientPrivateKey.generate();
    KeyFactory factory = KeyFactory.getInstance("X25519");
    var jdkPrivate = factory.generatePrivate(new PKCS8EncodedKeySpec(ours.toDer()));
    var jdkPublic = factory.generatePublic(new X509EncodedKeySpec(ours.publicKey().toDer()));
    assertThat(jdkPublic.getEncoded()).isEqualTo(ours.publicKey().toDer());

    KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    RecipientPrivateKey fromJdk = RecipientPrivateKey.fromPem(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    assertThat(fromJdk.publicKey().toDer()).isEqualTo(pair.getPublic().getEncoded());

    // Same shared secret both ways: our derived public key is the JDK's.
    KeyAgreement a = KeyAgreement.getInstance("X25519");
    a.init(jdkPrivate);
    a.doPhase(pair.getPublic(), true);
    KeyAgreement b = KeyAgreement.getInstance("X25519");
    b.init(pair.getPrivate());
    b.doPhase(jdkPublic, true);
    assertThat(a.generateSecret()).isEqualTo(b.generateSecret());
  }

  @Test
  void pkcs8Version2WithAMatchingPublicKeyIsAccepted() throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] seed = key.seed();
    byte[] v2 = pkcs8v2(seed, key.publicKey().raw());
    assertThat(DeviceSigningKey.fromPem(pem("PRIVATE KEY", v2))).isEqualTo(key);

    byte[] otherPublic = DeviceSigningKey.generate().publicKey().raw();
    assertThatThrownBy(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", pkcs8v2(seed, otherPublic))))
        .isInstanceOfSatisfying(KeyFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY));
  }

  // ---- OpenSSL interoperability -----------------------------------------------------------

  @Test
  void ed25519PemInteroperatesWithOpenssl() throws Exception {
    assumeTrue(Openssl.available(), "openssl not installed");
    // Ours -> openssl: openssl derives the same public key PEM, byte for byte.
    DeviceSigningKey ours = DeviceSigningKey.generate();
    Path keyFile = write("ours-ed25519.pem", ours.toPem());
    assertThat(Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout"))
        .isEqualTo(ours.publicKey().toPem());
    assertThat(Openssl.runText("pkey", "-in", keyFile.toString())).isEqualTo(ours.toPem());

    // openssl -> ours: an openssl key reads back; its public key PEM is openssl's.
    Path generated = dir.resolve("openssl-ed25519.pem");
    Openssl.run("genpkey", "-algorithm", "ed25519", "-out", generated.toString());
    String opensslPem = Files.readString(generated, US_ASCII);
    DeviceSigningKey theirs = DeviceSigningKey.fromPem(opensslPem);
    assertThat(theirs.toPem()).isEqualTo(opensslPem);
    String opensslPublic = Openssl.runText("pkey", "-in", generated.toString(), "-pubout");
    assertThat(theirs.publicKey().toPem()).isEqualTo(opensslPublic);
    assertThat(DevicePublicKey.fromPem(opensslPublic)).isEqualTo(theirs.publicKey());

    // openssl's (deterministic) signature is byte-identical to ours and verifies everywhere.
    byte[] message = "chain head 0123456789abcdef".getBytes(US_ASCII);
    Path messageFile = dir.resolve("message.bin");
    Files.write(messageFile, message);
    byte[] opensslSignature =
        Openssl.run("pkeyutl", "-sign", "-rawin", "-inkey", generated.toString(), "-in", messageFile.toString());
    assertThat(opensslSignature).hasSize(64);
    for (Ed25519Implementation impl : Ed25519Implementation.values()) {
      byte[] ourSignature = new byte[64];
      impl.signer(theirs).sign(message, 0, message.length, ourSignature, 0);
      assertThat(ourSignature).as(impl.name()).isEqualTo(opensslSignature);
      assertThat(impl.verifier(theirs.publicKey()).verify(message, 0, message.length, opensslSignature, 0))
          .as(impl.name())
          .isTrue();
    }
  }

  @Test
  void x25519PemInteroperatesWithOpenssl() throws Exception {
    assumeTrue(Openssl.available(), "openssl not installed");
    RecipientPrivateKey ours = RecipientPrivateKey.generate();
    Path keyFile = write("ours-x25519.pem", ours.toPem());
    assertThat(Openssl.runText("pkey", "-in", keyFile.toString(), "-pubout"))
        .isEqualTo(ours.publicKey().toPem());

    Path generated = dir.resolve("openssl-x25519.pem");
    Openssl.run("genpkey", "-algorithm", "x25519", "-out", generated.toString());
    String opensslPem = Files.readString(generated, US_ASCII);
    RecipientPrivateKey theirs = RecipientPrivateKey.fromPem(opensslPem);
    assertThat(theirs.toPem()).isEqualTo(opensslPem);
    assertThat(theirs.publicKey().toPem())
        .isEqualTo(Openssl.runText("pkey", "-in", generated.toString(), "-pubout"));
  }

  // ---- malformed input --------------------------------------------------------------------

  @Test
  void malformedPemIsRefusedWithAReason() {
    String good = DeviceSigningKey.generate().toPem();
    String goodPublic = DevicePublicKey.fromPem(DeviceSigningKey.generate().publicKey().toPem()).toPem();
    assertReason(() -> DeviceSigningKey.fromPem(null), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem(""), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem("not a key at all"), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem(good.replace("-----END PRIVATE KEY-----\n", "")), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem(good + good), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem(good + "trailing"), Reason.NOT_PEM);
    assertReason(() -> DeviceSigningKey.fromPem(goodPublic), Reason.WRONG_LABEL);
    assertReason(() -> DevicePublicKey.fromPem(good), Reason.WRONG_LABEL);
    assertReason(
        () -> DeviceSigningKey.fromPem(good.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")),
        Reason.WRONG_LABEL);
    assertReason(() -> DeviceSigningKey.fromPem(good.replace("M", "*")), Reason.BAD_BASE64);
    assertReason(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", new byte[] {1, 2, 3})), Reason.BAD_DER);
    assertReason(
        () -> DeviceSigningKey.fromPem("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"),
        Reason.BAD_DER);
    // Truncated DER, and DER with a byte appended.
    byte[] der = DeviceSigningKey.generate().toDer();
    assertReason(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", java.util.Arrays.copyOf(der, 40))), Reason.BAD_DER);
    assertReason(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", java.util.Arrays.copyOf(der, 49))), Reason.BAD_DER);
    // Surrounding whitespace and CRLF line ends are fine.
    assertThat(DeviceSigningKey.fromPem("\n  " + good.replace("\n", "\r\n") + "\n\n")).isNotNull();
  }

  @Test
  void keysOfAnotherAlgorithmAreRefused() throws Exception {
    assertReason(() -> RecipientPrivateKey.fromPem(DeviceSigningKey.generate().toPem()), Reason.WRONG_ALGORITHM);
    assertReason(() -> DeviceSigningKey.fromPem(RecipientPrivateKey.generate().toPem()), Reason.WRONG_ALGORITHM);
    assertReason(() -> DevicePublicKey.fromPem(RecipientPrivateKey.generate().publicKey().toPem()), Reason.WRONG_ALGORITHM);
    assertReason(() -> RecipientPublicKey.fromPem(DeviceSigningKey.generate().publicKey().toPem()), Reason.WRONG_ALGORITHM);
    // P-256 is a device key suite (P256IT); P-384 and RSA are not.
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    KeyPair ec = p384.generateKeyPair();
    assertReason(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", ec.getPrivate().getEncoded())), Reason.WRONG_ALGORITHM);
    assertReason(() -> DevicePublicKey.fromPem(pem("PUBLIC KEY", ec.getPublic().getEncoded())), Reason.WRONG_ALGORITHM);
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    assertReason(() -> DeviceSigningKey.fromPem(pem("PRIVATE KEY", rsa.getPrivate().getEncoded())), Reason.WRONG_ALGORITHM);
    assertReason(() -> DevicePublicKey.fromPem(pem("PUBLIC KEY", rsa.getPublic().getEncoded())), Reason.WRONG_ALGORITHM);
  }

  @Test
  void jdkP256KeysLoadAndItsSignaturesVerify() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    DeviceSigningKey key = DeviceSigningKey.fromPem(pem("PRIVATE KEY", ec.getPrivate().getEncoded()));
    DevicePublicKey pub = DevicePublicKey.fromPem(pem("PUBLIC KEY", ec.getPublic().getEncoded()));
    assertThat(key.publicKey()).isEqualTo(pub);
    assertThat(pub.toDer()).isEqualTo(ec.getPublic().getEncoded());
    byte[] message = "custody".getBytes(US_ASCII);
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initSign(ec.getPrivate());
    jdk.update(message);
    byte[] signature = jdk.sign();
    assertThat(Signatures.verifier(pub).verify(message, 0, message.length, signature, 0)).isTrue();
    byte[] ours = new byte[64];
    Signatures.signer(key).sign(message, 0, message.length, ours, 0);
    jdk.initVerify(ec.getPublic());
    jdk.update(message);
    assertThat(jdk.verify(ours)).isTrue();
  }

  @Test
  void invalidRawKeysAreRefused() {
    assertReason(() -> DevicePublicKey.fromRaw(null), Reason.WRONG_LENGTH);
    assertReason(() -> DevicePublicKey.fromRaw(new byte[31]), Reason.WRONG_LENGTH);
    assertReason(() -> DeviceSigningKey.fromSeed(new byte[33]), Reason.WRONG_LENGTH);
    assertReason(() -> RecipientPrivateKey.fromRaw(new byte[16]), Reason.WRONG_LENGTH);
    assertReason(() -> RecipientPublicKey.fromRaw(new byte[0]), Reason.WRONG_LENGTH);
    // Ed25519: the identity point (small order) and a non-canonical y >= p.
    byte[] identity = new byte[32];
    identity[0] = 1;
    assertReason(() -> DevicePublicKey.fromRaw(identity), Reason.INVALID_KEY);
    byte[] nonCanonical = new byte[32];
    java.util.Arrays.fill(nonCanonical, (byte) 0xff);
    nonCanonical[31] = 0x7f;
    assertReason(() -> DevicePublicKey.fromRaw(nonCanonical), Reason.INVALID_KEY);
    // X25519: u = 0 and u = 1 are of small order; the top bit must be clear.
    assertReason(() -> RecipientPublicKey.fromRaw(new byte[32]), Reason.INVALID_KEY);
    byte[] one = new byte[32];
    one[0] = 1;
    assertReason(() -> RecipientPublicKey.fromRaw(one), Reason.INVALID_KEY);
    byte[] topBit = RecipientPrivateKey.generate().publicKey().raw();
    topBit[31] |= (byte) 0x80;
    assertReason(() -> RecipientPublicKey.fromRaw(topBit), Reason.INVALID_KEY);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(KeyFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** RFC 5958 OneAsymmetricKey v2: the seed and the public key. */
  private static byte[] pkcs8v2(byte[] seed, byte[] publicKey) throws Exception {
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112")),
            new DEROctetString(seed),
            null,
            publicKey)
        .getEncoded("DER");
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text, US_ASCII);
    return file;
  }
}
