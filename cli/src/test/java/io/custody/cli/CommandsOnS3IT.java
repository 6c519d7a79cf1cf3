package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.CLIPS;
import static io.custody.cli.EvidenceCommandsIT.frameMd5;
import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.cli.EvidenceCommandsIT.Result;
import io.custody.storage.s3.CephRgw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against the real Ceph gateway (started by the test set-up, as for the S3
 * plugin's own tests): record straight into an Object Lock bucket through the spool, then verify,
 * inspect and export from it, and upload with retention that the server enforces.
 */
class CommandsOnS3IT {
  @TempDir Path dir;
  static final ObjectMapper JSON = new ObjectMapper();
  private String store;

  @BeforeEach
  void gateway() {
    CephRgw rgw = CephRgw.shared();
    // The standard AWS provider chain reads these (as it reads AWS_ACCESS_KEY_ID and friends).
    System.setProperty("aws.accessKeyId", rgw.accessKey);
    System.setProperty("aws.secretAccessKey", rgw.secretKey);
    store = "s3://" + CephRgw.LOCKED + "/cli-" + UUID.randomUUID() + "?endpoint=" + rgw.endpoint;
  }

  @AfterEach
  void forget() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void recordVerifyInspectExportAndRetainOnS3() throws Exception {
    Path keys = dir.resolve("keys");
    run("keys", "init", "--out", keys.toString());
    String pub = keys.resolve("device.pub").toString();
    Path clip = CLIPS.resolve("bwc-1080p30-high.h264");

    Result rec = run("record", "--input", clip.toString(), "--pre-event", "30", "--trigger-at", "0", "--segment", "1",
        "--device-key", keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", store, "--spool", dir.resolve("spool").toString(), "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    JsonNode r = JSON.readTree(rec.out());
    String id = r.get("recording").asText();
    assertThat(r.get("uploaded").asInt()).isEqualTo(3);

    Result verify = run("verify", "--device-pub", pub, "--json", store + "#" + id);
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    Result inspect = run("inspect", "--json", store + "#" + id);
    assertThat(inspect.exit()).as(inspect.err()).isZero();
    assertThat(JSON.readTree(inspect.out()).get("segments")).hasSize(3);
    Path mp4 = dir.resolve("out.mp4");
    Result export = run("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub", pub, "-o",
        mp4.toString(), store + "#" + id);
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(frameMd5(mp4)).isEqualTo(frameMd5(clip));

    // A second recording kept locally, then uploaded with retention: the server refuses deletion.
    Path local = dir.resolve("evidence");
    Result rec2 = run("record", "--input", clip.toString(), "--segment", "10", "--device-key",
        keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", "file:" + local, "--json");
    String id2 = JSON.readTree(rec2.out()).get("recording").asText();
    Result up = run("upload", "--json", "--retain-days", "1", "file:" + local, store);
    assertThat(up.exit()).as(up.out() + up.err()).isZero();
    try (io.custody.storage.BlobStore s3 = io.custody.storage.Storage.open(java.net.URI.create(store))) {
      String key = id2 + "/00000.sealed";
      assertThat(s3.stat(key).orElseThrow().retention()).isPresent();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s3.delete(key))
          .isInstanceOf(io.custody.storage.RetentionException.class);
    }
    assertThat(Files.exists(dir.resolve("spool").resolve(id).resolve("00000.sealed"))).isFalse();
  }

  /** custody serve on the gateway: listed, verified, and played from segments spooled (sealed) to a temp directory. */
  @Test
  void serveFromS3() throws Exception {
    Path keys = dir.resolve("keys");
    run("keys", "init", "--out", keys.toString());
    Result rec = run("record", "--input", CLIPS.resolve("bwc-1080p30-high.h264").toString(), "--pre-event", "30",
        "--trigger-at", "0", "--segment", "1", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", store, "--spool", dir.resolve("spool").toString(), "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    String id = JSON.readTree(rec.out()).get("recording").asText();
    ViewerIT.Served served = ViewerIT.Served.start(java.util.List.of("--key", keys.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString(), store));
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + served.url().getPort() + "/api/recordings";
      JsonNode list = null;
      for (int i = 0; i < 300; i++) {
        list = JSON.readTree(get(http, base, served.token()).body());
        if (list.get("pending").asInt() == 0 && list.get("total").asInt() == 1) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(list.get("recordings").get(0).get("id").asText()).isEqualTo(id);
      assertThat(list.get("recordings").get(0).get("state").asText()).isEqualTo("complete");
      java.net.http.HttpResponse<byte[]> init = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          base + "/" + id + "/segments/2/init")).header("Authorization", "Bearer " + served.token()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(init.statusCode()).isEqualTo(200);
      assertThat(new String(init.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
      java.net.http.HttpResponse<byte[]> fragment = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          base + "/" + id + "/segments/2/fragments/0")).header("Authorization", "Bearer " + served.token()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(fragment.statusCode()).isEqualTo(200);
      Path mp4 = dir.resolve("segment2.mp4");
      Files.write(mp4, init.body());
      Files.write(mp4, fragment.body(), java.nio.file.StandardOpenOption.APPEND);
      assertThat(frameMd5(mp4)).isNotEmpty(); // ffmpeg decodes what the viewer would play
    } finally {
      served.stop();
    }
  }

  private static java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String url, String token)
      throws Exception {
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization",
        "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
