package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.CLIPS;
import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.cli.EvidenceCommandsIT.Result;
import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import io.custody.storage.s3.CephRgw;
import io.custody.storage.tck.SmallFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custody record} onto a 3 MiB tmpfs that the test mounts (as root; skipped where mounting
 * is refused) until it fills, into a file: store and into the spool of an s3: store (the real Ceph
 * gateway, as in {@link CommandsOnS3IT}): exit code 1 and one line on stderr saying the disk is
 * full; every segment sealed before verifies; no segment in progress carries a final name. Then
 * what a camera does at the dock: upload releases the finished segments from the flash, which
 * makes room for {@code recover} to close the last one, and a second upload moves that too; the
 * whole recording then verifies, marked recovered.
 */
class FullDiskRecordIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern FULL = Pattern.compile(
      "custody record: no space left on device writing .*/\\.\\d{5}\\.sealed\\.(part|new).*");
  @TempDir static Path dir;
  static Path keys;
  static Path source;

  @BeforeAll
  static void setUp() throws Exception {
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    byte[] clip = Files.readAllBytes(CLIPS.resolve("bwc-1080p30-high.h264"));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 6; i++) {
      all.writeBytes(clip); // 18 s, about 10 MB: three times what the small disk holds
    }
    source = dir.resolve("source.h264");
    Files.write(source, all.toByteArray());
  }

  @Test
  void aFileStoreThatFills() throws Exception {
    try (SmallFileSystem flash = SmallFileSystem.mount(dir.resolve("flash-file"), "size=3m")) {
      Path evidence = flash.dir.resolve("evidence");
      Result rec = record("file:" + evidence);
      assertFull(rec, evidence);
      String id = onlyRecording(evidence);
      Path recording = evidence.resolve(id);

      List<String> sealed = names(recording, "\\d{5}\\.sealed");
      assertThat(sealed).as("segments sealed before the disk filled").hasSizeGreaterThanOrEqualTo(2);
      for (String s : sealed) {
        Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + evidence + "#" + id + "/" + s);
        assertThat(v.exit()).as("%s: %s%s", s, v.out(), v.err()).isZero();
      }
      assertUnfinishedOnlyAsPart(recording, sealed);
      Result incomplete = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + evidence);
      assertThat(incomplete.exit()).as("the recording is not complete before recover").isEqualTo(Main.BAD_INPUT);

      // Recover writes its closed copy beside the .part: on the full disk it fails, leaving the .part as it was.
      Map<String, Long> parts = sizes(recording, "\\.\\d{5}\\.sealed\\.part");
      Result noRoom = run("recover", "--device-key", keys.resolve("device.key").toString(), "file:" + evidence);
      assertThat(noRoom.exit()).isEqualTo(Main.BAD_INPUT);
      assertThat(noRoom.err().lines().toList()).hasSize(parts.size())
          .allMatch(l -> l.matches("custody recover: .*\\.part: no space left on device writing .*\\.recovering"));
      assertThat(sizes(recording, "\\..*")).isEqualTo(parts);

      dock("file:" + evidence, "file:" + dir.resolve("archive"), evidence, id, sealed.size());
    }
  }

  @Test
  void theSpoolOfAnS3StoreThatFills() throws Exception {
    CephRgw rgw = CephRgw.shared();
    System.setProperty("aws.accessKeyId", rgw.accessKey);
    System.setProperty("aws.secretAccessKey", rgw.secretKey);
    String store = "s3://" + CephRgw.LOCKED + "/full-" + UUID.randomUUID() + "?endpoint=" + rgw.endpoint;
    try (SmallFileSystem flash = SmallFileSystem.mount(dir.resolve("flash-spool"), "size=3m")) {
      Path spool = flash.dir.resolve("spool");
      Result rec = record(store);
      assertFull(rec, spool);
      String id = onlyRecording(spool);
      Path recording = spool.resolve(id);

      // Sealed before the disk filled: uploaded and released, or still in the spool; each verifies.
      List<String> inSpool = names(recording, "\\d{5}\\.sealed");
      for (String s : inSpool) {
        Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), "file:" + spool + "#" + id + "/" + s);
        assertThat(v.exit()).as("%s: %s%s", s, v.out(), v.err()).isZero();
      }
      List<String> uploaded;
      try (BlobStore s3 = Storage.open(URI.create(store))) {
        uploaded = s3.list(id + "/", java.util.Optional.empty(), 1000).items().stream().map(BlobInfo::key).toList();
      }
      for (String key : uploaded) {
        Result v = run("verify", "--device-pub", keys.resolve("device.pub").toString(), store + "#" + key);
        assertThat(v.exit()).as("%s: %s%s", key, v.out(), v.err()).isZero();
      }
      assertThat(inSpool.size() + uploaded.size()).as("segments sealed before the disk filled").isPositive();
      assertUnfinishedOnlyAsPart(recording, inSpool);

      dock("file:" + spool, store, spool, id, inSpool.size() + uploaded.size());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  private Result record(String store) {
    return run("record", "--input", source.toString(), "--pre-event", "0", "--trigger-at", "0", "--segment", "1",
        "--progress", "none", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", store,
        "--spool", dir.resolve("flash-spool").resolve("spool").toString(), "--json");
  }

  /** Exit code 1, nothing on stdout, and one line on stderr saying which file found the disk full. */
  private static void assertFull(Result rec, Path where) {
    assertThat(rec.exit()).as(rec.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(rec.out()).isEmpty();
    assertThat(rec.err().lines().toList()).as(rec.err()).hasSize(1);
    assertThat(rec.err().strip()).matches(FULL).contains(where.toString());
  }

  /**
   * The segment being written when the disk filled (and the next one, if its header was written)
   * carries only a temporary dot-name; a header that did not fit left nothing.
   */
  private static void assertUnfinishedOnlyAsPart(Path recording, List<String> sealed) throws IOException {
    List<String> parts = names(recording, "\\.\\d{5}\\.sealed\\.part");
    assertThat(parts).isNotEmpty();
    assertThat(names(recording, "\\..*\\.new")).isEmpty();
    for (String p : parts) {
      assertThat(sealed).doesNotContain(p.substring(1, p.length() - ".part".length()));
    }
  }

  /**
   * At the dock: upload (releasing what reached the store), recover (now there is room), upload
   * again; the recording then verifies whole, closed by recover, and the flash holds none of it.
   */
  private static void dock(String flash, String store, Path flashDir, String id, int sealedBefore) throws Exception {
    Result up = run("upload", "--delete-local", flash, store);
    assertThat(up.exit()).as(up.out() + up.err()).isZero();
    Result recover = run("recover", "--json", "--device-key", keys.resolve("device.key").toString(), flash);
    assertThat(recover.exit()).as(recover.out() + recover.err()).isZero();
    assertThat(JSON.readTree(recover.out()).get("recordings")).isNotEmpty();
    Result up2 = run("upload", "--delete-local", flash, store);
    assertThat(up2.exit()).as(up2.out() + up2.err()).isZero();

    Result verify = run("verify", "--json", "--device-pub", keys.resolve("device.pub").toString(), store + "#" + id);
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    JsonNode r = JSON.readTree(verify.out()).get("recordings").get(0);
    assertThat(r.get("recovered").asBoolean()).isTrue();
    assertThat(r.get("segments").asInt()).isGreaterThan(sealedBefore);
    assertThat(names(flashDir.resolve(id), "\\d{5}\\.sealed")).isEmpty();
  }

  private static String onlyRecording(Path store) throws IOException {
    try (Stream<Path> s = Files.list(store)) {
      List<String> ids = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
      assertThat(ids).hasSize(1);
      return ids.get(0);
    }
  }

  private static Map<String, Long> sizes(Path dir, String regex) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    for (String n : names(dir, regex)) {
      m.put(n, Files.size(dir.resolve(n)));
    }
    return m;
  }

  private static List<String> names(Path dir, String regex) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches(regex)).sorted().toList();
    }
  }
}
