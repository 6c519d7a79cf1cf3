package io.custody.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.AccessesPartialKey;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * HPKE key wrapping: round trips, every failure typed, RFC 9180 interoperability (the RFC's
 * vector, an independent implementation of the RFC, Tink both ways), and a bound on its garbage.
 */
class KeyWrapTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] INFO = "custody/v1 segment 0f3c recipient=backoffice".getBytes(US_ASCII);

  // RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode.
  private static final byte[] A1_INFO = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
  private static final byte[] A1_SK_R = HEX.parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
  private static final byte[] A1_PK_R = HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  private static final byte[] A1_SK_E = HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
  private static final byte[] A1_ENC = HEX.parseHex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  private static final byte[] A1_SHARED_SECRET = HEX.parseHex("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc");
  private static final byte[] A1_AAD_0 = HEX.parseHex("436f756e742d30");
  private static final byte[] A1_PLAINTEXT = HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");
  private static final byte[] A1_CIPHERTEXT_0 =
      HEX.parseHex("f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a");

  @Test
  void roundTrip() throws Exception {
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] contentKey = randomKey();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
    assertThat(wrapped).hasSize(KeyWrap.WRAPPED_LENGTH_32).hasSize(KeyWrap.wrappedLength(32));
    assertThat(KeyWrap.unwrap(recipient, wrapped, INFO)).isEqualTo(contentKey);
    // A fresh ephemeral key per wrap: same input, different bytes, both open.
    byte[] again = KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
    assertThat(again).isNotEqualTo(wrapped);
    assertThat(KeyWrap.unwrap(recipient, again, INFO)).isEqualTo(contentKey);
    // Empty info and other key lengths work too.
    byte[] key16 = Arrays.copyOf(contentKey, 16);
    assertThat(KeyWrap.unwrap(recipient, KeyWrap.wrap(recipient.publicKey(), key16, new byte[0]), new byte[0]))
        .isEqualTo(key16);
    // Through PEM, as a back office would load its key.
    RecipientPrivateKey loaded = RecipientPrivateKey.fromPem(recipient.toPem());
    assertThat(KeyWrap.unwrap(loaded, wrapped, INFO)).isEqualTo(contentKey);
  }

  @Test
  void wrongRecipientKeyIsNotAuthentic() {
    byte[] wrapped = KeyWrap.wrap(RecipientPrivateKey.generate().publicKey(), randomKey(), INFO);
    assertNotAuthentic(RecipientPrivateKey.generate(), wrapped, INFO);
  }

  @Test
  void everyFlippedByteIsNotAuthentic() {
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), randomKey(), INFO);
    for (int i = 0; i < wrapped.length; i++) {
      byte[] altered = wrapped.clone();
      altered[i] ^= 0x01;
      assertNotAuthentic(recipient, altered, INFO);
    }
  }

  @Test
  void differentInfoIsNotAuthentic() {
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), randomKey(), INFO);
    assertNotAuthentic(recipient, wrapped, "custody/v1 segment 0f3d recipient=backoffice".getBytes(US_ASCII));
    assertNotAuthentic(recipient, wrapped, new byte[0]);
  }

  @Test
  void truncatedInputIsMalformed() {
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), randomKey(), INFO);
    assertThatThrownBy(() -> KeyWrap.unwrap(recipient, Arrays.copyOf(wrapped, 48), INFO))
        .isInstanceOfSatisfying(
            KeyUnwrapException.class, e -> assertThat(e.reason()).isEqualTo(KeyUnwrapException.Reason.MALFORMED));
    assertNotAuthentic(recipient, Arrays.copyOf(wrapped, 79), INFO);
    assertThatThrownBy(() -> KeyWrap.wrap(recipient.publicKey(), new byte[0], INFO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- RFC 9180 interoperability ------------------------------------------------------------

  @Test
  void recipientKeyDerivationMatchesRfc9180() {
    assertThat(RecipientPrivateKey.fromRaw(A1_SK_R).publicKey().raw()).isEqualTo(A1_PK_R);
  }

  @Test
  void bouncyCastleHpkeSealsAndOpensTheRfc9180A1Vector() throws Exception {
    // BouncyCastle's HPKE, the code KeyWrap runs, on RFC 9180 A.1.1 (AES-128-GCM: the RFC has no
    // vector for AES-256-GCM with X25519), with the RFC's ephemeral key so that sealing is exact.
    // KeyWrap's single shot has no AAD, so the context API.
    HPKE hpke = new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
    X25519PrivateKeyParameters skE = new X25519PrivateKeyParameters(A1_SK_E, 0);
    HPKEContextWithEncapsulation sender = hpke.setupBaseS(
        new X25519PublicKeyParameters(A1_PK_R, 0), A1_INFO, new AsymmetricCipherKeyPair(skE.generatePublicKey(), skE));
    assertThat(sender.getEncapsulation()).isEqualTo(A1_ENC);
    assertThat(sender.seal(A1_AAD_0, A1_PLAINTEXT)).isEqualTo(A1_CIPHERTEXT_0);

    X25519PrivateKeyParameters skR = new X25519PrivateKeyParameters(A1_SK_R, 0);
    HPKEContext recipient =
        hpke.setupBaseR(A1_ENC, new AsymmetricCipherKeyPair(skR.generatePublicKey(), skR), A1_INFO);
    assertThat(recipient.open(A1_AAD_0, A1_CIPHERTEXT_0)).isEqualTo(A1_PLAINTEXT);
  }

  @Test
  void referenceImplementationOpensTheRfc9180A1Vector() throws Exception {
    Rfc9180Reference hpke = new Rfc9180Reference(Rfc9180Reference.AES_128_GCM);
    RecipientPrivateKey skR = RecipientPrivateKey.fromRaw(A1_SK_R);
    assertThat(hpke.sharedSecret(A1_ENC, skR)).isEqualTo(A1_SHARED_SECRET);
    Rfc9180Reference.Context context = hpke.setupBaseRecipient(A1_ENC, skR, A1_INFO);
    assertThat(Rfc9180Reference.open(context, A1_AAD_0, A1_CIPHERTEXT_0)).isEqualTo(A1_PLAINTEXT);
  }

  @Test
  void keyWrapInteroperatesWithTheIndependentRfc9180Implementation() throws Exception {
    // The same reference, proven on A.1 above, switched to AEAD 0x0002 (AES-256-GCM).
    Rfc9180Reference hpke = new Rfc9180Reference(Rfc9180Reference.AES_256_GCM);
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] contentKey = randomKey();

    // KeyWrap -> reference: enc is the first 32 bytes, the rest is Seal(aad = "").
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
    byte[] enc = Arrays.copyOf(wrapped, 32);
    byte[] ciphertext = Arrays.copyOfRange(wrapped, 32, wrapped.length);
    Rfc9180Reference.Context opened = hpke.setupBaseRecipient(enc, recipient, INFO);
    assertThat(Rfc9180Reference.open(opened, new byte[0], ciphertext)).isEqualTo(contentKey);

    // Reference -> KeyWrap.
    Object[] sender = hpke.setupBaseSender(recipient.publicKey(), RecipientPrivateKey.generate(), INFO);
    byte[] sealed = Rfc9180Reference.seal((Rfc9180Reference.Context) sender[1], new byte[0], contentKey);
    byte[] foreign = Rfc9180Reference.concat((byte[]) sender[0], sealed);
    assertThat(KeyWrap.unwrap(recipient, foreign, INFO)).isEqualTo(contentKey);
  }

  @Test
  void keyWrapWithAFixedEphemeralKeyWritesExactlyTheReferenceBytes() throws Exception {
    // Known answer for the whole wire format (enc ‖ Seal("", key)) with AEAD 0x0002.
    Rfc9180Reference hpke = new Rfc9180Reference(Rfc9180Reference.AES_256_GCM);
    RecipientPrivateKey recipient = RecipientPrivateKey.fromRaw(A1_SK_R);
    RecipientPrivateKey ephemeral = RecipientPrivateKey.fromRaw(A1_SK_E);
    byte[] contentKey = randomKey();
    Object[] sender = hpke.setupBaseSender(recipient.publicKey(), ephemeral, INFO);
    byte[] expected = Rfc9180Reference.concat(
        (byte[]) sender[0], Rfc9180Reference.seal((Rfc9180Reference.Context) sender[1], new byte[0], contentKey));
    assertThat(KeyWrap.wrap(recipient.publicKey(), contentKey, INFO, A1_SK_E)).isEqualTo(expected);
  }

  @Test
  @AccessesPartialKey // the recipient's raw X25519 key, imported into Tink for the cross-check
  void keyWrapInteroperatesWithTinkKeysetHybridEncryption() throws Exception {
    HybridConfig.register();
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    HpkeParameters parameters =
        HpkeParameters.builder()
            .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
            .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
            .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
            .setVariant(HpkeParameters.Variant.NO_PREFIX)
            .build();
    HpkePublicKey publicKey = HpkePublicKey.create(parameters, Bytes.copyFrom(recipient.publicKey().raw()), null);
    HpkePrivateKey privateKey =
        HpkePrivateKey.create(publicKey, SecretBytes.copyFrom(recipient.scalarNoCopy(), InsecureSecretKeyAccess.get()));
    KeysetHandle handle =
        KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(privateKey).withRandomId().makePrimary()).build();
    byte[] contentKey = randomKey();

    HybridDecrypt decrypt = handle.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
    assertThat(decrypt.decrypt(KeyWrap.wrap(recipient.publicKey(), contentKey, INFO), INFO)).isEqualTo(contentKey);

    HybridEncrypt encrypt = handle.getPublicKeysetHandle().getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
    assertThat(KeyWrap.unwrap(recipient, encrypt.encrypt(contentKey, INFO), INFO)).isEqualTo(contentKey);
  }

  @Test
  void anEncapsulatedKeyOfSmallOrderIsNotAuthentic() {
    // u = 0 and u = 1 are points of small order: X25519 with them gives the all-zero secret.
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), randomKey(), INFO);
    byte[] zero = wrapped.clone();
    Arrays.fill(zero, 0, 32, (byte) 0);
    assertNotAuthentic(recipient, zero, INFO);
    byte[] one = zero.clone();
    one[0] = 1;
    assertNotAuthentic(recipient, one, INFO);
  }

  @Test
  void aKeyWrapAndAnUnwrapEachAllocateLessThan64KiB() throws Exception {
    // Tink's HPKE allocated ~1.16 MB per wrap (its pure-Java X25519); BouncyCastle's ~26 KB.
    // Counted by the JVM for this thread, after a warm-up so that class loading is not counted.
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
    RecipientPrivateKey recipient = RecipientPrivateKey.generate();
    byte[] contentKey = randomKey();
    byte[] wrapped = KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
    int runs = 50;
    for (int i = 0; i < runs; i++) {
      KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
      KeyWrap.unwrap(recipient, wrapped, INFO);
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < runs; i++) {
      KeyWrap.wrap(recipient.publicKey(), contentKey, INFO);
    }
    long afterWraps = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < runs; i++) {
      KeyWrap.unwrap(recipient, wrapped, INFO);
    }
    long afterUnwraps = threads.getThreadAllocatedBytes(thread);
    assertThat((afterWraps - before) / runs).as("bytes allocated per wrap").isLessThan(64 * 1024);
    assertThat((afterUnwraps - afterWraps) / runs).as("bytes allocated per unwrap").isLessThan(64 * 1024);
  }

  private static void assertNotAuthentic(RecipientPrivateKey recipient, byte[] wrapped, byte[] info) {
    assertThatThrownBy(() -> KeyWrap.unwrap(recipient, wrapped, info))
        .isInstanceOfSatisfying(
            KeyUnwrapException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyUnwrapException.Reason.NOT_AUTHENTIC));
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  // ---- unwrapping through a key agreement (a token's key) ------------------------------------

  /** A software stand-in for a token's X25519 key: computes the agreement, hides the scalar. */
  private static RecipientKeyAgreement agreement(RecipientPrivateKey key) {
    return new RecipientKeyAgreement() {
      @Override
      public RecipientPublicKey publicKey() {
        return key.publicKey();
      }

      @Override
      public byte[] agree(byte[] peer) {
        byte[] out = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(key.scalarNoCopy(), 0, peer, 0, out, 0);
        return out;
      }
    };
  }

  @Test
  void anAgreementOpensWhatThePrivateKeyOpens() throws Exception {
    RecipientPrivateKey key = RecipientPrivateKey.generate();
    byte[] info = "custody/v1 content key\0segment".getBytes(US_ASCII);
    for (int length : new int[] {1, 16, 32, 100}) {
      byte[] contentKey = new byte[length];
      new SecureRandom().nextBytes(contentKey);
      byte[] wrapped = KeyWrap.wrap(key.publicKey(), contentKey, info);
      assertThat(KeyWrap.unwrap(agreement(key), wrapped, info)).isEqualTo(contentKey)
          .isEqualTo(KeyWrap.unwrap(key, wrapped, info));
    }
  }

  @Test
  void anAgreementRefusesWhatThePrivateKeyRefuses() throws Exception {
    RecipientPrivateKey key = RecipientPrivateKey.generate();
    byte[] info = {1, 2, 3};
    byte[] wrapped = KeyWrap.wrap(key.publicKey(), new byte[32], info);
    assertThatThrownBy(() -> KeyWrap.unwrap(agreement(RecipientPrivateKey.generate()), wrapped, info))
        .isInstanceOf(KeyUnwrapException.class).extracting("reason").isEqualTo(KeyUnwrapException.Reason.NOT_AUTHENTIC);
    assertThatThrownBy(() -> KeyWrap.unwrap(agreement(key), wrapped, new byte[] {1, 2, 4}))
        .isInstanceOf(KeyUnwrapException.class).extracting("reason").isEqualTo(KeyUnwrapException.Reason.NOT_AUTHENTIC);
    byte[] altered = wrapped.clone();
    altered[50] ^= 1;
    assertThatThrownBy(() -> KeyWrap.unwrap(agreement(key), altered, info))
        .isInstanceOf(KeyUnwrapException.class).extracting("reason").isEqualTo(KeyUnwrapException.Reason.NOT_AUTHENTIC);
    byte[] smallOrder = wrapped.clone();
    Arrays.fill(smallOrder, 0, 32, (byte) 0); // enc = 0: the all-zero shared secret
    assertThatThrownBy(() -> KeyWrap.unwrap(agreement(key), smallOrder, info))
        .isInstanceOf(KeyUnwrapException.class).hasMessageContaining("small order");
    assertThatThrownBy(() -> KeyWrap.unwrap(agreement(key), Arrays.copyOf(wrapped, 48), info))
        .isInstanceOf(KeyUnwrapException.class).extracting("reason").isEqualTo(KeyUnwrapException.Reason.MALFORMED);
  }

  @Test
  void aRecipientKeyHeldElsewhereOpensLikeAnyOtherAndHasNoPem() throws Exception {
    RecipientPrivateKey software = RecipientPrivateKey.generate();
    RecipientPrivateKey held = RecipientPrivateKey.inToken(agreement(software));
    assertThat(held.publicKey()).isEqualTo(software.publicKey());
    byte[] info = {9};
    byte[] wrapped = KeyWrap.wrap(software.publicKey(), new byte[] {1, 2, 3}, info);
    assertThat(KeyWrap.unwrap(held, wrapped, info)).containsExactly(1, 2, 3);
    assertThatThrownBy(held::toPem).isInstanceOf(IllegalStateException.class).hasMessageContaining("token");
    assertThat(held).isNotEqualTo(software).isNotEqualTo(RecipientPrivateKey.inToken(agreement(software)));
    assertThat(software).isNotEqualTo(held);
    assertThat(held.toString()).contains(software.publicKey().keyIdHex());
  }
}
