package io.custody.ledger;

import io.custody.ledger.TimestampException.Reason;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * The checks of the parts of a time-stamp token that its signature does not cover: the
 * ContentInfo's content type, the encoding, the SignedData and SignerInfo versions, the
 * SignedData's list of digest algorithms and the certificates it carries.
 *
 * <p>None of these can change what a token proves (the signed TSTInfo and attributes), but a
 * ledger stores the token's bytes, and two different byte strings should not both pass for the
 * same token: with these checks, any change of a byte of a token that carries only its TSA's
 * certificate is refused.
 */
final class TimestampEnvelope {
  /** SignedData version 3: the encapsulated content is not id-data (RFC 5652 section 5.1). */
  private static final int SIGNED_DATA_VERSION = 3;

  private TimestampEnvelope() {}

  /**
   * Checks the encoding of {@code token} (already parsed as {@code parsed}) and that its unsigned
   * parts agree with its signed parts.
   *
   * @throws TimestampException MALFORMED for a part that disagrees or a non-DER encoding
   */
  static void checkStructure(byte[] token, TimeStampToken parsed) throws TimestampException {
    try {
      structure(token, parsed);
    } catch (RuntimeException e) { // BouncyCastle parses some parts lazily
      throw malformed("a part cannot be parsed (" + e.getMessage() + ")", e);
    }
  }

  private static void structure(byte[] token, TimeStampToken parsed) throws TimestampException {
    ContentInfo contentInfo;
    try {
      contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(token));
    } catch (IOException e) {
      throw malformed("it cannot be parsed (" + e.getMessage() + ")", e);
    }
    if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
      throw malformed("its content type is " + contentInfo.getContentType().getId()
          + ", not id-signedData (" + CMSObjectIdentifiers.signedData.getId() + ")", null);
    }
    CMSSignedData signedData = parsed.toCMSSignedData();
    if (signedData.getVersion() != SIGNED_DATA_VERSION) {
      throw malformed("its SignedData version is " + signedData.getVersion() + ", not "
          + SIGNED_DATA_VERSION + " (RFC 5652 section 5.1)", null);
    }
    SignerInformation signer = signedData.getSignerInfos().getSigners().iterator().next();
    int signerVersion = signer.getSID().getSubjectKeyIdentifier() != null ? 3 : 1;
    if (signer.getVersion() != signerVersion) {
      throw malformed("its SignerInfo version is " + signer.getVersion() + ", not "
          + signerVersion + " for its kind of signer identifier (RFC 5652 section 5.3)", null);
    }
    Set<AlgorithmIdentifier> digests = new HashSet<>();
    for (AlgorithmIdentifier digest : signedData.getDigestAlgorithmIDs()) {
      digests.add(normalized(digest));
    }
    if (!digests.equals(Set.of(normalized(signer.getDigestAlgorithmID())))) {
      throw malformed("its SignedData digest algorithms do not list exactly the signer's ("
          + signer.getDigestAlgOID() + ")", null);
    }
    SignedData content = SignedData.getInstance(contentInfo.getContent());
    if (content.getCertificates() != null) {
      for (ASN1Encodable choice : content.getCertificates()) {
        if (!(choice instanceof ASN1Sequence)) {
          throw malformed("it carries a certificate choice other than an X.509 certificate "
              + "(RFC 5652 section 10.2.2)", null);
        }
      }
    }
    // The encoding of the fields as BouncyCastle reads them (it takes some tags on trust, so
    // the generic re-encoding is not enough): the token must be exactly that, in DER.
    ASN1EncodableVector signerInfos = new ASN1EncodableVector();
    for (ASN1Encodable signerInfo : content.getSignerInfos()) {
      signerInfos.add(SignerInfo.getInstance(signerInfo));
    }
    byte[] canonical;
    try {
      canonical =
          new ContentInfo(
                  CMSObjectIdentifiers.signedData,
                  new SignedData(
                      content.getDigestAlgorithms(),
                      content.getEncapContentInfo(),
                      content.getCertificates(),
                      content.getCRLs(),
                      new DERSet(signerInfos)))
              .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw malformed("it cannot be re-encoded (" + e.getMessage() + ")", e);
    }
    if (!Arrays.equals(canonical, token)) {
      throw malformed("it is not in the canonical DER encoding (the only one accepted, so that "
          + "the stored bytes are exactly the token)", null);
    }
  }

  /**
   * Checks that {@code parsed} carries {@code pinned}, which {@link TimestampAuthority} always
   * asks for (RFC 3161 section 2.4.1: the TSA's certificate is then included), so that a changed
   * copy of it is refused. Other certificates (a chain) are ignored.
   *
   * @throws TimestampException MALFORMED if it does not carry {@code pinned}
   */
  static void checkCarriedCertificates(TimeStampToken parsed, X509CertificateHolder pinned,
      String pinnedName) throws TimestampException {
    Collection<X509CertificateHolder> carried;
    try {
      carried = parsed.toCMSSignedData().getCertificates().getMatches(null);
    } catch (RuntimeException e) {
      throw malformed("its certificates cannot be parsed (" + e.getMessage() + ")", e);
    }
    byte[] pinnedEncoding;
    try {
      pinnedEncoding = pinned.getEncoded();
    } catch (IOException e) {
      throw new TimestampException(
          Reason.UNTRUSTED, "cannot encode the TSA certificate " + pinnedName, e);
    }
    boolean found = false;
    for (X509CertificateHolder certificate : carried) {
      try {
        found |= Arrays.equals(certificate.getEncoded(), pinnedEncoding);
      } catch (IOException e) {
        throw malformed("a certificate it carries cannot be encoded", e);
      }
    }
    if (!found) {
      throw malformed("it carries " + carried.size() + " certificate(s) but not the one it is "
          + "signed with, " + pinnedName + " (asked for with certReq, RFC 3161 section 2.4.1)",
          null);
    }
  }

  /** The identifier with absent parameters for both absent and NULL ones (RFC 5754 allows both). */
  private static AlgorithmIdentifier normalized(AlgorithmIdentifier id) {
    ASN1Encodable parameters = id.getParameters();
    if (parameters == null || DERNull.INSTANCE.equals(parameters)) {
      return new AlgorithmIdentifier(id.getAlgorithm());
    }
    return id;
  }

  private static TimestampException malformed(String problem, Throwable cause) {
    return new TimestampException(
        Reason.MALFORMED, "the time-stamp token is not well formed: " + problem, cause);
  }
}
