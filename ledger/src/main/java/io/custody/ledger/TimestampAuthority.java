package io.custody.ledger;

import io.custody.ledger.TimestampException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * A client of one RFC 3161 time-stamping authority (TSA) over HTTP(S), and the verifier of the
 * tokens it issues.
 *
 * <p>A device clock can be wrong and a checkpoint's own time is only what its signer claims. A
 * time-stamp token binds the SHA-256 of the checkpoint to the authority's time under the
 * authority's signature, so once it is stored beside the checkpoint the checkpoint provably
 * existed at that time, and the force cannot move that time afterwards.
 *
 * <p>The authority is pinned: every token must be signed with the one certificate given here (a
 * time-stamping certificate: extended key usage {@code id-kp-timeStamping}, critical and alone,
 * RFC 3161 section 2.3). No chain is built and no certificate carried in a token is trusted.
 *
 * <p>Instances are immutable and thread-safe; one request is bounded in size ({@value
 * #MAX_RESPONSE_BYTES} bytes of response) and in time ({@link #timeout()}, for the whole
 * exchange).
 */
public final class TimestampAuthority {
  /** The largest time-stamp response accepted, in bytes. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** The bound on one exchange when none is given: connecting, sending and reading the reply. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The object identifier of {@code id-kp-timeStamping} (RFC 3280 / RFC 5280). */
  private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

  /** The object identifier of the extended key usage extension. */
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";

  private static final ASN1ObjectIdentifier SHA256 = NISTObjectIdentifiers.id_sha256;
  private static final String QUERY_TYPE = "application/timestamp-query";
  private static final String REPLY_TYPE = "application/timestamp-reply";

  /** The media type some older authorities answer with (an RFC 3161 draft's name). */
  private static final String OLD_REPLY_TYPE = "application/timestamp-response";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final URI url;
  private final X509Certificate certificate;
  private final Duration timeout;
  private final HttpClient client;

  private TimestampAuthority(URI url, X509Certificate certificate, Duration timeout) {
    this.url = url;
    this.certificate = certificate;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * The authority at {@code url} (http or https), whose tokens must be signed with {@code
   * tsaCertificate}; each exchange is bounded by {@link #DEFAULT_TIMEOUT}.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL with a host, or
   *     the certificate is not a time-stamping certificate (RFC 3161 section 2.3)
   */
  public static TimestampAuthority of(URI url, X509Certificate tsaCertificate) {
    return of(url, tsaCertificate, DEFAULT_TIMEOUT);
  }

  /**
   * The authority at {@code url} (http or https), whose tokens must be signed with {@code
   * tsaCertificate}; each exchange (connecting, sending the request, reading the whole reply) is
   * bounded by {@code timeout}.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL with a host, the
   *     timeout is not positive, or the certificate is not a time-stamping certificate (RFC 3161
   *     section 2.3)
   */
  public static TimestampAuthority of(URI url, X509Certificate tsaCertificate, Duration timeout) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(tsaCertificate, "tsaCertificate");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "time-stamping authority URL must be an absolute http or https URL with a host: " + url);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    String problem = notTimeStamping(tsaCertificate);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new TimestampAuthority(url, tsaCertificate, timeout);
  }

  /** The authority's URL. */
  public URI url() {
    return url;
  }

  /** The certificate every token of this authority must be signed with. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The bound on one exchange with the authority. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Has the authority time-stamp {@code data}, and returns the token.
   *
   * <p>Sends a TimeStampReq for the SHA-256 of {@code data} with a fresh random nonce, asking for
   * the authority's certificate in the token ({@code certReq}), as {@code
   * application/timestamp-query}; accepts only a granted {@code application/timestamp-reply} that
   * answers this very request (imprint and nonce, so an old or another client's response is
   * refused) and whose token {@linkplain #verify verifies} with this authority's certificate.
   *
   * @return the DER encoding of the TimeStampToken (a CMS ContentInfo holding SignedData), to be
   *     stored beside the data and checked later with {@link #verify}
   * @throws IOException if the authority cannot be reached, does not answer within {@link
   *     #timeout()} ({@link HttpTimeoutException}), or answers with an HTTP status other than 200
   * @throws TimestampException if the authority answers but not with an acceptable token: refused
   *     ({@link Reason#REFUSED}), unparsable, of the wrong content type or larger than {@value
   *     #MAX_RESPONSE_BYTES} bytes ({@link Reason#MALFORMED}), for another request ({@link
   *     Reason#MISMATCH}), or not verifying ({@link Reason#SIGNATURE}, {@link Reason#UNTRUSTED})
   */
  public byte[] timestamp(byte[] data) throws IOException, TimestampException {
    Objects.requireNonNull(data, "data");
    TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
    generator.setCertReq(true);
    TimeStampRequest request =
        generator.generate(TSPAlgorithms.SHA256, sha256(data), new BigInteger(64, RANDOM));
    byte[] reply = post(request.getEncoded());

    TimeStampResponse response = parseResponse(reply);
    int status = response.getStatus();
    if (status != PKIStatus.GRANTED && status != PKIStatus.GRANTED_WITH_MODS) {
      throw new TimestampException(
          Reason.REFUSED,
          "time-stamping authority " + url + " refused the request: " + describeStatus(response));
    }
    if (response.getTimeStampToken() == null) {
      throw new TimestampException(
          Reason.MALFORMED,
          "time-stamping authority " + url + " granted the request but sent no time-stamp token");
    }
    try {
      response.validate(request);
    } catch (TSPException | RuntimeException e) {
      throw new TimestampException(
          Reason.MISMATCH,
          "the response of " + url + " does not answer this request: " + e.getMessage(), e);
    }
    byte[] token;
    try {
      token = response.getTimeStampToken().getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new TimestampException(
          Reason.MALFORMED, "cannot DER-encode the time-stamp token of " + url + ": " + e, e);
    }
    verify(token, data, certificate);
    return token;
  }

  /**
   * Verifies a stored time-stamp token against the data it should time-stamp and the certificate
   * of the authority it should come from, and returns the authority's time.
   *
   * <p>In this order:
   *
   * <ol>
   *   <li>{@code tsaCertificate} is a time-stamping certificate: extended key usage {@code
   *       id-kp-timeStamping}, critical and alone (RFC 3161 section 2.3) ({@link
   *       Reason#UNTRUSTED});
   *   <li>the token is a well-formed, DER-encoded TimeStampToken with nothing after it, whose
   *       parts outside the signature agree with the signed ones: the content type, the
   *       SignedData and SignerInfo versions, the digest algorithms ({@link Reason#MALFORMED});
   *   <li>its signer is {@code tsaCertificate}, by issuer and serial number or subject key
   *       identifier ({@link Reason#UNTRUSTED});
   *   <li>its CMS signature verifies with that certificate's key ({@link Reason#SIGNATURE});
   *   <li>that certificate was valid at the token's time, and the token's signing-certificate
   *       attribute (ESS certID) names it ({@link Reason#UNTRUSTED});
   *   <li>if the token carries certificates, {@code tsaCertificate} is one of them; others, such
   *       as a chain, are ignored ({@link Reason#MALFORMED});
   *   <li>its message imprint is the SHA-256 (the only hash algorithm accepted) of {@code data}
   *       ({@link Reason#MISMATCH}): a genuine token, but for other data.
   * </ol>
   *
   * <p>No certificate carried inside the token is trusted, only {@code tsaCertificate}. Every
   * change of a byte of a token as {@link #timestamp} returns it (with the TSA's certificate and
   * no chain) makes it fail.
   *
   * @return the token's {@code genTime}, the time the authority vouches for
   * @throws TimestampException naming the first check that failed: {@link Reason#MALFORMED},
   *     {@link Reason#UNTRUSTED}, {@link Reason#SIGNATURE} or {@link Reason#MISMATCH}
   */
  public static Instant verify(byte[] token, byte[] data, X509Certificate tsaCertificate)
      throws TimestampException {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(tsaCertificate, "tsaCertificate");
    try {
      return verifyToken(token, data, tsaCertificate);
    } catch (RuntimeException e) { // BouncyCastle parses some parts lazily, and fails unchecked
      throw new TimestampException(
          Reason.MALFORMED, "the time-stamp token cannot be processed: " + e, e);
    }
  }

  private static Instant verifyToken(byte[] token, byte[] data, X509Certificate tsaCertificate)
      throws TimestampException {
    String problem = notTimeStamping(tsaCertificate);
    if (problem != null) {
      throw new TimestampException(Reason.UNTRUSTED, problem);
    }
    TimeStampToken parsed = parseToken(token);

    X509CertificateHolder holder;
    try {
      holder = new JcaX509CertificateHolder(tsaCertificate);
    } catch (CertificateEncodingException e) {
      throw new TimestampException(
          Reason.UNTRUSTED, "cannot encode the TSA certificate " + describe(tsaCertificate), e);
    }
    TimestampEnvelope.checkStructure(token, parsed);
    SignerId signer = parsed.getSID();
    if (!signer.match(holder)) {
      throw new TimestampException(
          Reason.UNTRUSTED,
          "the time-stamp token is signed by " + describe(signer) + ", not by the TSA certificate "
              + describe(tsaCertificate));
    }
    SignerInformationVerifier verifier;
    try {
      verifier = new JcaSimpleSignerInfoVerifierBuilder().build(holder);
    } catch (OperatorCreationException | CertificateException | RuntimeException e) {
      throw new TimestampException(
          Reason.SIGNATURE,
          "cannot verify signatures with the key of " + describe(tsaCertificate) + ": " + e, e);
    }
    boolean signatureValid;
    try {
      signatureValid = parsed.isSignatureValid(verifier);
    } catch (TSPException | RuntimeException e) {
      throw new TimestampException(
          Reason.SIGNATURE,
          "the time-stamp token's signature does not verify: " + e.getMessage(),
          e);
    }
    if (!signatureValid) {
      throw new TimestampException(
          Reason.SIGNATURE,
          "the time-stamp token's signature does not verify with the key of "
              + describe(tsaCertificate));
    }
    TimeStampTokenInfo info = parsed.getTimeStampInfo();
    Instant genTime = info.getGenTime().toInstant();
    try {
      tsaCertificate.checkValidity(info.getGenTime());
    } catch (CertificateException e) {
      throw new TimestampException(
          Reason.UNTRUSTED,
          "the TSA certificate " + describe(tsaCertificate) + " was not valid at the token's time "
              + genTime + " (valid " + tsaCertificate.getNotBefore().toInstant() + " to "
              + tsaCertificate.getNotAfter().toInstant() + ")", e);
    }
    try {
      // The signing-certificate attribute (ESS certID hash, issuer and serial), the extended key
      // usage and the validity at genTime, then the signature once more.
      parsed.validate(verifier);
    } catch (TSPException | RuntimeException e) {
      throw new TimestampException(
          Reason.UNTRUSTED,
          "the time-stamp token is not bound to the TSA certificate " + describe(tsaCertificate)
              + ": " + e.getMessage(), e);
    }

    TimestampEnvelope.checkCarriedCertificates(parsed, holder, describe(tsaCertificate));

    ASN1ObjectIdentifier algorithm = info.getMessageImprintAlgOID();
    if (!SHA256.equals(algorithm)) {
      throw new TimestampException(
          Reason.MISMATCH,
          "the time-stamp token's message imprint uses hash algorithm " + algorithm.getId()
              + "; only SHA-256 (" + SHA256.getId() + ") is accepted");
    }
    if (!MessageDigest.isEqual(info.getMessageImprintDigest(), sha256(data))) {
      throw new TimestampException(
          Reason.MISMATCH,
          "the time-stamp token is for other data: its message imprint "
              + HEX.formatHex(info.getMessageImprintDigest()) + " is not the SHA-256 of the data ("
              + HEX.formatHex(sha256(data)) + ")");
    }
    return genTime;
  }

  /**
   * Reads one X.509 certificate from PEM text ({@code -----BEGIN CERTIFICATE-----}), as the CLI
   * reads the authority's certificate from a file.
   *
   * @throws IllegalArgumentException if the text does not hold exactly one certificate
   */
  public static X509Certificate certificateFromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(
          "not a PEM certificate: no -----BEGIN CERTIFICATE----- line");
    }
    Collection<? extends Certificate> certificates;
    try {
      byte[] text = pem.getBytes(StandardCharsets.US_ASCII);
      certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(text));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a well-formed PEM certificate: " + e.getMessage(), e);
    }
    if (certificates.size() != 1) {
      throw new IllegalArgumentException(
          "the PEM text holds " + certificates.size()
              + " certificates; expected exactly one, the time-stamping authority's own");
    }
    Certificate certificate = certificates.iterator().next();
    if (!(certificate instanceof X509Certificate x509)) {
      throw new IllegalArgumentException("not an X.509 certificate: " + certificate.getType());
    }
    return x509;
  }

  @Override
  public String toString() {
    return "TimestampAuthority[" + url + ", " + describe(certificate) + ", timeout " + timeout
        + "]";
  }

  // ---- HTTP --------------------------------------------------------------------------------

  /** POSTs the query and returns the body of a 200 reply of the right content type. */
  private byte[] post(byte[] query) throws IOException, TimestampException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", QUERY_TYPE)
            .header("Accept", REPLY_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(query))
            .build();
    AtomicReference<LimitedBody> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(
            request,
            info -> {
              LimitedBody subscriber =
                  new LimitedBody(info.headers().firstValueAsLong("Content-Length").orElse(-1));
              body.set(subscriber);
              return subscriber;
            });
    HttpResponse<byte[]> response;
    try {
      response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort(future, body);
      HttpTimeoutException timedOut =
          new HttpTimeoutException(
              "time-stamping authority " + url + " did not answer within " + timeout);
      timedOut.initCause(e);
      throw timedOut;
    } catch (InterruptedException e) {
      abort(future, body);
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while waiting for " + url);
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException e) {
      abort(future, body);
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof TooLarge) {
          throw new TimestampException(
              Reason.MALFORMED,
              "the reply of " + url + " is larger than " + MAX_RESPONSE_BYTES + " bytes", t);
        }
        if (t instanceof HttpTimeoutException) {
          HttpTimeoutException timedOut =
              new HttpTimeoutException(
                  "time-stamping authority " + url + " did not answer within " + timeout);
          timedOut.initCause(t);
          throw timedOut;
        }
      }
      throw new IOException(
          "cannot reach time-stamping authority " + url + ": " + e.getCause(), e.getCause());
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "time-stamping authority " + url + " answered HTTP " + response.statusCode()
              + " (expected 200 with " + REPLY_TYPE + ")");
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    int semicolon = contentType.indexOf(';');
    String mediaType =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    if (!mediaType.equals(REPLY_TYPE) && !mediaType.equals(OLD_REPLY_TYPE)) {
      throw new TimestampException(
          Reason.MALFORMED,
          "time-stamping authority " + url + " answered with Content-Type '" + contentType
              + "', not " + REPLY_TYPE);
    }
    return response.body();
  }

  private static void abort(
      CompletableFuture<HttpResponse<byte[]>> future, AtomicReference<LimitedBody> body) {
    future.cancel(true);
    LimitedBody subscriber = body.get();
    if (subscriber != null) {
      subscriber.fail(new IOException("abandoned"));
    }
  }

  /** The marker for a reply larger than {@link #MAX_RESPONSE_BYTES}. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long size) {
      super(
          (size < 0 ? "more than " + MAX_RESPONSE_BYTES : Long.toString(size))
              + " bytes of reply, at most " + MAX_RESPONSE_BYTES + " accepted");
    }
  }

  /** Collects a body of at most {@link #MAX_RESPONSE_BYTES}, and can be cancelled. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long declaredLength;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

    LimitedBody(long declaredLength) {
      this.declaredLength = declaredLength;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (!subscription.compareAndSet(null, s)) {
        s.cancel();
        return;
      }
      if (declaredLength > MAX_RESPONSE_BYTES) {
        fail(new TooLarge(declaredLength));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (bytes.size() + (long) item.remaining() > MAX_RESPONSE_BYTES) {
          fail(new TooLarge(-1));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    /** Stops reading: the body completes with {@code failure} (unless it is complete already). */
    void fail(IOException failure) {
      result.completeExceptionally(failure);
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }
  }

  // ---- parsing and describing ----------------------------------------------------------------

  private static TimeStampResponse parseResponse(byte[] reply) throws TimestampException {
    try {
      // fromByteArray refuses bytes after the first object; TimeStampResponse(byte[]) ignores them.
      return new TimeStampResponse(TimeStampResp.getInstance(ASN1Primitive.fromByteArray(reply)));
    } catch (IOException | TSPException | RuntimeException e) {
      throw new TimestampException(
          Reason.MALFORMED,
          "not an RFC 3161 time-stamp response (" + reply.length + " bytes): " + e.getMessage(), e);
    }
  }

  private static TimeStampToken parseToken(byte[] token) throws TimestampException {
    try {
      ContentInfo contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(token));
      if (contentInfo == null) {
        throw new IOException("empty");
      }
      return new TimeStampToken(contentInfo);
    } catch (IOException | TSPException | RuntimeException e) {
      throw new TimestampException(
          Reason.MALFORMED,
          "not an RFC 3161 time-stamp token (" + token.length + " bytes): " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code certificate} cannot sign time-stamp tokens (RFC 3161 section 2.3: the extended key
   * usage extension is present, critical and holds only id-kp-timeStamping), or null if it can.
   */
  private static String notTimeStamping(X509Certificate certificate) {
    String prefix =
        "the certificate " + describe(certificate) + " is not a time-stamping certificate: ";
    List<String> usages;
    try {
      usages = certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return prefix + "its extended key usage extension cannot be parsed (" + e.getMessage() + ")";
    }
    if (usages == null) {
      return prefix + "it has no extended key usage extension (RFC 3161 section 2.3 requires "
          + "a critical one with only id-kp-timeStamping)";
    }
    Set<String> critical = certificate.getCriticalExtensionOIDs();
    if (critical == null || !critical.contains(EXTENDED_KEY_USAGE)) {
      return prefix + "its extended key usage extension is not critical (RFC 3161 section 2.3)";
    }
    if (!usages.equals(List.of(TIME_STAMPING))) {
      return prefix + "its extended key usage is " + usages + ", not only id-kp-timeStamping ("
          + TIME_STAMPING + ", RFC 3161 section 2.3)";
    }
    return null;
  }

  private static String describeStatus(TimeStampResponse response) {
    int status = response.getStatus();
    String[] names = {
      "granted", "grantedWithMods", "rejection", "waiting", "revocationWarning",
      "revocationNotification"
    };
    StringBuilder text = new StringBuilder("status ");
    text.append(status >= 0 && status < names.length ? names[status] : "unknown").append(" (")
        .append(status).append(')');
    String statusString = response.getStatusString();
    if (statusString != null) {
      text.append(", \"").append(statusString).append('"');
    }
    PKIFailureInfo failInfo = response.getFailInfo();
    if (failInfo != null) {
      int bits = failInfo.intValue();
      List<String> failures = new ArrayList<>();
      addIf(failures, bits, PKIFailureInfo.badAlg, "badAlg");
      addIf(failures, bits, PKIFailureInfo.badRequest, "badRequest");
      addIf(failures, bits, PKIFailureInfo.badDataFormat, "badDataFormat");
      addIf(failures, bits, PKIFailureInfo.timeNotAvailable, "timeNotAvailable");
      addIf(failures, bits, PKIFailureInfo.unacceptedPolicy, "unacceptedPolicy");
      addIf(failures, bits, PKIFailureInfo.unacceptedExtension, "unacceptedExtension");
      addIf(failures, bits, PKIFailureInfo.addInfoNotAvailable, "addInfoNotAvailable");
      addIf(failures, bits, PKIFailureInfo.systemFailure, "systemFailure");
      text.append(", failure info ")
          .append(
              failures.isEmpty() ? "0x" + Integer.toHexString(bits) : String.join(", ", failures));
    }
    return text.toString();
  }

  private static void addIf(List<String> names, int bits, int flag, String name) {
    if ((bits & flag) != 0) {
      names.add(name);
    }
  }

  private static String describe(X509Certificate certificate) {
    return "'" + certificate.getSubjectX500Principal().getName() + "' (serial "
        + certificate.getSerialNumber().toString(16) + ")";
  }

  private static String describe(SignerId signer) {
    if (signer.getIssuer() != null && signer.getSerialNumber() != null) {
      return "issuer '" + signer.getIssuer() + "' serial " + signer.getSerialNumber().toString(16);
    }
    if (signer.getSubjectKeyIdentifier() != null) {
      return "subject key identifier " + HEX.formatHex(signer.getSubjectKeyIdentifier());
    }
    return "an unidentified signer";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
