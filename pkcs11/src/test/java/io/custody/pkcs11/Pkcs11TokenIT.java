package io.custody.pkcs11;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import iaik.pkcs.pkcs11.objects.Attribute;
import iaik.pkcs.pkcs11.objects.ECPrivateKey;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyUnwrapException;
import io.custody.crypto.KeyWrap;
import io.custody.crypto.RecipientKeyAgreement;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.SignatureVerifier;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys generated in a SoftHSM2 token: both suites sign there and verify in software, X25519
 * agreements there open HPKE wraps, and the private keys cannot be read out.
 */
class Pkcs11TokenIT {
  @ParameterizedTest
  @EnumSource(SignatureSuite.class)
  void keysGeneratedInTheTokenSignThere(SignatureSuite suite) throws Exception {
    String label = SoftHsm.label("device");
    try (Pkcs11Token token = SoftHsm.open()) {
      DevicePublicKey pub = token.generateDeviceKey(label, suite);
      assertThat(pub.suite()).isEqualTo(suite);
      Signer signer = token.signer(label);
      assertThat(signer.publicKey()).isEqualTo(pub);
      SignatureVerifier verifier = Signatures.verifier(pub);
      byte[] message = "custody/v1 manifest\0chain and json".getBytes(US_ASCII);
      byte[] signature = new byte[80];
      signer.sign(message, 2, message.length - 2, signature, 7);
      assertThat(verifier.verify(message, 2, message.length - 2, signature, 7)).isTrue();
      signature[20] ^= 1;
      assertThat(verifier.verify(message, 2, message.length - 2, signature, 7)).isFalse();
      assertThatThrownBy(() -> signer.sign(message, 0, message.length, new byte[63], 0))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
    // Another session, later, finds the same key by its label.
    try (Pkcs11Token token = SoftHsm.open()) {
      assertThat(token.signer(label).publicKey().suite()).isEqualTo(suite);
    }
  }

  @Test
  void oneSignerServesManyThreads() throws Exception {
    try (Pkcs11Token token = SoftHsm.open()) {
      String label = SoftHsm.label("threads");
      token.generateDeviceKey(label, SignatureSuite.P256);
      Signer signer = token.signer(label);
      SignatureVerifier verifier = Signatures.verifier(signer.publicKey());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          byte[] message = ("fragment " + i).getBytes(US_ASCII);
          results.add(pool.submit(() -> {
            byte[] signature = new byte[64];
            signer.sign(message, 0, message.length, signature, 0);
            return verifier.verify(message, 0, message.length, signature, 0);
          }));
        }
        for (Future<Boolean> r : results) {
          assertThat(r.get()).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void thePrivateKeyCannotBeReadOutOfTheToken() throws Exception {
    String label = SoftHsm.label("secret");
    try (Pkcs11Token token = SoftHsm.open()) {
      token.generateDeviceKey(label, SignatureSuite.ED25519);
    }
    // Through the binding itself, bypassing Pkcs11Token: C_GetAttributeValue(CKA_VALUE) is refused
    // as sensitive, and the key says it was always sensitive and never extractable.
    iaik.pkcs.pkcs11.Module module = Pkcs11Token.module(SoftHsm.MODULE);
    iaik.pkcs.pkcs11.Token t = null;
    for (iaik.pkcs.pkcs11.Slot slot : module.getSlotList(true)) {
      if (slot.getToken().getTokenInfo().getLabel().trim().equals(SoftHsm.TOKEN)) {
        t = slot.getToken();
      }
    }
    assertThat(t).isNotNull();
    iaik.pkcs.pkcs11.Session session = t.openSession(true, false, null, null);
    try {
      session.login(true, SoftHsm.PIN.toCharArray());
    } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
      assertThat(e.getErrorCode()).isEqualTo(0x100L); // CKR_USER_ALREADY_LOGGED_IN: the process is
    }
    try {
      ECPrivateKey template = new ECPrivateKey(0x40L);
      template.getLabel().setCharArrayValue(label.toCharArray());
      session.findObjectsInit(template);
      iaik.pkcs.pkcs11.objects.PKCS11Object[] found = session.findObjects(1);
      session.findObjectsFinal();
      assertThat(found).hasSize(1);
      ECPrivateKey key = (ECPrivateKey) found[0];
      Attribute value = key.getValue();
      assertThat(value.isSensitive()).as("CKA_VALUE refused as sensitive").isTrue();
      assertThat(key.getValue().getByteArrayValue()).isNull();
      assertThat(key.getSensitive().getBooleanValue()).isTrue();
      assertThat(key.getExtractable().getBooleanValue()).isFalse();
      assertThat(key.getAlwaysSensitive().getBooleanValue()).isTrue();
      assertThat(key.getNeverExtractable().getBooleanValue()).isTrue();
    } finally {
      session.closeSession();
    }
    // And as an independent tool, OpenSC's pkcs11-tool, lists it: sensitive, never extractable,
    // generated in the token ("local"), for signing only.
    String listed = SoftHsm.run("pkcs11-tool", "--module", SoftHsm.MODULE.toString(), "--token-label",
        SoftHsm.TOKEN, "--login", "--pin", SoftHsm.PIN, "--list-objects", "--type", "privkey", "--label", label);
    assertThat(listed).contains("label:      " + label)
        .contains("Access:     sensitive, always sensitive, never extractable, local")
        .contains("Usage:      sign\n");
  }

  @Test
  void recipientKeysInTheTokenOpenWraps() throws Exception {
    String label = SoftHsm.label("recipient");
    try (Pkcs11Token token = SoftHsm.open()) {
      RecipientPublicKey pub = token.generateRecipientKey(label);
      RecipientKeyAgreement key = token.recipientKey(label);
      assertThat(key.publicKey()).isEqualTo(pub);
      byte[] info = "custody/v1 content key\0segment 7".getBytes(US_ASCII);
      byte[] contentKey = new byte[32];
      new SecureRandom().nextBytes(contentKey);
      byte[] wrapped = KeyWrap.wrap(pub, contentKey, info);
      assertThat(KeyWrap.unwrap(key, wrapped, info)).isEqualTo(contentKey);
      // As the seal library takes it: a RecipientPrivateKey whose agreements happen in the token.
      assertThat(KeyWrap.unwrap(RecipientPrivateKey.inToken(key), wrapped, info)).isEqualTo(contentKey);
      // A wrap for someone else does not open.
      byte[] other = KeyWrap.wrap(RecipientPrivateKey.generate().publicKey(), contentKey, info);
      assertThatThrownBy(() -> KeyWrap.unwrap(key, other, info)).isInstanceOf(KeyUnwrapException.class)
          .extracting("reason").isEqualTo(KeyUnwrapException.Reason.NOT_AUTHENTIC);
      // A device key is not a recipient key, and the other way round.
      assertThatThrownBy(() -> token.signer(label)).isInstanceOf(Pkcs11Exception.class)
          .hasMessageContaining("neither an Ed25519 nor a P-256 key");
      String device = SoftHsm.label("device");
      token.generateDeviceKey(device, SignatureSuite.ED25519);
      assertThatThrownBy(() -> token.recipientKey(device)).isInstanceOf(Pkcs11Exception.class)
          .hasMessageContaining("not an X25519 key");
    }
  }

  @Test
  void mistakesAreRefusedInWords() throws Exception {
    String label = SoftHsm.label("twice");
    try (Pkcs11Token token = SoftHsm.open()) {
      token.generateDeviceKey(label, SignatureSuite.P256);
      assertThatThrownBy(() -> token.generateDeviceKey(label, SignatureSuite.ED25519))
          .isInstanceOf(Pkcs11Exception.class).hasMessageContaining("never overwritten");
      assertThatThrownBy(() -> token.signer("no-such-key")).isInstanceOf(Pkcs11Exception.class)
          .hasMessageContaining("holds no private key labelled \"no-such-key\"");
    }
    // No session is open now, so the token checks the PIN (while one is, the process is logged in).
    assertThatThrownBy(() -> Pkcs11Token.open(SoftHsm.MODULE, SoftHsm.TOKEN, "wrong-pin".toCharArray()))
        .isInstanceOf(Pkcs11Exception.class).hasMessageContaining("refused the PIN")
        .hasMessageNotContaining("wrong-pin");
    assertThatThrownBy(() -> Pkcs11Token.open(SoftHsm.MODULE, "no-such-token", SoftHsm.PIN.toCharArray()))
        .isInstanceOf(Pkcs11Exception.class).hasMessageContaining("no token labelled \"no-such-token\"")
        .hasMessageContaining(SoftHsm.TOKEN);
    assertThatThrownBy(() -> Pkcs11Token.open(Path.of("/nonexistent/libp11.so"), SoftHsm.TOKEN, SoftHsm.PIN.toCharArray()))
        .isInstanceOf(Pkcs11Exception.class).hasMessageContaining("no PKCS#11 module at");
  }
}
