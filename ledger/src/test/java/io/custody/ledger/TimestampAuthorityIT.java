package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.custody.ledger.OpenSslTsa.Mode;
import io.custody.ledger.TimestampException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TimestampAuthority} against OpenSSL's {@code openssl ts -reply} as the time-stamping
 * authority ({@link OpenSslTsa}), and its tokens against {@code openssl ts -verify}.
 */
@Timeout(120)
class TimestampAuthorityIT {
  private static final byte[] CHECKPOINT =
      "custody.example/ledger\n42\nqBW6y3KuYqT0D8mXnBz0tiKqD0yT2w3n7k1bA3bJ0gI=\n"
          .getBytes(StandardCharsets.UTF_8);

  @TempDir static Path dir;
  private static OpenSslTsa tsa;
  private static TimestampAuthority client;
  private static byte[] token;

  @BeforeAll
  static void start() throws Exception {
    tsa = OpenSslTsa.start(dir);
    client = TimestampAuthority.of(tsa.url(), tsa.certificate(), Duration.ofSeconds(3));
    token = client.timestamp(CHECKPOINT);
  }

  @AfterAll
  static void stop() {
    if (tsa != null) {
      tsa.close();
    }
  }

  @AfterEach
  void normal() {
    tsa.mode(Mode.NORMAL);
  }

  // ---- a good token ------------------------------------------------------------------------

  @Test
  void tokenFromOpenSslVerifiesAndCarriesTheAuthoritysTime() throws Exception {
    Instant before = Instant.now();
    byte[] fresh = client.timestamp(CHECKPOINT);
    Instant after = Instant.now();

    Instant genTime = TimestampAuthority.verify(fresh, CHECKPOINT, tsa.certificate());
    // openssl ts writes whole seconds (accuracy 1 s): allow that, and a little more.
    assertThat(genTime).isBetween(before.minusSeconds(2), after.plusSeconds(2));
    assertThat(tsa.lastContentType()).isEqualTo("application/timestamp-query");

    // A DER ContentInfo with the SHA-256 imprint of the data and the TSA certificate inside.
    TimeStampToken parsed =
        new TimeStampToken(ContentInfo.getInstance(ASN1Primitive.fromByteArray(fresh)));
    assertThat(parsed.getEncoded("DER")).isEqualTo(fresh);
    assertThat(parsed.getTimeStampInfo().getMessageImprintAlgOID().getId())
        .isEqualTo("2.16.840.1.101.3.4.2.1");
    assertThat(parsed.getTimeStampInfo().getNonce()).isNotNull();
    assertThat(parsed.getCertificates().getMatches(null)).hasSize(1);
    // Two requests, two nonces.
    assertThat(parsed.getTimeStampInfo().getNonce())
        .isNotEqualTo(
            new TimeStampToken(ContentInfo.getInstance(ASN1Primitive.fromByteArray(token)))
                .getTimeStampInfo()
                .getNonce());
  }

  @Test
  void openSslVerifiesTheTokenTheClientReceived() throws Exception {
    Path data = dir.resolve("checkpoint");
    Path tokenFile = dir.resolve("checkpoint.tst");
    Files.write(data, CHECKPOINT);
    Files.write(tokenFile, token);
    OpenSslTsa.Result ok =
        OpenSslTsa.tryRun(dir, "ts", "-verify", "-data", data.toString(), "-in",
            tokenFile.toString(), "-token_in", "-CAfile", tsa.file("ca.crt").toString());
    assertThat(ok.exit()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).contains("Verification: OK");

    // OpenSSL reads the same time from the token as verify does.
    OpenSslTsa.Result text =
        OpenSslTsa.tryRun(dir, "ts", "-reply", "-in", tokenFile.toString(), "-token_in", "-text");
    assertThat(text.exit()).as(text.stderr()).isZero();
    String line =
        text.stdout().lines().filter(l -> l.startsWith("Time stamp: ")).findFirst().orElseThrow();
    Instant opensslTime =
        DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy 'GMT'", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .parse(line.substring("Time stamp: ".length()).trim(), Instant::from);
    assertThat(TimestampAuthority.verify(token, CHECKPOINT, tsa.certificate()))
        .isEqualTo(opensslTime);

    // The oracle can say no: other data, or another CA.
    Path other = dir.resolve("other");
    Files.write(other, "other".getBytes(StandardCharsets.UTF_8));
    OpenSslTsa.Result otherData =
        OpenSslTsa.tryRun(dir, "ts", "-verify", "-data", other.toString(), "-in",
            tokenFile.toString(), "-token_in", "-CAfile", tsa.file("ca.crt").toString());
    assertThat(otherData.exit()).isNotZero();
    OpenSslTsa.Result otherCa =
        OpenSslTsa.tryRun(dir, "ts", "-verify", "-data", data.toString(), "-in",
            tokenFile.toString(), "-token_in", "-CAfile", tsa.file("other-ca.crt").toString());
    assertThat(otherCa.exit()).isNotZero();
  }

