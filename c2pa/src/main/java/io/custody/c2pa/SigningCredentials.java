package io.custody.c2pa;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * What signs a C2PA manifest: the force's export certificate chain (the signing certificate first,
 * then any intermediates; not the root, which validators hold as a trust anchor) and its private
 * key, ECDSA P-256 (ES256) or Ed25519. Made by {@link ExportCa#issue}, or read from what a force
 * already has: PEM files or a PKCS#12 file. Immutable.
 */
public final class SigningCredentials {
  static final BouncyCastleProvider BC = new BouncyCastleProvider();

  /** The COSE algorithms a manifest can be signed with. */
  public enum Algorithm {
    /** ECDSA P-256 with SHA-256 (COSE -7). */
    ES256(-7),
    /** Ed25519 (COSE EdDSA, -8). */
    ED25519(-8);

    private final int cose;

    Algorithm(int cose) {
      this.cose = cose;
    }

    /** The COSE algorithm identifier (RFC 9053). */
    public int coseId() {
      return cose;
    }
  }

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final Algorithm algorithm;

  private SigningCredentials(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate");
    }
    this.chain = Collections.unmodifiableList(new ArrayList<>(chain));
    this.key = Objects.requireNonNull(key);
    this.algorithm = algorithmOf(key);
    ExportCa.checkMatches(chain.get(0), key, algorithm);
  }

  static SigningCredentials of(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
    return new SigningCredentials(chain, key);
  }

  private static Algorithm algorithmOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof ECPrivateKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new GeneralSecurityException("an EC key on a curve other than P-256");
      }
      return Algorithm.ES256;
    }
    String a = key.getAlgorithm();
    if (a.equals("Ed25519") || a.equals("EdDSA")) {
      return Algorithm.ED25519;
    }
    throw new GeneralSecurityException("a " + a + " key: C2PA manifests are signed here with ES256 (P-256) or Ed25519");
  }

  /**
   * Reads a certificate chain (PEM, signing certificate first) and its private key (PEM: PKCS#8,
   * or a SEC 1 EC key).
   *
   * @throws GeneralSecurityException if they do not parse, or the key is not the certificate's
   */
  public static SigningCredentials fromPem(String chainPem, String keyPem) throws GeneralSecurityException {
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(chainPem))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          chain.add(new JcaX509CertificateConverter().setProvider(BC).getCertificate(h));
        }
      }
    } catch (IOException e) {
      throw new CertificateException("the certificate chain does not parse: " + e.getMessage(), e);
    }
    PrivateKey key;
    try (PEMParser p = new PEMParser(new StringReader(keyPem))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter().setProvider(BC);
      if (o instanceof PEMKeyPair pair) {
        key = c.getPrivateKey(pair.getPrivateKeyInfo());
      } else if (o instanceof PrivateKeyInfo info) {
        key = c.getPrivateKey(info);
      } else {
        throw new GeneralSecurityException("no private key in the key file (PEM PRIVATE KEY or EC PRIVATE KEY)");
      }
    } catch (IOException e) {
      throw new GeneralSecurityException("the private key does not parse: " + e.getMessage(), e);
    }
    return new SigningCredentials(chain, key);
  }

  /** Reads {@code chainFile} and {@code keyFile}, as {@link #fromPem}. */
  public static SigningCredentials fromPemFiles(Path chainFile, Path keyFile) throws IOException, GeneralSecurityException {
    return fromPem(Files.readString(chainFile), Files.readString(keyFile));
  }

  /**
   * Reads the first key entry of a PKCS#12 file with its certificate chain.
   *
   * @throws GeneralSecurityException if the password is wrong or the file holds no key entry
   */
  public static SigningCredentials fromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12", BC);
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    for (Enumeration<String> aliases = ks.aliases(); aliases.hasMoreElements(); ) {
      String alias = aliases.nextElement();
      if (ks.isKeyEntry(alias)) {
        List<X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate c : ks.getCertificateChain(alias)) {
          chain.add((X509Certificate) c);
        }
        // the trust anchor (self-signed root) is not sent: validators hold it
        if (chain.size() > 1 && isSelfSigned(chain.get(chain.size() - 1))) {
          chain.remove(chain.size() - 1);
        }
        return new SigningCredentials(chain, (PrivateKey) ks.getKey(alias, password));
      }
    }
    throw new GeneralSecurityException(file + " holds no private key entry");
  }

  static boolean isSelfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  /** The chain, signing certificate first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The signing certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The signature algorithm the key gives. */
  public Algorithm algorithm() {
    return algorithm;
  }

  PrivateKey privateKey() {
    return key;
  }

  /** Whether the signing certificate is valid at {@code t}. */
  public boolean validAt(Instant t) {
    return !t.isBefore(certificate().getNotBefore().toInstant()) && !t.isAfter(certificate().getNotAfter().toInstant());
  }

  /** The chain as PEM, signing certificate first. */
  public String chainPem() {
    return pem(chain);
  }

  /** The private key as PEM (PKCS#8). */
  public String keyPem() {
    return pem(List.of(key));
  }

  static String pem(List<?> objects) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        p.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }
}
