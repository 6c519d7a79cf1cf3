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
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * PEM, PKCS#8 and X.509 SubjectPublicKeyInfo for the key types this package uses: the two of
 * RFC 8410, and P-256 (RFC 5480, RFC 5915) for ECDSA device keys.
 *
 * <p>Encoding is canonical and fixed: a public key is always the 44-byte DER {@code SEQUENCE {
 * SEQUENCE { OID }, BIT STRING (32 bytes) }}, a private key always the 48-byte PKCS#8 v1 {@code
 * SEQUENCE { INTEGER 0, SEQUENCE { OID }, OCTET STRING { OCTET STRING (32 bytes) } }} (what
 * OpenSSL and the JDK write). Decoding also accepts PKCS#8 v2 (RFC 5958 OneAsymmetricKey with the
 * public key, as some tools write), but only strict DER: the input must re-encode to itself, so
 * one key has one SPKI and therefore one key id. A P-256 public key is always the 91-byte DER with
 * the named curve and the uncompressed point; its private key is written as OpenSSL writes it (an
 * ECPrivateKey holding the public key, without repeating the curve), and read with or without the
 * public key and the curve.
 */
final class KeyCodec {
  /** The curves of the keys: RFC 8410's two, and P-256 for ECDSA device keys. */
  // Its prefixes are private, never handed out, and only copied from.
  @SuppressWarnings("ImmutableEnumChecker")
  enum Curve {
    ED25519("1.3.101.112", "Ed25519", rfc8410Spki((byte) 0x70), rfc8410Pkcs8((byte) 0x70), KEY_BYTES),
    X25519("1.3.101.110", "X25519", rfc8410Spki((byte) 0x6e), rfc8410Pkcs8((byte) 0x6e), KEY_BYTES),
    /**
     * id-ecPublicKey with the named curve prime256v1 (RFC 5480); the public key is the 65-byte
     * uncompressed SEC 1 point, the private key the 32-byte scalar.
     */
    P256(
        "1.2.840.10045.2.1",
        "P-256",
        new byte[] {
          0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01,
          0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00
        },
        new byte[] {
          0x30, (byte) 0x81, (byte) 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86,
          0x48, (byte) 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d,
          0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20
        },
        P256_POINT_BYTES);

    final String oid;
    final String jdkName;
    /** Length of the public key encoding: 32 bytes, or P-256's 65-byte uncompressed point. */
    final int publicBytes;
    /** DER of the SPKI up to the public key bytes (canonical: one key, one encoding). */
    private final byte[] spkiPrefix;
    /** DER of the PKCS#8 v1 up to the 32 private key bytes. */
    private final byte[] pkcs8Prefix;

    Curve(String oid, String jdkName, byte[] spkiPrefix, byte[] pkcs8Prefix, int publicBytes) {
      this.oid = oid;
      this.jdkName = jdkName;
      this.spkiPrefix = spkiPrefix;
      this.pkcs8Prefix = pkcs8Prefix;
      this.publicBytes = publicBytes;
    }

    /** SEQUENCE(42) { SEQUENCE(5) { OID }, BIT STRING(33) 0 pad bits }. */
    private static byte[] rfc8410Spki(byte lastOidByte) {
      return new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, lastOidByte, 0x03, 0x21, 0x00};
    }

