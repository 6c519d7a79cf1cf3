package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import io.custody.mp4.Mp4FormatException;
import io.custody.seal.SegmentClaims;
import io.custody.seal.SegmentManifest;
import io.custody.seal.SegmentReader;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of {@code custody serve} that read evidence: {@link SegmentClaims} (what a segment says
 * about itself, from its header and manifest only) and {@link Fmp4Samples} (the metadata track of
 * a decrypted fragment), on a real recording with GPS fixes and markers.
 */
class ViewerPartsIT {
  @TempDir Path dir;

  private Path keys;
  private Path store;
  private String recording;

  private void record() throws Exception {
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    Path clip = DisclosureIT.clip(dir, "clip.h264", 8);
    Path events = dir.resolve("events.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      lines.add("{\"t\":" + (i * 0.5) + ",\"type\":\"gps\",\"lat\":51.5,\"lon\":" + (-0.1 + i * 0.001) + "}");
    }
    Files.write(events, lines);
    store = dir.resolve("store");
    EvidenceCommandsIT.Result r = run("record", "--input", clip.toString(), "--metadata", events.toString(),
        "--pre-event", "30", "--trigger-at", "1", "--segment", "3", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    recording = (String) ((Map<?, ?>) Json.parse(r.out())).get("recording");
  }

  @Test
  void claimsAreTheSignedHeaderAndManifestAndNothingMore() throws Exception {
    record();
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(keys.resolve("device.pub")));
    Path segment = store.resolve(recording).resolve("00000.sealed");
    VerificationReport verified = new Verifier(device).verify(segment);
    try (BlobStore s = Storage.open(store.toUri())) {
      String key = recording + "/00000.sealed";
      SegmentClaims claims = SegmentClaims.read(s, key, device);
      assertThat(claims.signed()).isTrue();
      assertThat(claims.bytes()).isEqualTo(Files.size(segment));
      assertThat(claims.header().sha256Hex()).isEqualTo(verified.header().orElseThrow().sha256Hex());
      assertThat(claims.manifest().map(SegmentManifest::json)).isEqualTo(verified.manifest().map(SegmentManifest::json));

      // another camera's key: not signed by it
      Path other = dir.resolve("other");
      assertThat(run("keys", "init", "--out", other.toString()).exit()).isZero();
      assertThat(SegmentClaims.read(s, key, DevicePublicKey.fromPem(Files.readString(other.resolve("device.pub"))))
          .signed()).isFalse();

      byte[] original = Files.readAllBytes(segment);
      // a media byte changed: the claims still hold (they are not verification); the Verifier fails it
      byte[] b = original.clone();
      b[original.length / 2] ^= 1;
      Files.write(segment, b);
      assertThat(SegmentClaims.read(s, key, device).signed()).isTrue();
      assertThat(new Verifier(device).verify(segment).status()).isEqualTo(VerificationReport.Status.FAILED);

      // a byte of the manifest's JSON changed: not signed
      b = original.clone();
      String text = new String(original, java.nio.charset.StandardCharsets.ISO_8859_1);
      int at = text.lastIndexOf("\"operator_id\"");
      b[at + 2] ^= 0x20;
      Files.write(segment, b);
      assertThat(SegmentClaims.read(s, key, device).signed()).isFalse();

      // cut short (no footer): the header alone, no manifest
      Files.write(segment, java.util.Arrays.copyOf(original, original.length - 100));
      SegmentClaims cut = SegmentClaims.read(s, key, device);
      assertThat(cut.manifest()).isEmpty();
      assertThat(cut.signed()).isTrue();

      // not a segment
      Files.write(segment, new byte[64]);
      assertThatThrownBy(() -> SegmentClaims.read(s, key, device)).isInstanceOf(io.custody.seal.SealedFormatException.class);
      Files.write(segment, original);
    }
  }

