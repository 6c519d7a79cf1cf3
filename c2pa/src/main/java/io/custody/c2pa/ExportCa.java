package io.custody.c2pa;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A force's private certificate authority for Content Credentials, for a force that has none: it
 * issues the export certificates that sign C2PA manifests. Its root certificate is what a validator
 * (a court, a newsroom, the defence) is given as a trust anchor; its key stays offline. ECDSA P-256
 * throughout, which every C2PA validator accepts. Immutable.
 */
public final class ExportCa {
  /** Extended key usage document signing (RFC 9336), which C2PA validators accept for claim signing. */
  public static final String DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36";

  private final X509Certificate certificate;
  private final PrivateKey key;

  private ExportCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * A new CA named {@code organisation} (the force), its self-signed root valid for {@code validity}
   * from now.
   */
  public static ExportCa create(String organisation, Duration validity, Clock clock) throws GeneralSecurityException {
    KeyPair pair = p256();
    X500Name name = name(organisation, organisation + " Content Credentials CA");
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(300)),
          Date.from(now.plus(validity)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new ExportCa(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /**
   * Issues an export certificate for {@code subject} (a back-office node or service), valid for
   * {@code validity} from now and never beyond the CA's own: an ECDSA P-256 key, key usage digital
   * signature, extended key usage document signing.
   */
  public SigningCredentials issue(String subject, Duration validity, Clock clock) throws GeneralSecurityException {
    KeyPair pair = p256();
    Instant now = clock.instant();
    Instant until = now.plus(validity);
    if (until.isAfter(certificate.getNotAfter().toInstant())) {
      until = certificate.getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(300)),
          Date.from(until), name(organisation(), subject), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(DOCUMENT_SIGNING))))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return SigningCredentials.of(List.of(sign(b, key)), pair.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** The root certificate: the trust anchor a validator is given. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The root certificate as PEM. */
  public String certificatePem() {
    return SigningCredentials.pem(List.of(certificate));
  }

  /** Writes {@code dir/ca.pem} and {@code dir/ca.key} (0600); refuses to overwrite either. */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String n : List.of("ca.pem", "ca.key")) {
      if (Files.exists(dir.resolve(n))) {
        throw new java.nio.file.FileAlreadyExistsException(dir.resolve(n) + " exists; a CA is never overwritten");
      }
    }
    Files.writeString(dir.resolve("ca.pem"), certificatePem(), StandardCharsets.US_ASCII,
        java.nio.file.StandardOpenOption.CREATE_NEW);
    writePrivate(dir.resolve("ca.key"), SigningCredentials.pem(List.of(key)));
  }

  /** Reads a CA that {@link #save} wrote. */
  public static ExportCa load(Path dir) throws IOException, GeneralSecurityException {
    SigningCredentials c = SigningCredentials.fromPemFiles(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    if (!SigningCredentials.isSelfSigned(c.certificate()) || c.certificate().getBasicConstraints() < 0) {
      throw new GeneralSecurityException(dir.resolve("ca.pem") + " is not a CA's root certificate");
    }
    return new ExportCa(c.certificate(), c.privateKey());
  }

  /** Writes a private key file readable by its owner only. */
  static void writePrivate(Path file, String pem) throws IOException {
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's permissions protect it
    }
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }

  private String organisation() {
    X500Name n = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    return n.getRDNs(BCStyle.O).length > 0 ? n.getRDNs(BCStyle.O)[0].getFirst().getValue().toString() : "Custody";
  }

  private static X500Name name(String organisation, String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organisation).addRDN(BCStyle.CN, commonName).build();
  }

  private static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).setBit(126); // positive, 16 bytes, never 0
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(SigningCredentials.BC).build(key);
      return new JcaX509CertificateConverter().setProvider(SigningCredentials.BC).getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** Whether {@code key} is the private key of {@code cert}'s public key (a signature round trip). */
  static void checkMatches(X509Certificate cert, PrivateKey key, SigningCredentials.Algorithm algorithm)
      throws GeneralSecurityException {
    String alg = algorithm == SigningCredentials.Algorithm.ES256 ? "SHA256withECDSA" : "Ed25519";
    byte[] probe = "custody export certificate".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(alg, SigningCredentials.BC);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg, SigningCredentials.BC);
    v.initVerify(cert.getPublicKey());
    v.update(probe);
    boolean ok;
    try {
      ok = v.verify(sig);
    } catch (java.security.SignatureException e) {
      ok = false;
    }
    if (!ok) {
      throw new GeneralSecurityException("the private key is not the signing certificate's");
    }
  }
}
