package io.custody.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent, test-only RFC 9180 base-mode HPKE for DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256
 * with AES-128-GCM or AES-256-GCM, written from the RFC's pseudocode on the JDK (X25519 key
 * agreement, AES-GCM) and {@link Hkdf}. It is checked against the RFC's A.1 vector and then used
 * as a second implementation to test {@link KeyWrap} (BouncyCastle) against, for the AES-256-GCM
 * suite the RFC gives no vector for.
 */
final class Rfc9180Reference {
  static final int AES_128_GCM = 0x0001;
  static final int AES_256_GCM = 0x0002;
  private static final int KEM_X25519_SHA256 = 0x0020;
  private static final int KDF_HKDF_SHA256 = 0x0001;

  private final int aeadId;
  private final int keyBytes;

  Rfc9180Reference(int aeadId) {
    this.aeadId = aeadId;
    this.keyBytes = aeadId == AES_128_GCM ? 16 : 32;
  }

  /** The key and base nonce of a base-mode context. */
  @SuppressWarnings("ArrayRecordComponent") // a test value, read and compared, never mutated
  record Context(byte[] key, byte[] baseNonce) {}

  /** SetupBaseS with a given ephemeral key: (enc, context). */
  Object[] setupBaseSender(RecipientPublicKey pkR, RecipientPrivateKey ephemeral, byte[] info)
      throws Exception {
    byte[] enc = ephemeral.publicKey().raw();
    byte[] dh = x25519(ephemeral, pkR.raw());
    byte[] sharedSecret = extractAndExpand(dh, concat(enc, pkR.raw()));
    return new Object[] {enc, keySchedule(sharedSecret, info)};
  }

  /** SetupBaseR. */
  Context setupBaseRecipient(byte[] enc, RecipientPrivateKey skR, byte[] info) throws Exception {
    return keySchedule(sharedSecret(enc, skR), info);
  }

  /** Decap's shared secret. */
  byte[] sharedSecret(byte[] enc, RecipientPrivateKey skR) throws Exception {
    byte[] dh = x25519(skR, enc);
    return extractAndExpand(dh, concat(enc, skR.publicKey().raw()));
  }

  /** Seal with sequence number 0 (single-shot). */
  static byte[] seal(Context context, byte[] aad, byte[] plaintext) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(context.key(), "AES"), new GCMParameterSpec(128, context.baseNonce()));
    cipher.updateAAD(aad);
    return cipher.doFinal(plaintext);
  }

  /** Open with sequence number 0. */
  static byte[] open(Context context, byte[] aad, byte[] ciphertext) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(context.key(), "AES"), new GCMParameterSpec(128, context.baseNonce()));
    cipher.updateAAD(aad);
    return cipher.doFinal(ciphertext);
  }

  private byte[] extractAndExpand(byte[] dh, byte[] kemContext) {
    byte[] kemSuite = concat("KEM".getBytes(US_ASCII), i2osp(KEM_X25519_SHA256, 2));
    byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
    return labeledExpand(kemSuite, eaePrk, "shared_secret", kemContext, 32);
  }

  private Context keySchedule(byte[] sharedSecret, byte[] info) {
    byte[] suite =
        concat("HPKE".getBytes(US_ASCII), i2osp(KEM_X25519_SHA256, 2), i2osp(KDF_HKDF_SHA256, 2), i2osp(aeadId, 2));
    byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", info);
    byte[] context = concat(new byte[] {0x00}, pskIdHash, infoHash); // mode_base
    byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
    byte[] key = labeledExpand(suite, secret, "key", context, keyBytes);
    byte[] baseNonce = labeledExpand(suite, secret, "base_nonce", context, 12);
    return new Context(key, baseNonce);
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) {
    return Hkdf.extractSha256(salt, concat("HPKE-v1".getBytes(US_ASCII), suite, label.getBytes(US_ASCII), ikm));
  }

  private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length) {
    byte[] labeledInfo = concat(i2osp(length, 2), "HPKE-v1".getBytes(US_ASCII), suite, label.getBytes(US_ASCII), info);
    return Hkdf.expandSha256(prk, labeledInfo, length);
  }

  private static byte[] x25519(RecipientPrivateKey privateKey, byte[] peerRaw) throws Exception {
    KeyFactory factory = KeyFactory.getInstance("X25519");
    PrivateKey sk = factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey.toDer()));
    PublicKey pk = factory.generatePublic(new X509EncodedKeySpec(KeyCodec.spki(KeyCodec.Curve.X25519, peerRaw)));
    KeyAgreement agreement = KeyAgreement.getInstance("X25519");
    agreement.init(sk);
    agreement.doPhase(pk, true);
    return agreement.generateSecret();
  }

  private static byte[] i2osp(int value, int length) {
    byte[] out = new byte[length];
    for (int i = length - 1; i >= 0; i--) {
      out[i] = (byte) value;
      value >>>= 8;
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
