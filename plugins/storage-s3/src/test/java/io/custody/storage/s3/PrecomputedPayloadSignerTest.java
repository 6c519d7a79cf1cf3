package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** The precomputed-payload signer signs exactly as the SDK's SigV4 signer does when it hashes the body. */
class PrecomputedPayloadSignerTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T16:10:07Z"), ZoneOffset.UTC);
  private static final byte[] BODY = "sealed segment bytes".getBytes(StandardCharsets.UTF_8);

  private static SdkHttpRequest request(String uri) {
    return SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(uri))
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("x-amz-meta-custody-sha256", "ab  cd ")
        .putHeader("If-None-Match", "*")
        .putHeader("x-amz-object-lock-mode", "COMPLIANCE")
        .build();
  }

  private static SignedRequest sign(HttpSigner<AwsCredentialsIdentity> signer, SdkHttpRequest r,
      AwsCredentialsIdentity id) {
    return signer.sign(b -> b.identity(id).request(r).payload(ContentStreamProvider.fromByteArray(BODY))
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
        .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
        .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** The SDK signs If-None-Match too; ours signs host, content-type, content-md5 and x-amz-*: compare those. */
  private static String signedHeadersAndSignature(SignedRequest s) {
    return s.request().firstMatchingHeader("Authorization").orElseThrow();
  }

  @Test
  void signsAsTheSdkDoesWithTheGivenHash() throws Exception {
    for (String uri : new String[] {"http://127.0.0.1:17490/bucket/dir/a%20b.sealed",
        "https://s3.example.org/bucket/k?uploadId=x%2By&partNumber=3", "http://localhost:80/b/k"}) {
      for (AwsCredentialsIdentity id : new AwsCredentialsIdentity[] {AwsCredentialsIdentity.create("AK", "SK"),
          AwsSessionCredentialsIdentity.create("AK", "SK", "TOKEN")}) {
        // The SDK signs every header; give it only those ours signs.
        SdkHttpRequest plain = request(uri).toBuilder().removeHeader("If-None-Match").build();
        SignedRequest sdk = sign(AwsV4HttpSigner.create(), plain, id);
        SdkHttpRequest marked = plain.toBuilder()
            .putHeader(PrecomputedPayloadSigner.PAYLOAD_SHA256, sha256(BODY)).build();
        SignedRequest ours = sign(new PrecomputedPayloadSigner(), marked, id);
        assertThat(signedHeadersAndSignature(ours)).isEqualTo(signedHeadersAndSignature(sdk));
        assertThat(ours.request().firstMatchingHeader("x-amz-content-sha256")).contains(sha256(BODY));
        assertThat(ours.request().firstMatchingHeader(PrecomputedPayloadSigner.PAYLOAD_SHA256)).isEmpty();
        assertThat(ours.request().firstMatchingHeader("Host"))
            .isEqualTo(sdk.request().firstMatchingHeader("Host"));
        assertThat(ours.payload()).isPresent();
      }
    }
  }

  @Test
  void leavesOtherRequestsToTheSdk() {
    AwsCredentialsIdentity id = AwsCredentialsIdentity.create("AK", "SK");
    SignedRequest sdk = sign(AwsV4HttpSigner.create(), request("http://127.0.0.1:1/b/k"), id);
    SignedRequest ours = sign(new PrecomputedPayloadSigner(), request("http://127.0.0.1:1/b/k"), id);
    assertThat(signedHeadersAndSignature(ours)).isEqualTo(signedHeadersAndSignature(sdk));
  }

  @Test
  void refusesAHashThatIsNotOne() {
    SdkHttpRequest r = request("http://127.0.0.1:1/b/k").toBuilder()
        .putHeader(PrecomputedPayloadSigner.PAYLOAD_SHA256, "not-a-hash").build();
    assertThatThrownBy(() -> sign(new PrecomputedPayloadSigner(), r, AwsCredentialsIdentity.create("AK", "SK")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