  /**
   * {@code serve --register}: each segment's key is the register's; a camera the register does not
   * hold is failed, the registered one is complete and exports (the export command given that
   * camera's key from the register).
   */
  @Test
  void servesAStoreJudgedByTheRegister() throws Exception {
    record();
    Path stranger = dir.resolve("stranger");
    assertThat(run("keys", "init", "--out", stranger.toString()).exit()).isZero();
    EvidenceCommandsIT.Result r = run("record", "--input", DisclosureIT.clip(dir, "clip2.h264", 3).toString(),
        "--pre-event", "30", "--trigger-at", "1", "--device-key", stranger.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    String unknown = (String) ((Map<?, ?>) Json.parse(r.out())).get("recording");
    Path registerKeys = dir.resolve("register-keys");
    assertThat(run("keys", "init", "--register", "--out", registerKeys.toString()).exit()).isZero();
    Path register = dir.resolve("register.txt");
    String key = registerKeys.resolve("register.key").toString();
    assertThat(run("register", "init", "--register-key", key, register.toString()).exit()).isZero();
    assertThat(run("register", "add", "--register-key", key, "--device-pub", keys.resolve("device.pub").toString(),
        "--serial", "BWC-0042", "--from", "2026-01-01", register.toString()).exit()).isZero();

    assertThat(run("serve", "--key", keys.resolve("recipient.key").toString(), "file:" + store).exit())
        .as("--device-pub or --register").isEqualTo(Main.USAGE);
    ViewerIT.Served served = ViewerIT.Served.start(List.of("--key", keys.resolve("recipient.key").toString(),
        "--register", register.toString(), "--register-pub", registerKeys.resolve("register.pub").toString(),
        "--exports", dir.resolve("exports").toString(), "file:" + store));
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + served.url().getPort();
      Map<?, ?> list = Map.of();
      for (int i = 0; i < 600; i++) {
        list = (Map<?, ?>) Json.parse(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
            + "/api/recordings")).header("Authorization", "Bearer " + served.token()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        if (((Number) list.get("pending")).longValue() == 0) {
          break;
        }
        Thread.sleep(100);
      }
      Map<String, Map<?, ?>> rows = new java.util.TreeMap<>();
      for (Object row : (List<?>) list.get("recordings")) {
        rows.put((String) ((Map<?, ?>) row).get("id"), (Map<?, ?>) row);
      }
      assertThat(rows.get(recording).get("state")).isEqualTo("complete");
      assertThat(rows.get(unknown).get("state")).isEqualTo("failed");
      assertThat((String) rows.get(unknown).get("problem")).contains("register does not hold");
      Map<?, ?> detail = (Map<?, ?>) Json.parse(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          base + "/api/recordings/" + unknown)).header("Authorization", "Bearer " + served.token()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      assertThat(detail.get("state")).isEqualTo("failed");
      assertThat(detail.get("playable")).isEqualTo(false);
      java.net.http.HttpResponse<String> export = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          base + "/api/recordings/" + recording + "/export")).header("Authorization", "Bearer " + served.token())
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"from\":null,\"to\":null}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
      Map<?, ?> file = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(export.body())).get("files")).get(0);
      assertThat(Files.size(Path.of((String) file.get("path")))).isEqualTo(((Number) file.get("bytes")).longValue());
      // the unknown camera's recording: refused, as the export command refuses it
      export = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/recordings/" + unknown
          + "/export")).header("Authorization", "Bearer " + served.token()).header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(export.statusCode()).as(export.body()).isEqualTo(409);
    } finally {
      served.stop();
    }
  }

  /**
   * {@code --bind 0.0.0.0}: a warning, and the machine's own addresses are accepted as {@code Host}
   * (so another machine can reach it with the token), any other name still refused.
   */
  @Test
  void boundToEveryAddressItAnswersToThisMachinesNamesOnly() throws Exception {
    String local = null;
    for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
          local = a.getHostAddress();
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(local != null, "no address but loopback");
    keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    Files.createDirectories(dir.resolve("empty"));
    ViewerIT.Served served = ViewerIT.Served.start(List.of("--device-pub", keys.resolve("device.pub").toString(),
        "--bind", "0.0.0.0", "file:" + dir.resolve("empty")));
    try {
      int port = served.url().getPort();
      assertThat(served.log()).contains("WARNING: listening on 0.0.0.0");
      assertThat(ViewerIT.rawStatus(port, local + ":" + port, served.token())).isEqualTo(200);
      assertThat(ViewerIT.rawStatus(port, "127.0.0.1:" + port, served.token())).isEqualTo(200);
      assertThat(ViewerIT.rawStatus(port, "evil.example:" + port, served.token())).isEqualTo(403);
      assertThat(ViewerIT.rawStatus(port, local + ":" + port, "wrong")).isEqualTo(401);
    } finally {
      served.stop();
    }
  }

  @Test
  void readsEveryMetadataSampleOfEveryFragmentAndRefusesBrokenBoxes() throws Exception {
    record();
    DevicePublicKey device = DevicePublicKey.fromPem(Files.readString(keys.resolve("device.pub")));
    RecipientPrivateKey key = RecipientPrivateKey.fromPem(Files.readString(keys.resolve("recipient.key")));
    long fixes = 0;
    long samples = 0;
    byte[] someFragment = null;
    try (var segments = Files.list(store.resolve(recording))) {
      for (Path p : segments.sorted().toList()) {
        try (SegmentReader reader = SegmentReader.open(p, key, device)) {
          Fmp4Samples.Track track = Fmp4Samples.track(reader.readInit(), "meta");
          assertThat(track).isNotNull();
          assertThat(track.timescale()).isPositive();
          assertThat(Fmp4Samples.track(reader.readInit(), "nope")).isNull();
          for (Map<String, Object> t : reader.manifest().tracks()) {
            if ("metadata".equals(t.get("kind"))) {
              samples += (Long) t.get("samples");
            }
          }
          for (int f = 0; f < reader.fragmentCount(); f++) {
            someFragment = reader.readFragment(f);
            for (Fmp4Samples.Sample s : Fmp4Samples.samples(someFragment, track.id())) {
              if (Json.parse(s.data()) instanceof Map<?, ?> m && "gps".equals(m.get("type"))) {
                fixes++;
              }
              samples--;
            }
          }
        }
      }
    }
    assertThat(samples).as("samples the manifests list and the fragments do not hold").isZero();
    assertThat(fixes).isPositive();
    // every cut and every flipped byte of a fragment: the samples, or Mp4FormatException, never another failure
    Random random = new Random(20);
    for (int i = 0; i < 2000; i++) {
      byte[] broken = i % 2 == 0 ? java.util.Arrays.copyOf(someFragment, random.nextInt(someFragment.length))
          : someFragment.clone();
      if (i % 2 == 1) {
        broken[random.nextInt(Math.min(broken.length, 4096))] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        Fmp4Samples.samples(broken, 2);
      } catch (Mp4FormatException expected) {
        // refused, with a reason
      }
    }
  }
}