  // ---- verify refuses ----------------------------------------------------------------------

  @Test
  void verifyRefusesOtherData() {
    byte[] other = CHECKPOINT.clone();
    other[other.length - 2] ^= 1;
    TimestampException e =
        refusal(() -> TimestampAuthority.verify(token, other, tsa.certificate()));
    assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
    assertThat(e.getMessage()).contains("other data").contains("SHA-256");
    assertThat(refusal(() -> TimestampAuthority.verify(token, new byte[0], tsa.certificate()))
            .reason())
        .isEqualTo(Reason.MISMATCH);
  }

  @Test
  void verifyRefusesAnotherTimeStampingCertificate() throws Exception {
    // A good time-stamping certificate of another authority (another CA, another key).
    X509Certificate other = tsa.certificate("other-tsa.crt");
    TimestampException e = refusal(() -> TimestampAuthority.verify(token, CHECKPOINT, other));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED);
    assertThat(e.getMessage()).contains("signed by").contains("Custody test other-tsa");
  }

  @Test
  void verifyRefusesATwinCertificateWithTheSameKeyIssuerAndSerial() throws Exception {
    // Same key, issuer and serial as the signer: the signature verifies, but the token's
    // signing-certificate attribute (ESS certID hash) names the real certificate, not this one.
    X509Certificate twin = tsa.certificate("twin-tsa.crt");
    assertThat(twin.getPublicKey()).isEqualTo(tsa.certificate().getPublicKey());
    assertThat(twin.getSerialNumber()).isEqualTo(tsa.certificate().getSerialNumber());
    assertThat(twin).isNotEqualTo(tsa.certificate());
    TimestampException e = refusal(() -> TimestampAuthority.verify(token, CHECKPOINT, twin));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED);
    assertThat(e.getMessage()).contains("not bound to the TSA certificate").contains("certID");
  }

  @Test
  void verifyAndOfRefuseCertificatesThatAreNotForTimeStamping() throws Exception {
    X509Certificate nonCritical = tsa.certificate("noncritical-tsa.crt");
    TimestampException e = refusal(() -> TimestampAuthority.verify(token, CHECKPOINT, nonCritical));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED);
    assertThat(e.getMessage()).contains("not critical").contains("RFC 3161");
    X509Certificate ca = tsa.certificate("ca.crt");
    assertThat(refusal(() -> TimestampAuthority.verify(token, CHECKPOINT, ca)).getMessage())
        .contains("no extended key usage");

    assertThatThrownBy(() -> TimestampAuthority.of(tsa.url(), nonCritical))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not critical");
    assertThatThrownBy(() -> TimestampAuthority.of(tsa.url(), ca))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a time-stamping certificate");
  }

  @Test
  void verifyRefusesEveryTokenWithOneByteChanged() throws Exception {
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < token.length; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] changed = token.clone();
        changed[i] ^= (byte) mask;
        try {
          TimestampAuthority.verify(changed, CHECKPOINT, tsa.certificate());
          accepted.add(i + "^" + mask);
        } catch (TimestampException e) {
          assertThat(e.getMessage()).isNotBlank();
        }
      }
    }
    assertThat(accepted).as("changed bytes (offset^mask) still accepted").isEmpty();
  }

  @Test
  void theAuthoritysTimeCannotBeMovedAfterwards() throws Exception {
    Instant genTime = TimestampAuthority.verify(token, CHECKPOINT, tsa.certificate());
    DateTimeFormatter generalized =
        DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    byte[] original = generalized.format(genTime).getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(token, original);
    assertThat(at).as("genTime %s in the token", genTime).isPositive();
    for (Duration move :
        List.of(Duration.ofDays(-1), Duration.ofHours(1), Duration.ofSeconds(-1))) {
      byte[] moved = token.clone();
      byte[] time = generalized.format(genTime.plus(move)).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(time, 0, moved, at, time.length);
      TimestampException e =
          refusal(() -> TimestampAuthority.verify(moved, CHECKPOINT, tsa.certificate()));
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.SIGNATURE);
    }
  }

  @Test
  void verifyRefusesBytesThatAreNotAToken() {
    for (byte[] bad :
        List.of(new byte[0], "garbage".getBytes(StandardCharsets.US_ASCII),
            Arrays.copyOf(token, token.length - 1), Arrays.copyOf(token, token.length + 1),
            Arrays.copyOf(token, 40))) {
      TimestampException e =
          refusal(() -> TimestampAuthority.verify(bad, CHECKPOINT, tsa.certificate()));
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains("not an RFC 3161 time-stamp token");
    }
  }

  // ---- timestamp refuses misbehaving authorities -------------------------------------------

  @Test
  void http500IsAnIoException() {
    tsa.mode(Mode.HTTP_500);
    assertThatThrownBy(() -> client.timestamp(CHECKPOINT))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining(tsa.url().toString());
  }

  @Test
  void garbageIsMalformed() {
    tsa.mode(Mode.GARBAGE);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("not an RFC 3161 time-stamp response");
  }

  @Test
  void aReplyLabelledAsAnotherContentTypeIsMalformed() {
    tsa.mode(Mode.WRONG_CONTENT_TYPE);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("text/html");
  }

  @Test
  void aTokenOfAnotherAuthorityIsUntrusted() {
    tsa.mode(Mode.OTHER_SIGNER);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED);
    assertThat(e.getMessage()).contains("signed by").contains("Custody test other-ca");
  }

  @Test
  void aRejectionIsRefusedWithTheAuthoritysReasons() {
    tsa.mode(Mode.REJECT);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.REFUSED);
    assertThat(e.getMessage())
        .contains("rejection")
        .contains("Message digest algorithm is not supported")
        .contains("badAlg");
  }

  @Test
  void aReplayedResponseForAnotherRequestIsAMismatch() throws Exception {
    client.timestamp("an earlier checkpoint".getBytes(StandardCharsets.UTF_8)); // recorded
    tsa.mode(Mode.REPLAY);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
    assertThat(e.getMessage()).contains("nonce");
    // Even for the same data: a new request has a new nonce.
    tsa.mode(Mode.NORMAL);
    client.timestamp(CHECKPOINT);
    tsa.mode(Mode.REPLAY);
    assertThat(refusal(() -> client.timestamp(CHECKPOINT)).getMessage()).contains("nonce");
  }

  @Test
  void aTokenForAnotherImprintIsAMismatch() {
    tsa.mode(Mode.OTHER_IMPRINT);
    TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
    assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
    assertThat(e.getMessage()).contains("imprint");
  }

  @Test
  void anOversizedReplyIsRefusedWithoutReadingItAll() {
    for (Mode mode : List.of(Mode.OVERSIZED, Mode.OVERSIZED_CHUNKED)) {
      tsa.mode(mode);
      TimestampException e = refusal(() -> client.timestamp(CHECKPOINT));
      assertThat(e.reason()).as(mode.toString()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains("larger than 65536 bytes");
    }
  }

  @Test
  @Timeout(30)
  void aSlowAuthorityTimesOut() {
    tsa.delay(Duration.ofSeconds(20));
    for (Mode mode : List.of(Mode.DELAY, Mode.TRICKLE)) {
      tsa.mode(mode);
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.timestamp(CHECKPOINT))
          .as(mode.toString())
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessageContaining("did not answer within PT3S");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  void anUnreachableAuthorityIsAnIoException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port + "/tsa");
    TimestampAuthority nobody =
        TimestampAuthority.of(closed, tsa.certificate(), Duration.ofSeconds(3));
    assertThatThrownBy(() -> nobody.timestamp(CHECKPOINT))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot reach time-stamping authority " + closed);
  }

  // ---- configuration -----------------------------------------------------------------------

  @Test
  void ofRefusesUrlsThatAreNotHttpAndTimeoutsThatAreNotPositive() {
    X509Certificate cert = tsa.certificate();
    for (String url : List.of("ftp://127.0.0.1/tsa", "/tsa", "file:///tmp/tsa", "http:/tsa")) {
      assertThatThrownBy(() -> TimestampAuthority.of(URI.create(url), cert))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("http");
    }
    assertThatThrownBy(() -> TimestampAuthority.of(tsa.url(), cert, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    TimestampAuthority ok = TimestampAuthority.of(URI.create("https://tsa.example/"), cert);
    assertThat(ok.timeout()).isEqualTo(TimestampAuthority.DEFAULT_TIMEOUT);
    assertThat(ok.certificate()).isEqualTo(cert);
  }

  @Test
  void certificateFromPemReadsExactlyOneCertificate() throws Exception {
    String pem = Files.readString(tsa.file("tsa.crt"), StandardCharsets.US_ASCII);
    assertThat(TimestampAuthority.certificateFromPem(pem)).isEqualTo(tsa.certificate());
    String ca = Files.readString(tsa.file("ca.crt"), StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> TimestampAuthority.certificateFromPem(pem + ca))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 certificates");
    assertThatThrownBy(() -> TimestampAuthority.certificateFromPem("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN CERTIFICATE");
    String broken = pem.replace(pem.substring(100, 110), "**********");
    assertThatThrownBy(() -> TimestampAuthority.certificateFromPem(broken))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> TimestampAuthority.certificateFromPem(
                Files.readString(tsa.file("tsa.key"), StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private interface Call {
    void run() throws Exception;
  }

  private static TimestampException refusal(Call call) {
    TimestampException e =
        catchThrowableOfType(TimestampException.class, () -> call.run());
    assertThat(e).as("a TimestampException").isNotNull();
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
