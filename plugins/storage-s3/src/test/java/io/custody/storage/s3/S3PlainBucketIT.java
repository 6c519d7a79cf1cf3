package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobStore;
import io.custody.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The conformance kit against Ceph RGW in a plain bucket (no versioning, no Object Lock): here
 * If-None-Match on PutObject and the plugin's claims (RGW ignores the header on
 * CompleteMultipartUpload) do the create-if-absent work. The large object is 256 MiB (the 1 GiB run is in
 * {@link S3BlobStoreIT}; the write path is the same).
 */
class S3PlainBucketIT extends BlobStoreContract {
  @Override
  protected BlobStore openStore() throws IOException {
    return CephRgw.shared().open(CephRgw.PLAIN + "/tck", Map.of());
  }

  @Override
  protected long largeObjectBytes() {
    return 256L << 20;
  }

  @Test
  void reportsNoRetention() {
    assertThat(store.capabilities().retention()).isFalse();
    assertThat(store.capabilities().serverEnforcedRetention()).isFalse();
    assertThat(((S3BlobStore) store).versioned()).isFalse();
  }

  @Test
  void theServerIgnoresIfNoneMatchOnMultipartCompletion() {
    // A measured fact the plugin's design rests on (docs/PLUGINS-S3.md): Ceph RGW 16.2 honours
    // If-None-Match: * on PutObject in an unversioned bucket, but NOT on CompleteMultipartUpload.
    // Two multipart uploads of different bytes race for one new key; the second completion, sent
    // with If-None-Match: *, succeeds (200) and replaces the first object. That is why the plugin
    // claims a key with a conditional single PUT before committing (S3ClaimIT). If this test
    // fails, RGW changed: the claims are then redundant on such a server, but still correct.
    String key = "race-" + UUID.randomUUID();
    try (S3Client s3 = CephRgw.shared().client()) {
      String a = s3.createMultipartUpload(b -> b.bucket(CephRgw.PLAIN).key(key)).uploadId();
      String b2 = s3.createMultipartUpload(b -> b.bucket(CephRgw.PLAIN).key(key)).uploadId();
      CompletedPart pa = part(s3, key, a, 1);
      CompletedPart pb = part(s3, key, b2, 2);
      s3.completeMultipartUpload(b -> b.bucket(CephRgw.PLAIN).key(key).uploadId(a)
          .multipartUpload(m -> m.parts(pa)).ifNoneMatch("*"));
      int status = 200;
      try {
        s3.completeMultipartUpload(b -> b.bucket(CephRgw.PLAIN).key(key).uploadId(b2)
            .multipartUpload(m -> m.parts(pb)).ifNoneMatch("*"));
      } catch (S3Exception e) {
        status = e.statusCode();
      }
      assertThat(status).as("RGW's answer to the second completion").isEqualTo(200);
      byte[] held = s3.getObjectAsBytes(b -> b.bucket(CephRgw.PLAIN).key(key)).asByteArray();
      assertThat(held).as("the second upload replaced the first").isEqualTo(bytes(2));
      // ...while a single PutObject with If-None-Match: * onto the existing key is refused: 412.
      int put = 200;
      try {
        s3.putObject(b -> b.bucket(CephRgw.PLAIN).key(key).ifNoneMatch("*"), RequestBody.fromBytes(bytes(3)));
      } catch (S3Exception e) {
        put = e.statusCode();
      }
      assertThat(put).as("RGW's answer to a conditional PutObject onto a taken key").isEqualTo(412);
      assertThat(s3.getObjectAsBytes(b -> b.bucket(CephRgw.PLAIN).key(key)).asByteArray()).isEqualTo(bytes(2));
      s3.deleteObject(b -> b.bucket(CephRgw.PLAIN).key(key));
    }
  }

  private static CompletedPart part(S3Client s3, String key, String uploadId, int seed) {
    String etag = s3.uploadPart(b -> b.bucket(CephRgw.PLAIN).key(key).uploadId(uploadId).partNumber(1),
        RequestBody.fromBytes(bytes(seed))).eTag();
    return CompletedPart.builder().partNumber(1).eTag(etag).build();
  }

  private static byte[] bytes(int seed) {
    byte[] b = new byte[1 << 20];
    new Random(seed).nextBytes(b);
    return b;
  }
}
