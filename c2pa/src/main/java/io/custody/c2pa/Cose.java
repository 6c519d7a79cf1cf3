package io.custody.c2pa;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/** COSE's ECDSA signature encoding (RFC 9053 §2.1): r ‖ s, each as long as the curve's order. */
final class Cose {
  private Cose() {}

  /** A DER ECDSA signature (SEQUENCE of two INTEGERs) as r ‖ s of {@code n} bytes each. */
  static byte[] derToRaw(byte[] der, int n) throws GeneralSecurityException {
    ASN1Sequence seq;
    try {
      seq = ASN1Sequence.getInstance(der);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not a DER ECDSA signature", e);
    }
    byte[] out = new byte[2 * n];
    put(ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(), out, 0, n);
    put(ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue(), out, n, n);
    return out;
  }

  /** r ‖ s as a DER ECDSA signature (for the JDK's verifier). */
  static byte[] rawToDer(byte[] raw) throws GeneralSecurityException {
    int n = raw.length / 2;
    try {
      return new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, n))),
          new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, n, 2 * n)))}).getEncoded();
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void put(BigInteger v, byte[] out, int at, int n) throws GeneralSecurityException {
    byte[] b = v.toByteArray();
    int skip = b.length > n && b[0] == 0 ? 1 : 0;
    if (b.length - skip > n) {
      throw new GeneralSecurityException("an ECDSA value longer than " + n + " bytes");
    }
    System.arraycopy(b, skip, out, at + n - (b.length - skip), b.length - skip);
  }
}