    /** SEQUENCE(46) { INTEGER 0, SEQUENCE { OID }, OCTET STRING(34) { OCTET STRING(32) } }. */
    private static byte[] rfc8410Pkcs8(byte lastOidByte) {
      return new byte[] {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, lastOidByte, 0x04, 0x22, 0x04, 0x20
      };
    }
  }

  /** Raw key length of RFC 8410 keys and of private keys: Ed25519 seeds, X25519 and P-256 scalars. */
  static final int KEY_BYTES = 32;
  /** An uncompressed P-256 point: 0x04 ‖ x ‖ y. */
  static final int P256_POINT_BYTES = 65;
  /** The named curve of a P-256 key's algorithm parameters (RFC 5480 prime256v1). */
  static final String P256_CURVE_OID = "1.2.840.10045.3.1.7";
  /** P-256's PKCS#8 after the scalar: [1] { BIT STRING(66) 0 pad bits, then the point }. */
  private static final byte[] P256_PKCS8_PUBLIC = {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00};

  static final String PRIVATE_LABEL = "PRIVATE KEY";
  static final String PUBLIC_LABEL = "PUBLIC KEY";
  private static final int PEM_LINE = 64;

  private KeyCodec() {}

  /** The canonical SPKI DER of a raw public key (32 bytes, or a 65-byte P-256 point). */
  static byte[] spki(Curve curve, byte[] raw) {
    return concat(curve.spkiPrefix, raw);
  }

  /**
   * The canonical PKCS#8 v1 DER of a raw 32-byte private key (Ed25519 seed, X25519 or P-256
   * scalar). A P-256 key is written as OpenSSL writes it: an RFC 5915 ECPrivateKey with the public
   * key and without the (already named) curve, so {@code rawPublic} is needed there only.
   */
  static byte[] pkcs8(Curve curve, byte[] raw, byte[] rawPublic) {
    byte[] key = concat(curve.pkcs8Prefix, raw);
    return curve == Curve.P256 ? concat(concat(key, P256_PKCS8_PUBLIC), rawPublic) : key;
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

  /** The raw public key in a DER SubjectPublicKeyInfo of {@code curve}. */
  static byte[] parseSpki(Curve curve, byte[] der) {
    SubjectPublicKeyInfo info = spkiInfo(der);
    checkAlgorithm(curve, info.getAlgorithm());
    ASN1BitString bits = info.getPublicKeyData();
    if (bits.getPadBits() != 0 || bits.getOctets().length != curve.publicBytes) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH,
          curve.jdkName + " public key is not " + curve.publicBytes + " bytes"
              + (curve == Curve.P256 ? " (an uncompressed point)" : ""));
    }
    byte[] raw = bits.getOctets();
    if (!Arrays.equals(spki(curve, raw), der)) {
      throw new KeyFormatException(Reason.BAD_DER, "SubjectPublicKeyInfo is not canonical DER");
    }
    return raw;
  }

  /**
   * Which of {@code candidates} the algorithm of a DER SubjectPublicKeyInfo names.
   *
   * @throws KeyFormatException if it is not such DER or names another algorithm
   */
  static Curve spkiCurve(byte[] der, Curve... candidates) {
    return curveOf(spkiInfo(der).getAlgorithm(), candidates);
  }

  /**
   * Which of {@code candidates} the algorithm of a DER PKCS#8 PrivateKeyInfo names.
   *
   * @throws KeyFormatException if it is not such DER or names another algorithm
   */
  static Curve pkcs8Curve(byte[] der, Curve... candidates) {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER PKCS#8 PrivateKeyInfo", e);
    }
    if (info == null) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER PKCS#8 PrivateKeyInfo");
    }
    return curveOf(info.getPrivateKeyAlgorithm(), candidates);
  }

  private static Curve curveOf(AlgorithmIdentifier algorithm, Curve... candidates) {
    String oid = algorithm.getAlgorithm().getId();
    StringBuilder names = new StringBuilder();
    for (Curve c : candidates) {
      if (c.oid.equals(oid)) {
        return c;
      }
      names.append(names.length() == 0 ? "" : " or ").append(c.jdkName);
    }
    throw new KeyFormatException(
        Reason.WRONG_ALGORITHM, "expected an " + names + " key, found OID " + oid);
  }

  private static SubjectPublicKeyInfo spkiInfo(byte[] der) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER SubjectPublicKeyInfo", e);
    }
    if (info == null) {
      throw new KeyFormatException(Reason.BAD_DER, "not a DER SubjectPublicKeyInfo");
    }
    return info;
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
      if (curve == Curve.P256) {
        return parseEcPrivateKey(info);
      }
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

  /**
   * The scalar, and the public point if present, of a P-256 PKCS#8: an RFC 5915 ECPrivateKey of
   * version 1 with a 32-byte scalar, whose curve parameters, if given, name P-256 again.
   */
  private static PrivateKeyBytes parseEcPrivateKey(PrivateKeyInfo info) throws IOException {
    ASN1Sequence ec = ASN1Sequence.getInstance(info.parsePrivateKey());
    ECPrivateKey key = ECPrivateKey.getInstance(ec);
    if (ec.size() < 2
        || !ASN1Integer.getInstance(ec.getObjectAt(0)).hasValue(1)
        || ASN1OctetString.getInstance(ec.getObjectAt(1)).getOctets().length != KEY_BYTES) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, "P-256 private key is not an ECPrivateKey with a 32-byte scalar");
    }
    org.bouncycastle.asn1.ASN1Object parameters = key.getParametersObject();
    if (parameters != null && !(parameters instanceof ASN1ObjectIdentifier named
        && named.getId().equals(P256_CURVE_OID))) {
      throw new KeyFormatException(Reason.WRONG_ALGORITHM, "the ECPrivateKey names another curve than P-256");
    }
    ASN1BitString publicKey = key.getPublicKey();
    if (publicKey != null && (publicKey.getPadBits() != 0 || publicKey.getOctets().length != P256_POINT_BYTES)) {
      throw new KeyFormatException(
          Reason.WRONG_LENGTH, "embedded P-256 public key is not a 65-byte uncompressed point");
    }
    return new PrivateKeyBytes(
        ASN1OctetString.getInstance(ec.getObjectAt(1)).getOctets(),
        publicKey == null ? null : publicKey.getOctets());
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
    if (curve == Curve.P256) {
      if (!(algorithm.getParameters() instanceof ASN1ObjectIdentifier named)
          || !named.getId().equals(P256_CURVE_OID)) {
        throw new KeyFormatException(
            Reason.WRONG_ALGORITHM,
            "an EC key on another curve than P-256 (named curve " + P256_CURVE_OID + ")");
      }
    } else if (algorithm.getParameters() != null) {
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
