package io.custody.crypto;

import io.custody.crypto.KeyFormatException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * PEM, PKCS#8 and X.509 SubjectPublicKeyInfo for the two RFC 8410 key types this package uses.
 *
 * <p>Encoding is canonical and fixed: a public key is always the 44-byte DER {@code SEQUENCE {
 * SEQUENCE { OID }, BIT STRING (32 bytes) }}, a private key always the 48-byte PKCS#8 v1 {@code
 * SEQUENCE { INTEGER 0, SEQUENCE { OID }, OCTET STRING { OCTET STRING (32 bytes) } }} (what
 * OpenSSL and the JDK write). Decoding also accepts PKCS#8 v2 (RFC 5958 OneAsymmetricKey with the
 * public key, as some tools write), but only strict DER: the input must re-encode to itself, so
 * one key has one SPKI and therefore one key id.
 */
final class KeyCodec {
  /** The curves of RFC 8410, with their OIDs and the JDK's algorithm names. */
  // Its prefixes are private, never handed out, and only copied from.
  @SuppressWarnings("ImmutableEnumChecker")
  enum Curve {
    ED25519("1.3.101.112", "Ed25519", (byte) 0x70),
    X25519("1.3.101.110", "X25519", (byte) 0x6e);

    final String oid;
    final String jdkName;
    /** DER of the SPKI up to the 32 key bytes: SEQUENCE(42) { SEQUENCE(5) { OID }, BIT STRING(33) 0 pad bits }. */
    private final byte[] spkiPrefix;
    /** DER of the PKCS#8 v1 up to the 32 key bytes: SEQUENCE(46) { INTEGER 0, SEQUENCE { OID }, OCTET STRING(34) { OCTET STRING(32) } }. */
    private final byte[] pkcs8Prefix;

