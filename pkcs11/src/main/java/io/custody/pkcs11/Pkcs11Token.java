package io.custody.pkcs11;

import iaik.pkcs.pkcs11.DefaultInitializeArgs;
import iaik.pkcs.pkcs11.Mechanism;
import iaik.pkcs.pkcs11.Module;
import iaik.pkcs.pkcs11.Session;
import iaik.pkcs.pkcs11.Slot;
import iaik.pkcs.pkcs11.Token;
import iaik.pkcs.pkcs11.TokenException;
import iaik.pkcs.pkcs11.objects.ECPrivateKey;
import iaik.pkcs.pkcs11.objects.ECPublicKey;
import iaik.pkcs.pkcs11.objects.GenericTemplate;
import iaik.pkcs.pkcs11.objects.KeyPair;
import iaik.pkcs.pkcs11.objects.LongAttribute;
import iaik.pkcs.pkcs11.objects.PKCS11Object;
import iaik.pkcs.pkcs11.objects.CharArrayAttribute;
import iaik.pkcs.pkcs11.objects.ValuedSecretKey;
import iaik.pkcs.pkcs11.parameters.EcDH1KeyDerivationParameters;
import iaik.pkcs.pkcs11.wrapper.PKCS11Exception;
import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.KeyUnwrapException;
import io.custody.crypto.RecipientKeyAgreement;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.SignatureSuite;
import io.custody.crypto.Signatures;
import io.custody.crypto.Signer;
import io.custody.crypto.SigningException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logged-in session with a PKCS#11 token: generates device and recipient keys inside it, and
 * signs and agrees keys with them there. No private key ever leaves the token: keys are generated
 * with {@code CKA_SENSITIVE} true and {@code CKA_EXTRACTABLE} false, and a key that could be
 * extracted is refused rather than used.
 *
 * <p>Keys are found by their label ({@code CKA_LABEL}, the {@code object} of a {@link Pkcs11Uri}),
 * shared by the private and public halves of a pair. Mechanisms: Ed25519 device keys are generated
 * with {@code CKM_EC_EDWARDS_KEY_PAIR_GEN} and sign with {@code CKM_EDDSA} (pure Ed25519); P-256
 * device keys with {@code CKM_EC_KEY_PAIR_GEN} and {@code CKM_ECDSA} over a SHA-256 computed here;
 * X25519 recipient keys with {@code CKM_EC_MONTGOMERY_KEY_PAIR_GEN} (PKCS#11 3.0), or where the
 * token lacks it, as SoftHSM 2.6 does, {@code CKM_EC_EDWARDS_KEY_PAIR_GEN} with the X25519 curve,
 * and agree with {@code CKM_ECDH1_DERIVE} (no KDF).
 *
 * <p>The binding is IAIK's object API ({@code org.xipki.iaik:sunpkcs11-wrapper}) over the JDK's own
 * native PKCS#11 bridge, whose Java side the JDK does not export: the JVM must run with {@code
 * --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} ({@link #open} says
 * so plainly when it is missing). The JDK's SunPKCS11 provider itself signs ECDSA but not EdDSA on
 * JDK 17 or 25. A module is loaded and initialised once per process and kept (PKCS#11 allows one
 * {@code C_Initialize} per process); sessions are opened and closed per {@code Pkcs11Token}.
 *
 * <p>Thread safety: the session is used under this object's lock, so the signers and agreements
 * it hands out are thread-safe, and serialise on the token as hardware does anyway. The PIN is
 * used for {@code C_Login} and not kept.
 */
public final class Pkcs11Token implements AutoCloseable {
  private static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191L;
  private static final long CKR_USER_ALREADY_LOGGED_IN = 0x100L;
  private static final long CKR_MECHANISM_INVALID = 0x70L;
  private static final long CKO_PUBLIC_KEY = 2L;
  private static final long CKO_PRIVATE_KEY = 3L;
  private static final long CKK_EC = 3L;
  private static final long CKK_EC_EDWARDS = 0x40L;
  private static final long CKK_EC_MONTGOMERY = 0x41L;
  private static final long CKM_EC_KEY_PAIR_GEN = 0x1040L;
  private static final long CKM_ECDSA = 0x1041L;
  private static final long CKM_ECDH1_DERIVE = 0x1050L;
  private static final long CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055L;
  private static final long CKM_EC_MONTGOMERY_KEY_PAIR_GEN = 0x1056L;
  private static final long CKM_EDDSA = 0x1057L;
  private static final long CKD_NULL = 1L;
  /** DER of the curve OIDs, as CKA_EC_PARAMS holds them. */
  private static final byte[] ED25519_PARAMS = HexFormat.of().parseHex("06032b6570");
  private static final byte[] X25519_PARAMS = HexFormat.of().parseHex("06032b656e");
  private static final byte[] P256_PARAMS = HexFormat.of().parseHex("06082a8648ce3d030107");
  /** The same curves as RFC 8410 / PKCS#11 3.0 also allow: a PrintableString of the curve name. */
  private static final byte[] ED25519_NAME = printable("edwards25519");
  private static final byte[] X25519_NAME = printable("curve25519");

  private static final Map<Path, Module> MODULES = new ConcurrentHashMap<>();

  private final Session session;
  private final String tokenLabel;

  private Pkcs11Token(Session session, String tokenLabel) {
    this.session = session;
    this.tokenLabel = tokenLabel;
  }

  /**
   * Logs in to the token labelled {@code tokenLabel} through the PKCS#11 library {@code module}.
   *
   * <p>PKCS#11 logs in a whole process, not a session: while this process has another session
   * open with the token, it is logged in already and the token does not check {@code pin} again.
   *
   * @param pin the user PIN; used for {@code C_Login}, not kept (the caller may clear it after)
   * @throws Pkcs11Exception if the module does not load, no token has the label, or the PIN is
   *     refused
   */
  public static Pkcs11Token open(Path module, String tokenLabel, char[] pin) throws Pkcs11Exception {
    Objects.requireNonNull(tokenLabel, "tokenLabel");
    Objects.requireNonNull(pin, "pin");
    Module m = module(module);
    Token token = null;
    StringBuilder seen = new StringBuilder();
    try {
      for (Slot slot : m.getSlotList(Module.SlotRequirement.TOKEN_PRESENT)) {
        Token t = slot.getToken();
        String label = t.getTokenInfo().getLabel().trim();
        seen.append(seen.length() == 0 ? "" : ", ").append('"').append(label).append('"');
        if (label.equals(tokenLabel)) {
          token = t;
          break;
        }
      }
    } catch (TokenException e) {
      throw new Pkcs11Exception("cannot list the tokens of " + module + ": " + e.getMessage(), e);
    }
    if (token == null) {
      throw new Pkcs11Exception("no token labelled \"" + tokenLabel + "\" in " + module
          + (seen.length() == 0 ? " (it has no token)" : " (it has " + seen + ")"));
    }
    Session session;
    try {
      session = token.openSession(Token.SessionType.SERIAL_SESSION, Token.SessionReadWriteBehavior.RW_SESSION, null, null);
    } catch (TokenException e) {
      throw new Pkcs11Exception("cannot open a session with token \"" + tokenLabel + "\": " + e.getMessage(), e);
    }
    try {
      session.login(Session.UserType.USER, pin);
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() != CKR_USER_ALREADY_LOGGED_IN) {
        closeQuietly(session);
        throw new Pkcs11Exception("token \"" + tokenLabel + "\" refused the PIN: " + e.getMessage(), e);
      }
    } catch (TokenException e) {
      closeQuietly(session);
      throw new Pkcs11Exception("token \"" + tokenLabel + "\" refused the PIN: " + e.getMessage(), e);
    }
    return new Pkcs11Token(session, tokenLabel);
  }

  /** The module at {@code path}, loaded and initialised once per process. */
  static Module module(Path path) throws Pkcs11Exception {
    Path key = path.toAbsolutePath().normalize();
    Module loaded = MODULES.get(key);
    if (loaded != null) {
      return loaded;
    }
    synchronized (MODULES) {
      loaded = MODULES.get(key);
      if (loaded != null) {
        return loaded;
      }
      if (!Files.isRegularFile(key)) {
        throw new Pkcs11Exception("no PKCS#11 module at " + key
            + " (give --pkcs11-module PATH or CUSTODY_PKCS11_MODULE, e.g. /usr/lib/softhsm/libsofthsm2.so)");
      }
      checkExported();
      Module m;
      try {
        m = Module.getInstance(key.toString());
        m.initialize(new DefaultInitializeArgs());
      } catch (PKCS11Exception e) {
        throw new Pkcs11Exception("the PKCS#11 module " + key + " does not initialise: " + e.getMessage()
            + (e.getErrorCode() == CKR_CRYPTOKI_ALREADY_INITIALIZED
                ? " (other code in this process, such as a SunPKCS11 provider, initialised it first)" : ""), e);
      } catch (TokenException | java.io.IOException | RuntimeException e) {
        throw new Pkcs11Exception("cannot load the PKCS#11 module " + key + ": " + e.getMessage(), e);
      }
      MODULES.put(key, m);
      return m;
    }
  }

  /** Refuses to go on, in words, when the JVM was started without the export the binding needs. */
  private static void checkExported() throws Pkcs11Exception {
    java.lang.Module self = Pkcs11Token.class.getModule();
    boolean exported = ModuleLayer.boot().findModule("jdk.crypto.cryptoki")
        .map(jdk -> jdk.isExported("sun.security.pkcs11.wrapper", self))
        .orElse(false);
    if (!exported) {
      throw new Pkcs11Exception("this JVM cannot reach PKCS#11: start it with"
          + " --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED"
          + " (the custody jar's manifest does this for java -jar)");
    }
  }

  /** The token's label. */
  public String label() {
    return tokenLabel;
  }

  /**
   * Generates a device key pair of {@code suite} in the token, labelled {@code label}: the private
   * half sensitive, not extractable, for signing only, stored on the token.
   *
   * @throws Pkcs11Exception if a key with that label exists, or the token cannot make such keys
   */
  public synchronized DevicePublicKey generateDeviceKey(String label, SignatureSuite suite) throws Pkcs11Exception {
    refuseExisting(label);
    boolean ed = suite == SignatureSuite.ED25519;
    ECPublicKey pub = new ECPublicKey(ed ? CKK_EC_EDWARDS : CKK_EC);
    ECPrivateKey priv = new ECPrivateKey(ed ? CKK_EC_EDWARDS : CKK_EC);
    pub.getEcdsaParams().setByteArrayValue(ed ? ED25519_PARAMS : P256_PARAMS);
    pub.getVerify().setBooleanValue(true);
    priv.getSign().setBooleanValue(true);
    KeyPair pair = generate(label, ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, pub, priv,
        suite.id() + " device key");
    return devicePublicKey(suite, (ECPublicKey) pair.getPublicKey(), label);
  }

  /**
   * Generates an X25519 recipient key pair in the token, labelled {@code label}: the private half
   * sensitive, not extractable, for key agreement only.
   *
   * @throws Pkcs11Exception if a key with that label exists, or the token cannot make X25519 keys
   */
  public synchronized RecipientPublicKey generateRecipientKey(String label) throws Pkcs11Exception {
    refuseExisting(label);
    KeyPair pair;
    try {
      pair = generateX25519(label, CKK_EC_MONTGOMERY, CKM_EC_MONTGOMERY_KEY_PAIR_GEN);
    } catch (Pkcs11Exception e) {
      if (!(e.getCause() instanceof PKCS11Exception p) || p.getErrorCode() != CKR_MECHANISM_INVALID) {
        throw e;
      }
      // PKCS#11 2.40-era tokens (SoftHSM 2.6): X25519 as an "Edwards" key on curve25519.
      pair = generateX25519(label, CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN);
    }
    return RecipientPublicKey.fromRaw(point(((ECPublicKey) pair.getPublicKey()).getEcPoint().getByteArrayValue(), 32));
  }

  private KeyPair generateX25519(String label, long keyType, long mechanism) throws Pkcs11Exception {
    ECPublicKey pub = new ECPublicKey(keyType);
    ECPrivateKey priv = new ECPrivateKey(keyType);
    pub.getEcdsaParams().setByteArrayValue(X25519_PARAMS);
    pub.getDerive().setBooleanValue(true);
    priv.getDerive().setBooleanValue(true);
    return generate(label, mechanism, pub, priv, "X25519 recipient key");
  }

  private KeyPair generate(String label, long mechanism, ECPublicKey pub, ECPrivateKey priv, String what)
      throws Pkcs11Exception {
    char[] chars = label.toCharArray();
    pub.getToken().setBooleanValue(true);
    pub.getLabel().setCharArrayValue(chars);
    priv.getToken().setBooleanValue(true);
    priv.getPrivate().setBooleanValue(true);
    priv.getSensitive().setBooleanValue(true);
    priv.getExtractable().setBooleanValue(false);
    priv.getLabel().setCharArrayValue(chars);
    // One use per key: no decryption or unwrapping with a signing key (tokens default them on).
    priv.getDecrypt().setBooleanValue(false);
    priv.getUnwrap().setBooleanValue(false);
    priv.getSignRecover().setBooleanValue(false);
    if (priv.getSign().getBooleanValue() == null) {
      priv.getSign().setBooleanValue(false);
    }
    try {
      return session.generateKeyPair(Mechanism.get(mechanism), pub, priv);
    } catch (TokenException e) {
      throw new Pkcs11Exception("token \"" + tokenLabel + "\" cannot generate an " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * A signer with the device key labelled {@code label}, of the suite the token says the key is.
   * Before handing it out, it signs a test message in the token and checks the signature with the
   * public key, so a key pair whose halves do not belong together is refused here, not in court.
   *
   * @throws Pkcs11Exception if no such key pair exists, the key can leave the token, or it is of no
   *     supported suite
   */
  public synchronized Signer signer(String label) throws Pkcs11Exception {
    PKCS11Object privateKey = find(label, CKO_PRIVATE_KEY);
    ECPublicKey publicKey = publicHalf(label);
    refuseExtractable(privateKey, label);
    long keyType = publicKey.getKeyType().getLongValue();
    byte[] params = publicKey.getEcdsaParams().getByteArrayValue();
    SignatureSuite suite;
    if (keyType == CKK_EC_EDWARDS && (Arrays.equals(params, ED25519_PARAMS) || Arrays.equals(params, ED25519_NAME))) {
      suite = SignatureSuite.ED25519;
    } else if (keyType == CKK_EC && Arrays.equals(params, P256_PARAMS)) {
      suite = SignatureSuite.P256;
    } else {
      throw new Pkcs11Exception("key \"" + label + "\" in token \"" + tokenLabel
          + "\" is neither an Ed25519 nor a P-256 key: it cannot sign evidence");
    }
    TokenSigner signer = new TokenSigner(this, (iaik.pkcs.pkcs11.objects.Key) privateKey,
        devicePublicKey(suite, publicKey, label));
    byte[] probe = "custody/v1 token self-test".getBytes(StandardCharsets.US_ASCII);
    byte[] signature = new byte[Signer.SIGNATURE_BYTES];
    try {
      signer.sign(probe, 0, probe.length, signature, 0);
    } catch (SigningException e) {
      throw new Pkcs11Exception(e.getMessage(), e.getCause());
    }
    if (!Signatures.verifier(signer.publicKey()).verify(probe, 0, probe.length, signature, 0)) {
      throw new Pkcs11Exception("key \"" + label + "\" in token \"" + tokenLabel
          + "\": the private key's signature does not verify under the public key of the same label");
    }
    return signer;
  }

  /**
   * The X25519 recipient key labelled {@code label}, for {@code KeyWrap.unwrap}: each agreement is
   * computed in the token.
   *
   * @throws Pkcs11Exception if no such key pair exists, the key can leave the token, or it is not
   *     an X25519 key
   */
  public synchronized RecipientKeyAgreement recipientKey(String label) throws Pkcs11Exception {
    PKCS11Object privateKey = find(label, CKO_PRIVATE_KEY);
    ECPublicKey publicKey = publicHalf(label);
    refuseExtractable(privateKey, label);
    byte[] params = publicKey.getEcdsaParams().getByteArrayValue();
    if (!Arrays.equals(params, X25519_PARAMS) && !Arrays.equals(params, X25519_NAME)) {
      throw new Pkcs11Exception("key \"" + label + "\" in token \"" + tokenLabel + "\" is not an X25519 key");
    }
    RecipientPublicKey pub = RecipientPublicKey.fromRaw(point(publicKey.getEcPoint().getByteArrayValue(), 32));
    return new TokenAgreement(this, (iaik.pkcs.pkcs11.objects.Key) privateKey, pub);
  }

  private void refuseExisting(String label) throws Pkcs11Exception {
    if (findOrNull(label, CKO_PRIVATE_KEY) != null || findOrNull(label, CKO_PUBLIC_KEY) != null) {
      throw new Pkcs11Exception("token \"" + tokenLabel + "\" already holds a key labelled \"" + label
          + "\"; keys are never overwritten");
    }
  }

  private static void refuseExtractable(PKCS11Object privateKey, String label) throws Pkcs11Exception {
    if (privateKey instanceof iaik.pkcs.pkcs11.objects.PrivateKey k
        && (Boolean.TRUE.equals(k.getExtractable().getBooleanValue())
            || !Boolean.TRUE.equals(k.getSensitive().getBooleanValue()))) {
      throw new Pkcs11Exception("key \"" + label + "\" can leave its token (CKA_EXTRACTABLE true or CKA_SENSITIVE"
          + " false): such a key is no better than a file, and is not used");
    }
  }

  private ECPublicKey publicHalf(String label) throws Pkcs11Exception {
    PKCS11Object o = find(label, CKO_PUBLIC_KEY);
    if (!(o instanceof ECPublicKey k)) {
      throw new Pkcs11Exception("key \"" + label + "\" in token \"" + tokenLabel + "\" is not an elliptic-curve key");
    }
    return k;
  }

  private PKCS11Object find(String label, long objectClass) throws Pkcs11Exception {
    PKCS11Object o = findOrNull(label, objectClass);
    if (o == null) {
      throw new Pkcs11Exception("token \"" + tokenLabel + "\" holds no " + (objectClass == CKO_PRIVATE_KEY ? "private" : "public")
          + " key labelled \"" + label + "\"");
    }
    return o;
  }

  private PKCS11Object findOrNull(String label, long objectClass) throws Pkcs11Exception {
    GenericTemplate template = new GenericTemplate();
    LongAttribute cls = new LongAttribute(iaik.pkcs.pkcs11.objects.Attribute.CLASS);
    cls.setLongValue(objectClass);
    CharArrayAttribute name = new CharArrayAttribute(iaik.pkcs.pkcs11.objects.Attribute.LABEL);
    name.setCharArrayValue(label.toCharArray());
    template.addAttribute(cls);
    template.addAttribute(name);
    try {
      session.findObjectsInit(template);
      try {
        PKCS11Object[] found = session.findObjects(2);
        if (found.length > 1) {
          throw new Pkcs11Exception("token \"" + tokenLabel + "\" holds several keys labelled \"" + label + "\"");
        }
        return found.length == 0 ? null : found[0];
      } finally {
        session.findObjectsFinal();
      }
    } catch (TokenException e) {
      throw new Pkcs11Exception("cannot search token \"" + tokenLabel + "\": " + e.getMessage(), e);
    }
  }

  private DevicePublicKey devicePublicKey(SignatureSuite suite, ECPublicKey pub, String label) throws Pkcs11Exception {
    byte[] point = pub.getEcPoint().getByteArrayValue();
    try {
      return DevicePublicKey.fromRaw(suite, point(point, suite == SignatureSuite.ED25519 ? 32 : 65));
    } catch (KeyFormatException e) {
      throw new Pkcs11Exception("key \"" + label + "\" in token \"" + tokenLabel + "\" has an unusable public key: "
          + e.getMessage(), e);
    }
  }

  /**
   * The raw point of a {@code CKA_EC_POINT}: PKCS#11 says DER OCTET STRING, some tokens give the
   * bare bytes; the expected length tells them apart.
   */
  private static byte[] point(byte[] value, int length) {
    if (value != null && value.length == length + 2 && value[0] == 0x04 && (value[1] & 0xff) == length) {
      return Arrays.copyOfRange(value, 2, value.length);
    }
    return value;
  }

  private static byte[] printable(String name) {
    byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
    byte[] der = new byte[ascii.length + 2];
    der[0] = 0x13;
    der[1] = (byte) ascii.length;
    System.arraycopy(ascii, 0, der, 2, ascii.length);
    return der;
  }

  /** Closes the session; the module stays loaded for the process. */
  @Override
  public synchronized void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(Session session) {
    try {
      session.closeSession();
    } catch (TokenException e) {
      // The session is gone either way: the token was removed, or the module finalised.
    }
  }

  @Override
  public String toString() {
    return "Pkcs11Token{" + tokenLabel + "}";
  }

  /** Signs in the token; one operation at a time on the session. */
  private static final class TokenSigner implements Signer {
    private final Pkcs11Token token;
    private final iaik.pkcs.pkcs11.objects.Key key;
    private final DevicePublicKey publicKey;
    private final boolean ed25519;

    TokenSigner(Pkcs11Token token, iaik.pkcs.pkcs11.objects.Key key, DevicePublicKey publicKey) {
      this.token = token;
      this.key = key;
      this.publicKey = publicKey;
      this.ed25519 = publicKey.suite() == SignatureSuite.ED25519;
    }

    @Override
    public void sign(byte[] message, int offset, int length, byte[] signature, int signatureOffset) {
      Objects.checkFromIndexSize(offset, length, message.length);
      Objects.checkFromIndexSize(signatureOffset, SIGNATURE_BYTES, signature.length);
      byte[] input = ed25519 ? Arrays.copyOfRange(message, offset, offset + length) : sha256(message, offset, length);
      byte[] out;
      synchronized (token) {
        try {
          token.session.signInit(Mechanism.get(ed25519 ? CKM_EDDSA : CKM_ECDSA), key);
          out = token.session.sign(input);
        } catch (TokenException e) {
          throw new SigningException("token \"" + token.tokenLabel + "\" did not sign: " + e.getMessage(), e);
        }
      }
      if (out.length != SIGNATURE_BYTES) {
        throw new SigningException("token \"" + token.tokenLabel + "\" returned a signature of " + out.length
            + " bytes, not " + SIGNATURE_BYTES, null);
      }
      System.arraycopy(out, 0, signature, signatureOffset, SIGNATURE_BYTES);
    }

    private static byte[] sha256(byte[] message, int offset, int length) {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(message, offset, length);
        return digest.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }

    @Override
    public DevicePublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Signer{pkcs11 token " + token.tokenLabel + ", " + publicKey + "}";
    }
  }

  /** X25519 in the token: {@code CKM_ECDH1_DERIVE} to a session secret, read, then destroyed. */
  private static final class TokenAgreement implements RecipientKeyAgreement {
    private static final long CKK_GENERIC_SECRET = 0x10L;
    private final Pkcs11Token token;
    private final iaik.pkcs.pkcs11.objects.Key key;
    private final RecipientPublicKey publicKey;

    TokenAgreement(Pkcs11Token token, iaik.pkcs.pkcs11.objects.Key key, RecipientPublicKey publicKey) {
      this.token = token;
      this.key = key;
      this.publicKey = publicKey;
    }

    @Override
    public RecipientPublicKey publicKey() {
      return publicKey;
    }

    @Override
    public byte[] agree(byte[] peerPublicKey) throws KeyUnwrapException {
      Mechanism derive = Mechanism.get(CKM_ECDH1_DERIVE);
      derive.setParameters(new EcDH1KeyDerivationParameters(CKD_NULL, null, peerPublicKey.clone()));
      ValuedSecretKey template = new ValuedSecretKey(CKK_GENERIC_SECRET);
      template.getToken().setBooleanValue(false);
      template.getSensitive().setBooleanValue(false);
      template.getExtractable().setBooleanValue(true);
      template.getValueLen().setLongValue(32L);
      synchronized (token) {
        try {
          iaik.pkcs.pkcs11.objects.Key secret = token.session.deriveKey(derive, key, template);
          try {
            byte[] value = ((ValuedSecretKey) secret).getValue().getByteArrayValue();
            if (value == null || value.length != 32) {
              throw new KeyUnwrapException(KeyUnwrapException.Reason.KEY_UNAVAILABLE,
                  "token \"" + token.tokenLabel + "\" returned no 32-byte X25519 secret", null);
            }
            return value;
          } finally {
            token.session.destroyObject(secret);
          }
        } catch (TokenException e) {
          throw tokenRefused(e);
        }
      }
    }

    private KeyUnwrapException tokenRefused(TokenException e) {
      return new KeyUnwrapException(KeyUnwrapException.Reason.KEY_UNAVAILABLE,
          "token \"" + token.tokenLabel + "\" did not compute the X25519 agreement: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
      return "RecipientKeyAgreement{pkcs11 token " + token.tokenLabel + ", " + publicKey + "}";
    }
  }

}
