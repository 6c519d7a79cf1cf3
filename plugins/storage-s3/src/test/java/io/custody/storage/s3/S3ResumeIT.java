package io.custody.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobInfo;
import io.custody.storage.CreateOptions;
import io.custody.storage.Sha256;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A multipart upload whose writer died (never committed nor aborted) is continued by a new store
 * instance, as after a process restart: the parts already on the server are checked against the
 * source by MD5 and kept; the rest is sent.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3ResumeIT {
  private static final int PART = 5 << 20;
  private static final Map<String, String> SMALL_PARTS = Map.of("part-size", Integer.toString(PART));

  private static byte[] source(long seed) {
    byte[] b = new byte[4 * PART + 3_000_000]; // five parts, the last one short
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.of(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Starts an upload of {@code data}, lets 2 parts reach the server, then "dies". */
  private static String dieMidUpload(String bucket, String key, byte[] data) throws Exception {
    S3BlobStore first = CephRgw.shared().open(bucket, SMALL_PARTS);
    S3BlobWriter w = first.create(key, CreateOptions.defaults());
    w.write(ByteBuffer.wrap(data, 0, 2 * PART + 1000)); // parts 1 and 2 go out; 1000 bytes wait in the buffer
    String uploadId = w.uploadId().orElseThrow();
    // Wait until part 2 is on the server, then drop writer and store without abort or commit.
    for (int i = 0; i < 200 && first.pendingUpload(key).orElseThrow().parts().size() < 2; i++) {
      Thread.sleep(50);
    }
    first.close();
    return uploadId;
  }

  @Test
  void aNewStoreContinuesTheUploadAfterTheLastGoodPart() throws Exception {
    String key = "resume-" + UUID.randomUUID() + "/segment.sealed";
    byte[] data = source(1);
    String uploadId = dieMidUpload(CephRgw.LOCKED, key, data);

    try (S3BlobStore second = CephRgw.shared().open(CephRgw.LOCKED, SMALL_PARTS)) {
      assertThat(second.stat(key)).isEmpty(); // nothing visible
      S3BlobStore.PendingUpload pending = second.pendingUpload(key).orElseThrow();
      assertThat(pending.uploadId()).isEqualTo(uploadId);
      assertThat(pending.parts()).extracting(S3BlobStore.PendingUpload.UploadedPart::number).containsExactly(1, 2);

      S3BlobWriter w = second.resume(key, CreateOptions.defaults().withExpectedSha256(sha256(data)));
      assertThat(w.uploadId()).contains(uploadId);
      for (int off = 0; off < data.length; off += 1 << 20) { // the whole source again, from byte 0
        w.write(ByteBuffer.wrap(data, off, Math.min(1 << 20, data.length - off)));
      }
      BlobInfo info = w.commit();
      assertThat(w.partsReused()).isEqualTo(2);
      assertThat(w.partsSent()).isEqualTo(3);
      assertThat(info.sha256()).isEqualTo(sha256(data));
      assertThat(info.size()).isEqualTo(data.length);
      try (InputStream in = second.readVerified(key)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      assertThat(second.pendingUpload(key)).isEmpty();
      assertThat(second.versionsOf(key)).hasSize(1);
    }
  }

  @Test
  void aPartThatDiffersFromTheSourceIsSentAgain() throws Exception {
    String key = "resume-" + UUID.randomUUID() + "/segment.sealed";
    byte[] uploaded = source(2);
    dieMidUpload(CephRgw.PLAIN, key, uploaded);
    byte[] data = uploaded.clone();
    data[PART + 17] ^= 1; // the local source's part 2 is not what the server holds

    try (S3BlobStore second = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS)) {
      S3BlobWriter w = second.resume(key, CreateOptions.defaults());
      w.write(ByteBuffer.wrap(data));
      BlobInfo info = w.commit();
      assertThat(w.partsReused()).isEqualTo(1);
      assertThat(w.partsSent()).isEqualTo(4);
      assertThat(info.sha256()).isEqualTo(sha256(data));
      try (InputStream in = second.readVerified(key)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      // Written without an expected hash, so its SHA-256 is a tag (metadata is fixed at the start).
      try (S3Client raw = CephRgw.shared().client()) {
        assertThat(raw.getObjectTagging(b -> b.bucket(CephRgw.PLAIN).key(key)).tagSet())
            .anySatisfy(t -> assertThat(t.value()).isEqualTo(sha256(data).hex()));
      }
    }
  }

  @Test
  void withoutAPendingUploadResumeIsAFreshCreate() throws Exception {
    String key = "resume-" + UUID.randomUUID() + "/new";
    try (S3BlobStore store = CephRgw.shared().open(CephRgw.PLAIN, SMALL_PARTS)) {
      assertThat(store.pendingUpload(key)).isEmpty();
      S3BlobWriter w = store.resume(key, CreateOptions.defaults());
      w.write(ByteBuffer.wrap(new byte[100]));
      assertThat(w.commit().size()).isEqualTo(100);
      assertThat(w.partsReused()).isZero();
    }
  }
}
