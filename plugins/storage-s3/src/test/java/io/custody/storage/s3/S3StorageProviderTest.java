package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.storage.Storage;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URI, options and environment: no server needed. */
class S3StorageProviderTest {
  private static S3StorageProvider.Settings settings(String uri, Map<String, String> options, Map<String, String> env) {
    return new S3StorageProvider(env::get).settings(URI.create(uri), options);
  }

  @Test
  void installedUnderS3() {
    assertThat(Storage.installed()).containsKey("s3");
  }

  @Test
  void bucketPrefixAndDefaults() {
    var s = settings("s3://evidence/force-a/cams/", Map.of(), Map.of());
    assertThat(s.bucket()).isEqualTo("evidence");
    assertThat(s.prefix()).isEqualTo("force-a/cams/");
    assertThat(s.endpoint()).isNull();
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.pathStyle()).isFalse();
    assertThat(s.partSize()).isEqualTo(16 << 20);
    assertThat(s.checksumsWhenRequired()).isFalse(); // AWS itself: the SDK's defaults
    assertThat(settings("s3://b", Map.of(), Map.of()).prefix()).isEmpty();
  }

  @Test
  void endpointFromTheUriThenTheEnvironment() {
    var env = Map.of("AWS_ENDPOINT_URL", "http://generic:9000", "AWS_REGION", "eu-west-3");
    assertThat(settings("s3://b", Map.of(), env).endpoint()).hasToString("http://generic:9000");
    assertThat(settings("s3://b", Map.of(), env).region()).isEqualTo("eu-west-3");
    var both = Map.of("AWS_ENDPOINT_URL", "http://generic:9000", "AWS_ENDPOINT_URL_S3", "http://s3only:9000");
    assertThat(settings("s3://b", Map.of(), both).endpoint()).hasToString("http://s3only:9000");
    assertThat(settings("s3://b?endpoint=http://127.0.0.1:7480", Map.of(), both).endpoint())
        .hasToString("http://127.0.0.1:7480");
  }

  @Test
  void pathStyleForIpAddressesAndLocalhostOrWhenAsked() {
    assertThat(settings("s3://b?endpoint=http://127.0.0.1:7480", Map.of(), Map.of()).pathStyle()).isTrue();
    assertThat(settings("s3://b?endpoint=http://localhost:9000", Map.of(), Map.of()).pathStyle()).isTrue();
    assertThat(settings("s3://b?endpoint=http://[::1]:9000", Map.of(), Map.of()).pathStyle()).isTrue();
    assertThat(settings("s3://b?endpoint=https://minio.example.org", Map.of(), Map.of()).pathStyle()).isFalse();
    assertThat(settings("s3://b?endpoint=https://minio.example.org&path-style=true", Map.of(), Map.of()).pathStyle())
        .isTrue();
  }

  @Test
  void customEndpointsDefaultToWhenRequiredChecksums() {
    assertThat(settings("s3://b?endpoint=http://127.0.0.1:7480", Map.of(), Map.of()).checksumsWhenRequired()).isTrue();
    assertThat(settings("s3://b?endpoint=http://127.0.0.1:7480&checksums=when-supported", Map.of(), Map.of())
        .checksumsWhenRequired()).isFalse();
  }

  @Test
  void partSizeIsChecked() {
    assertThat(settings("s3://b", Map.of("part-size", "5242880"), Map.of()).partSize()).isEqualTo(5 << 20);
    assertThatThrownBy(() -> settings("s3://b", Map.of("part-size", "1000"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 MiB");
  }

  @Test
  void credentialsStayOutOfTheUriAndTypoedOptionsAreRefused() {
    assertThatThrownBy(() -> settings("s3://AKIA:secret@b", Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret@");
    assertThatThrownBy(() -> settings("s3://b?secret-key=x", Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings("s3://b", Map.of("acces-key", "x"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acces-key");
    var s = settings("s3://b", Map.of("access-key", "AKIAEXAMPLE", "secret-key", "s3cr3t"), Map.of());
    assertThat(s.toString()).doesNotContain("s3cr3t").doesNotContain("AKIAEXAMPLE");
  }
}