    Curve(String oid, String jdkName, byte lastOidByte) {
      this.oid = oid;
      this.jdkName = jdkName;
      this.spkiPrefix =
          new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, lastOidByte, 0x03, 0x21, 0x00};
      this.pkcs8Prefix =
          new byte[] {
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, lastOidByte, 0x04, 0x22,
            0x04, 0x20
          };
    }
  }

  /** Raw key length of both curves: public keys, Ed25519 seeds and X25519 scalars. */
  static final int KEY_BYTES = 32;

  static final String PRIVATE_LABEL = "PRIVATE KEY";
  static final String PUBLIC_LABEL = "PUBLIC KEY";
  private static final int PEM_LINE = 64;

  private KeyCodec() {}

  /** The canonical SPKI DER of a raw 32-byte public key. */
  static byte[] spki(Curve curve, byte[] raw) {
    return concat(curve.spkiPrefix, raw);
  }

  /** The canonical PKCS#8 v1 DER of a raw 32-byte private key (Ed25519 seed or X25519 scalar). */
  static byte[] pkcs8(Curve curve, byte[] raw) {
    return concat(curve.pkcs8Prefix, raw);
  }

  /** SHA-256 of the canonical SPKI: the key id used in manifests. */
  static byte[] keyId(Curve curve, byte[] rawPublic) {
    return sha256(spki(curve, rawPublic));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** RFC 7468 text: 64-character Base64 lines, {@code \n} line ends, a final newline (as OpenSSL). */
  static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(PEM_LINE, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /**
   * The DER inside one PEM block labelled {@code label}. Whitespace around the block and inside
   * the Base64 body is ignored; anything else outside the block is refused.
   */
  static byte[] unpem(String pem, String label) {
    if (pem == null) {
      throw new KeyFormatException(Reason.NOT_PEM, "PEM text is null");
    }
    String text = pem.strip();
    String begin = "-----BEGIN ";
    if (!text.startsWith(begin)) {
      throw new KeyFormatException(Reason.NOT_PEM, "no -----BEGIN " + label + "----- line");
    }
    int labelEnd = text.indexOf("-----", begin.length());
    if (labelEnd < 0) {
      throw new KeyFormatException(Reason.NOT_PEM, "unterminated BEGIN line");
    }
    String found = text.substring(begin.length(), labelEnd);
    if (!found.equals(label)) {
      throw new KeyFormatException(
          Reason.WRONG_LABEL, "expected a PEM \"" + label + "\" block, found \"" + found + "\"");
    }
    String end = "-----END " + label + "-----";
    if (!text.endsWith(end)) {
      throw new KeyFormatException(Reason.NOT_PEM, "the text does not end with " + end);
    }
    int bodyStart = labelEnd + "-----".length();
    int bodyEnd = text.length() - end.length();
    if (bodyEnd < bodyStart) {
      throw new KeyFormatException(Reason.NOT_PEM, "truncated PEM block");
    }
    String body = text.substring(bodyStart, bodyEnd);
    if (body.contains("-----")) {
      throw new KeyFormatException(Reason.NOT_PEM, "more than one PEM block");
    }
    StringBuilder base64 = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        base64.append(c);
      }
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64.toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(Reason.BAD_BASE64, "PEM body is not valid Base64", e);
    }
    if (der.length == 0) {
      throw new KeyFormatException(Reason.BAD_DER, "empty PEM body");
    }
    return der;
  }

  /** The raw 32-byte public key in a DER SubjectPublicKeyInfo of {@code curve}. */
  static byte[] parseSpki(Curve curve, byte[] der) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER SubjectPublicKeyInfo", e);
    }
    if (info == null) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER SubjectPublicKeyInfo");
    }
    checkAlgorithm(curve, info.getAlgorithm());
    ASN1BitString bits = info.getPublicKeyData();
    if (bits.getPadBits() != 0 || bits.getOctets().length != KEY_BYTES) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, curve.jdkName + " public key is not " + KEY_BYTES + " bytes");
    }
    byte[] raw = bits.getOctets();
    if (!Arrays.equals(spki(curve, raw), der)) {
      throw new KeyFormatException(Reason.BAD_DER, "SubjectPublicKeyInfo is not canonical DER");
    }
    return raw;
  }

  /** A private key read from PKCS#8: the raw 32 bytes, and the public key if the file had one. */
  @SuppressWarnings("ArrayRecordComponent") // package-private carrier, read once by its caller
  record PrivateKeyBytes(byte[] privateKey, byte[] publicKeyOrNull) {}

  /** The raw private key in a DER PKCS#8 (v1, or v2 with the public key) of {@code curve}. */
  static PrivateKeyBytes parsePkcs8(Curve curve, byte[] der) {
    PrivateKeyInfo info;
    byte[] privateKey;
    byte[] publicKey = null;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      if (info == null) {
        throw new KeyFormatException(Reason.BAD_DER, "not a DER PKCS#8 PrivateKeyInfo");
      }
      checkAlgorithm(curve, info.getPrivateKeyAlgorithm());
      privateKey = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      if (info.hasPublicKey()) {
        ASN1BitString bits = info.getPublicKeyData();
        if (bits.getPadBits() != 0) {
          throw new KeyFormatException(Reason.BAD_DER, "public key bit string has pad bits");
        }
        publicKey = bits.getOctets();
      }
      if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), der)) {
        throw new KeyFormatException(Reason.BAD_DER, "PKCS#8 structure is not canonical DER");
      }
    } catch (KeyFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER PKCS#8 PrivateKeyInfo", e);
    }
    if (privateKey.length != KEY_BYTES) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, curve.jdkName + " private key is not " + KEY_BYTES + " bytes");
    }
    if (publicKey != null && publicKey.length != KEY_BYTES) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, "embedded " + curve.jdkName + " public key is not 32 bytes");
    }
    return new PrivateKeyBytes(privateKey, publicKey);
  }

  /** A copy of {@code raw}, refusing null and any length but 32. */
  static byte[] checkRaw(byte[] raw, String what) {
    if (raw == null) {
      throw new KeyFormatException(Reason.WRONG_LENGTH, what + " is null");
    }
    if (raw.length != KEY_BYTES) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, what + " must be " + KEY_BYTES + " bytes, got " + raw.length);
    }
    return raw.clone();
  }

  private static void checkAlgorithm(Curve curve, AlgorithmIdentifier algorithm) {
    String oid = algorithm.getAlgorithm().getId();
    if (!oid.equals(curve.oid)) {
      throw new KeyFormatException(
          Reason.WRONG_ALGORITHM,
          "expected an " + curve.jdkName + " key (OID " + curve.oid + "), found OID " + oid);
    }
    if (algorithm.getParameters() != null) {
      throw new KeyFormatException(
          Reason.BAD_DER, "RFC 8410 forbids algorithm parameters for " + curve.jdkName);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static byte[] concat(byte[] prefix, byte[] raw) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + raw.length);
    System.arraycopy(raw, 0, out, prefix.length, raw.length);
    return out;
  }
}
