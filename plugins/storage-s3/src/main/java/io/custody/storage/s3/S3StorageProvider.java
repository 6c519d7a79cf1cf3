package io.custody.storage.s3;

import io.custody.storage.BlobStore;
import io.custody.storage.Keys;
import io.custody.storage.spi.StorageProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * {@code s3://BUCKET[/PREFIX]}: AWS S3 and S3-compatible servers (Ceph RGW, MinIO), see
 * docs/PLUGINS-S3.md.
 *
 * <p>Settings come from the URI's query ({@code ?endpoint=URL&path-style=true}) or the options
 * map (options win), then the environment:
 *
 * <ul>
 *   <li>{@code endpoint}: else {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else
 *       AWS itself;
 *   <li>{@code region}: else {@code AWS_REGION}, else {@code us-east-1};
 *   <li>{@code path-style}: {@code true}/{@code false}; by default on when the endpoint's host is
 *       an IP address or {@code localhost};
 *   <li>{@code part-size}: bytes per multipart part, 5 MiB to 1 GiB (default 16 MiB); objects up
 *       to one part go in a single PutObject;
 *   <li>{@code checksums}: {@code when-required} (the default for custom endpoints: Ceph RGW 16.2
 *       refuses the SDK's default CRC32 trailers with 400) or {@code when-supported} (the SDK's
 *       default, used on AWS);
 *   <li>options only, never in the URI: {@code access-key}, {@code secret-key}, {@code
 *       session-token}; without them the standard AWS credential chain is used. They are never
 *       logged nor put in {@link BlobStore#uri()}.
 * </ul>
 */
public final class S3StorageProvider implements StorageProvider {
  /** Default part size: 16 MiB. */
  public static final int DEFAULT_PART_SIZE = 16 << 20;
  /** S3's smallest part (all but the last). */
  public static final int MIN_PART_SIZE = 5 << 20;
  static final int MAX_PART_SIZE = 1 << 30;

  private static final Set<String> URI_SETTINGS = Set.of("endpoint", "region", "path-style", "part-size", "checksums");
  private static final Set<String> SECRET_SETTINGS = Set.of("access-key", "secret-key", "session-token");

  private final Function<String, String> env;

  public S3StorageProvider() {
    this(System::getenv);
  }

  /** With another environment (tests). */
  S3StorageProvider(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  public BlobStore open(URI uri, Map<String, String> options) throws IOException {
    Settings s = settings(uri, options);
    S3Client client = client(s);
    try {
      // Plain HTTP to a custom endpoint: the client signs each body's SHA-256 (no aws-chunked
      // bodies there, and the SDK signs payloads sent without TLS), which the server checks.
      boolean payloadSigned = s.endpoint() != null && "http".equalsIgnoreCase(s.endpoint().getScheme());
      // On custom endpoints the client's signer takes a single put's SHA-256 from its writer
      // (PrecomputedPayloadSigner): the server checks it, over HTTPS too, and nothing hashes twice.
      return new S3BlobStore(uri, client, s.bucket(), s.prefix(), s.partSize(), payloadSigned,
          s.endpoint() != null);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** What a URI and its options say, resolved against the environment. */
  record Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle, int partSize,
      boolean checksumsWhenRequired, String accessKey, String secretKey, String sessionToken) {
    @Override
    public String toString() { // no credentials
      return "s3://" + bucket + "/" + prefix + " endpoint=" + endpoint + " region=" + region + " path-style="
          + pathStyle + " part-size=" + partSize + " checksums=" + (checksumsWhenRequired ? "when-required" : "when-supported");
    }
  }

  Settings settings(URI uri, Map<String, String> options) {
    if (!"s3".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not an s3: URI: " + uri.getScheme() + ":...");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("credentials do not belong in an s3: URI; pass the options access-key and "
          + "secret-key or use the AWS credential chain");
    }
    String bucket = uri.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("s3: URI without a bucket; the form is s3://BUCKET[/PREFIX]");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String prefix = path.isEmpty() ? "" : Keys.check(path) + "/";

    Map<String, String> all = new LinkedHashMap<>();
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      for (String pair : uri.getRawQuery().split("&", -1)) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (SECRET_SETTINGS.contains(k)) {
          throw new IllegalArgumentException("'" + k + "' does not belong in the URI (it would be logged): pass it as an option");
        }
        if (!URI_SETTINGS.contains(k)) {
          throw new IllegalArgumentException("unknown s3: URI parameter '" + k + "'; known: " + URI_SETTINGS);
        }
        all.put(k, v);
      }
    }
    for (Map.Entry<String, String> o : options.entrySet()) {
      if (!URI_SETTINGS.contains(o.getKey()) && !SECRET_SETTINGS.contains(o.getKey())) {
        throw new IllegalArgumentException("unknown s3: option '" + o.getKey() + "'; known: " + URI_SETTINGS + " and "
            + SECRET_SETTINGS);
      }
      all.put(o.getKey(), o.getValue());
    }

    String endpointText = first(all.get("endpoint"), env.apply("AWS_ENDPOINT_URL_S3"), env.apply("AWS_ENDPOINT_URL"));
    URI endpoint = null;
    if (endpointText != null) {
      endpoint = URI.create(endpointText);
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint is not an http(s) URL: " + endpointText);
      }
    }
    String region = first(all.get("region"), env.apply("AWS_REGION"), "us-east-1");
    boolean pathStyle = all.containsKey("path-style") ? bool("path-style", all.get("path-style"))
        : endpoint != null && isIpOrLocalhost(endpoint.getHost());
    int partSize = DEFAULT_PART_SIZE;
    if (all.containsKey("part-size")) {
      long p;
      try {
        p = Long.parseLong(all.get("part-size").trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("part-size is a number of bytes, not '" + all.get("part-size") + "'");
      }
      if (p < MIN_PART_SIZE || p > MAX_PART_SIZE) {
        throw new IllegalArgumentException("part-size must be 5 MiB to 1 GiB (" + MIN_PART_SIZE + " to " + MAX_PART_SIZE
            + " bytes), not " + p);
      }
      partSize = (int) p;
    }
    boolean whenRequired = endpoint != null;
    if (all.containsKey("checksums")) {
      switch (all.get("checksums").toLowerCase(Locale.ROOT)) {
        case "when-required" -> whenRequired = true;
        case "when-supported" -> whenRequired = false;
        default -> throw new IllegalArgumentException("checksums is when-required or when-supported, not '"
            + all.get("checksums") + "'");
      }
    }
    String accessKey = all.get("access-key");
    String secretKey = all.get("secret-key");
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("access-key and secret-key go together");
    }
    return new Settings(bucket, prefix, endpoint, region, pathStyle, partSize, whenRequired, accessKey, secretKey,
        all.get("session-token"));
  }

  // The SDK deprecates ApacheHttpClient for its Apache 5 client, which has not been checked
  // against the Ceph gateway here (docs/PLUGINS-S3.md); moving is a tested change of its own.
  @SuppressWarnings("deprecation")
  static S3Client client(Settings s) {
    AwsCredentialsProvider credentials;
    if (s.accessKey() != null) {
      credentials = StaticCredentialsProvider.create(s.sessionToken() == null
          ? AwsBasicCredentials.create(s.accessKey(), s.secretKey())
          : AwsSessionCredentials.create(s.accessKey(), s.secretKey(), s.sessionToken()));
    } else {
      credentials = DefaultCredentialsProvider.builder().build();
    }
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(s.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(s.pathStyle())
            // On custom endpoints, no aws-chunked bodies: RGW 16.2 refuses an empty one (400
            // XAmzContentSHA256Mismatch). Over plain HTTP the payload's SHA-256 is then signed
            // whole, which the server checks: the writer sends no Content-MD5 there.
            .chunkedEncodingEnabled(s.endpoint() == null)
            .build())
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(64)
            // RGW answers some PUTs (PutObjectRetention, PutObjectLegalHold) without a 100
            // Continue: each would wait the client's 3 s for it.
            .expectContinueEnabled(false)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(Duration.ofMinutes(5))
            .build());
    if (s.endpoint() != null) {
      b.endpointOverride(s.endpoint());
      // SigV4 as the SDK's, but a single put is signed with the SHA-256 its writer computed.
      b.putAuthScheme(PrecomputedPayloadSigner.scheme());
    }
    if (s.checksumsWhenRequired()) {
      // Ceph RGW 16.2 refuses the SDK's default CRC32 trailers (400 on every PUT) and ignores
      // x-amz-checksum-* anyway: integrity rests on the signed payload SHA-256 (plain HTTP) or
      // Content-MD5 (HTTPS) per request and the SHA-256 in the object's metadata instead.
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b.build();
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static boolean bool(String name, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " is true or false, not '" + v + "'");
    };
  }

  static boolean isIpOrLocalhost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") || h.contains(":")) {
      return true; // IPv6 literal
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      try {
        InetAddress.getByName(h); // a literal: no lookup
        return true;
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
