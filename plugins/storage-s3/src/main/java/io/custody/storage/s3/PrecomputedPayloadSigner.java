package io.custody.storage.s3;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * SigV4 (header-based) with a payload SHA-256 the caller already has: a request carrying {@link
 * #PAYLOAD_SHA256} (64 hex digits, the SHA-256 of its whole body) is signed with that value as its
 * {@code x-amz-content-sha256}, so its body is not hashed again; every other request is signed by
 * the SDK's own {@link AwsV4HttpSigner}.
 *
 * <p>Why: the writer of a single PutObject has hashed the object (it is the SHA-256 journaled and
 * checked on read-back), and the SDK 2.57 signer takes no precomputed payload hash: it would read
 * the body once more to hash it. The server checks the body against the signed value as it does
 * any signed payload (400 XAmzContentSHA256Mismatch), so nothing is checked less.
 */
final class PrecomputedPayloadSigner implements AwsV4HttpSigner {
  /** The request header (removed before sending) that carries the body's SHA-256, hex. */
  static final String PAYLOAD_SHA256 = "x-custody-payload-sha256";

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** Headers signed besides x-amz-*: S3 needs host; these are set before signing and not changed after. */
  private static final List<String> SIGNED = List.of("host", "content-md5", "content-type");

  private final AwsV4HttpSigner sdk = AwsV4HttpSigner.create();

  /** The SDK's SigV4 scheme, with this signer. */
  static AwsV4AuthScheme scheme() {
    AwsV4AuthScheme base = AwsV4AuthScheme.create();
    PrecomputedPayloadSigner signer = new PrecomputedPayloadSigner();
    return new AwsV4AuthScheme() {
      @Override
      public String schemeId() {
        return base.schemeId();
      }

      @Override
      public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return base.identityProvider(providers);
      }

      @Override
      public AwsV4HttpSigner signer() {
        return signer;
      }
    };
  }

  @Override
  public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> r) {
    Optional<String> given = r.request().firstMatchingHeader(PAYLOAD_SHA256);
    if (given.isEmpty()) {
      return sdk.sign(r);
    }
    String payloadHash = given.get().toLowerCase(Locale.ROOT);
    if (!HEX64.matcher(payloadHash).matches()) {
      throw new IllegalArgumentException(PAYLOAD_SHA256 + " is not 64 hex digits: " + payloadHash);
    }
    AwsCredentialsIdentity id = r.identity();
    String region = r.requireProperty(REGION_NAME);
    String service = r.requireProperty(SERVICE_SIGNING_NAME);
    Clock clock = r.hasProperty(HttpSigner.SIGNING_CLOCK) ? r.property(HttpSigner.SIGNING_CLOCK) : Clock.systemUTC();
    String amzDate = AMZ_DATE.format(clock.instant());
    String day = amzDate.substring(0, 8);
    String scope = day + "/" + region + "/" + service + "/aws4_request";

    SdkHttpRequest.Builder b = r.request().toBuilder().removeHeader(PAYLOAD_SHA256)
        .putHeader("Host", host(r.request()))
        .putHeader("x-amz-date", amzDate)
        .putHeader("x-amz-content-sha256", payloadHash);
    if (id instanceof AwsSessionCredentialsIdentity s) {
      b.putHeader("x-amz-security-token", s.sessionToken());
    }
    // Canonical headers: lower-case names, sorted, values trimmed with inner runs of spaces as one.
    Map<String, String> headers = new TreeMap<>();
    b.forEachHeader((name, values) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith("x-amz-") || SIGNED.contains(n)) {
        List<String> vs = new ArrayList<>();
        for (String v : values) {
          vs.add(v.trim().replaceAll(" +", " "));
        }
        headers.merge(n, String.join(",", vs), (a, c) -> a + "," + c);
      }
    });
    StringBuilder canonicalHeaders = new StringBuilder();
    headers.forEach((n, v) -> canonicalHeaders.append(n).append(':').append(v).append('\n'));
    String signedHeaders = String.join(";", headers.keySet());
    String path = b.encodedPath() == null || b.encodedPath().isEmpty() ? "/" : b.encodedPath();
    String canonical = b.method().name() + "\n" + path + "\n" + canonicalQuery(b.rawQueryParameters()) + "\n"
        + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
    byte[] key = hmac(("AWS4" + id.secretAccessKey()).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));
    b.putHeader("Authorization", "AWS4-HMAC-SHA256 Credential=" + id.accessKeyId() + "/" + scope + ", SignedHeaders="
        + signedHeaders + ", Signature=" + signature);
    return SignedRequest.builder().request(b.build()).payload(r.payload().orElse(null)).build();
  }

  @Override
  public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> r) {
    return sdk.signAsync(r); // (this plugin's client is blocking)
  }

  /** The Host header as the HTTP client sends it: the port only where it is not the scheme's. */
  private static String host(SdkHttpRequest r) {
    boolean standard = SdkHttpUtils.isUsingStandardPort(r.protocol(), r.port());
    return standard ? r.host() : r.host() + ":" + r.port();
  }

  /** Names and values URI-encoded (RFC 3986), sorted by name, then value. */
  private static String canonicalQuery(Map<String, List<String>> raw) {
    TreeMap<String, List<String>> sorted = new TreeMap<>();
    raw.forEach((n, vs) -> {
      List<String> enc = new ArrayList<>();
      for (String v : vs) {
        enc.add(v == null ? "" : SdkHttpUtils.urlEncode(v));
      }
      enc.sort(null);
      sorted.put(SdkHttpUtils.urlEncode(n), enc);
    });
    StringBuilder q = new StringBuilder();
    sorted.forEach((n, vs) -> {
      for (String v : vs) {
        q.append(q.length() == 0 ? "" : "&").append(n).append('=').append(v);
      }
    });
    return q.toString();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
