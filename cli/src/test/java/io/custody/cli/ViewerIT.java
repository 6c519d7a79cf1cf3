package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code custody serve} in a real browser: Debian's Chromium driven by Playwright
 * ({@code src/test/node/viewer/check.mjs}) against a server on a store of two real recordings, one
 * with GPS fixes, a marker and a mute span, the other with one byte flipped in its second segment.
 * Slow (a browser, 1080p footage): left out on the second JDK.
 */
@Tag("slow")
class ViewerIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void showsPlaysAndRecordsWhatItShows() throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    Path clip = dir.resolve("clip.h264");
    Process ff = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=1920x1080:rate=30", "-t", "16", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-bf", "0",
        "-pix_fmt", "yuv420p", clip.toString()).inheritIO().start();
    assertThat(ff.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(ff.exitValue()).isZero();
    Path events = dir.resolve("events.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      lines.add(String.format(Locale.ROOT, "{\"t\":%.1f,\"type\":\"gps\",\"lat\":%.5f,\"lon\":%.5f}", i * 0.5,
          51.5 + i * 0.0002, -0.12 + i * 0.0003 * Math.sin(i / 5.0)));
    }
    lines.add("{\"t\":9.4,\"type\":\"marker\",\"id\":\"m1\",\"label\":\"suspect seen\"}");
    lines.add("{\"t\":11,\"type\":\"mute\",\"on\":true}");
    lines.add("{\"t\":12.5,\"type\":\"mute\",\"on\":false}");
    lines.sort(java.util.Comparator.comparingDouble(l -> Double.parseDouble(l.replaceAll(".*\"t\":([0-9.]+).*", "$1"))));
    Files.write(events, lines);
    String store = "file:" + dir.resolve("store");
    String played = record(keys, clip, store, List.of("--metadata", events.toString(), "--device-id", "BWC-0042",
        "--operator-id", "PC 1234"));
    String tampered = record(keys, clip, store, List.of("--device-id", "BWC-0077", "--operator-id", "PC 5678"));
    Path segment = dir.resolve("store").resolve(tampered).resolve("00001.sealed");
    byte[] b = Files.readAllBytes(segment);
    b[b.length / 2] ^= 1;
    Files.write(segment, b);
    EvidenceCommandsIT.TestLedger ledger = EvidenceCommandsIT.newLedger(dir, "ledger");

    Path cps = dir.resolve("cps");
    assertThat(run("keys", "init", "--out", cps.toString()).exit()).isZero();
    List<String> args = new ArrayList<>(List.of("--key", keys.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString(), "--exports", dir.resolve("exports").toString(),
        "--disclose-to", cps.resolve("recipient.pub").toString()));
    args.addAll(ledger.options("DC Viewer"));
    args.add(store);
    Served served = Served.start(args);
    try {
      URI url = served.url();
      String token = served.token();
      String base = "http://127.0.0.1:" + url.getPort();
      HttpClient http = HttpClient.newHttpClient();

      // refused: no token; a wrong token; another site's Origin; another Host name (DNS rebinding)
      assertThat(get(http, base + "/api/recordings", Map.of()).statusCode()).isEqualTo(401);
      assertThat(get(http, base + "/api/recordings", Map.of("Authorization", "Bearer nope")).statusCode()).isEqualTo(401);
      assertThat(get(http, base + "/", Map.of()).statusCode()).isEqualTo(401);
      assertThat(get(http, base + "/api/recordings", Map.of("Authorization", "Bearer " + token,
          "Origin", "http://evil.example")).statusCode()).isEqualTo(403);
      assertThat(rawStatus(url.getPort(), "evil.example:" + url.getPort(), token)).isEqualTo(403);
      HttpResponse<String> ok = get(http, base + "/api/recordings", Map.of("Authorization", "Bearer " + token));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

      Path shots = Path.of("target", "viewer-screenshots").toAbsolutePath();
      Process node = new ProcessBuilder("node", "src/test/node/viewer/check.mjs", "--url", url.toString(), "--out",
          shots.toString(), "--tampered", tampered, "--play", played).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(240, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(out).isZero();
      Map<?, ?> facts = (Map<?, ?>) Json.parse(out);

      // the list: both recordings, each in its state
      Map<String, String> states = new java.util.TreeMap<>();
      for (Object row : (List<?>) facts.get("list")) {
        states.put((String) ((Map<?, ?>) row).get("id"), (String) ((Map<?, ?>) row).get("state"));
      }
      assertThat(states).isEqualTo(new java.util.TreeMap<>(Map.of(played, "complete", tampered, "failed")));

      // the flipped byte: a failed block in segment 1, naming the record the verifier names
      Map<?, ?> detail = (Map<?, ?>) Json.parse(get(http, base + "/api/recordings/" + tampered,
          Map.of("Authorization", "Bearer " + token)).body());
      String problem = (String) detail.get("problem");
      String record = problem.replaceAll(".* at record (\\d+) .*", "$1");
      assertThat(problem).startsWith("segment 1: ").contains("at record " + record);
      List<?> failed = (List<?>) facts.get("tampered");
      assertThat(failed).isNotEmpty();
      Map<?, ?> first = (Map<?, ?>) failed.get(0);
      assertThat(first.get("segment")).isEqualTo(1L);
      assertThat(first.get("state")).isEqualTo("failed");
      assertThat((String) first.get("title")).contains("record " + record);
      assertThat(failed).allMatch(f -> ((Map<?, ?>) f).get("segment").equals(1L));

      // playback: time advances, 1080p, and a click on the marker lands within a fragment of it
      Map<?, ?> play = (Map<?, ?>) facts.get("play");
      assertThat(((Number) play.get("t1")).doubleValue()).isGreaterThan(((Number) play.get("t0")).doubleValue() + 1);
      assertThat(play.get("videoWidth")).isEqualTo(1920L);
      assertThat(play.get("videoHeight")).isEqualTo(1080L);
      double markerT = ((Number) ((Map<?, ?>) play.get("marker")).get("t")).doubleValue();
      // (the first marker on the timeline: the recorder's own at the trigger, then the officer's m1)
      assertThat(((Map<?, ?>) play.get("marker")).get("id")).isIn("trigger", "m1");
      assertThat(Math.abs(((Number) play.get("seeked")).doubleValue() - markerT))
          .isLessThanOrEqualTo(((Number) play.get("fragment_s")).doubleValue());

      // the map: one point per fix in the metadata track (the fixes of the recording's span)
      Map<?, ?> metadata = (Map<?, ?>) Json.parse(get(http, base + "/api/recordings/" + played + "/metadata",
          Map.of("Authorization", "Bearer " + token)).body());
      int fixes = ((List<?>) metadata.get("gps")).size();
      assertThat(fixes).isGreaterThanOrEqualTo(20);
      assertThat(((Map<?, ?>) facts.get("gps")).get("points")).isEqualTo((long) fixes);
      assertThat((List<?>) metadata.get("mutes")).hasSize(1);
      assertThat((List<?>) metadata.get("markers")).anyMatch(m -> "m1".equals(((Map<?, ?>) m).get("id")));

      // the ledger: the playback is an ACCESSED entry by the server's actor
      List<?> history = (List<?>) ((Map<?, ?>) Json.parse(get(http, base + "/api/recordings/" + played,
          Map.of("Authorization", "Bearer " + token)).body())).get("ledger");
      assertThat(history).anyMatch(e -> "ACCESSED".equals(((Map<?, ?>) e).get("type"))
          && "DC Viewer".equals(((Map<?, ?>) e).get("actor")));

      // an export button: the MP4 is written, and recorded as EXPORTED
      HttpResponse<String> export = http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + played
          + "/export")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"from\":2,\"to\":6}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
      List<String> written = new ArrayList<>();
      for (Object f : (List<?>) ((Map<?, ?>) Json.parse(export.body())).get("files")) {
        written.add((String) ((Map<?, ?>) f).get("path"));
      }
      assertThat(written).hasSize(3).allMatch(f -> Files.exists(Path.of(f)));
      assertThat(written.get(0)).endsWith(".mp4");
      // the range as a disclosure package for --disclose-to, which proves itself
      assertThat(written.get(2)).endsWith(".cpkg");
      EvidenceCommandsIT.Result checked = run("verify", "--device-pub", keys.resolve("device.pub").toString(),
          written.get(2));
      assertThat(checked.exit()).as(checked.out() + checked.err()).isZero();
      history = (List<?>) ((Map<?, ?>) Json.parse(get(http, base + "/api/recordings/" + played,
          Map.of("Authorization", "Bearer " + token)).body())).get("ledger");
      assertThat(history).anyMatch(e -> "EXPORTED".equals(((Map<?, ?>) e).get("type")));
      assertThat(history).anyMatch(e -> "DISCLOSED".equals(((Map<?, ?>) e).get("type")));
      assertThat(served.log()).doesNotContain(token);
    } finally {
      served.stop();
    }
    assertThat(served.exit()).isZero();
  }

  /** A {@code custody serve} running in this JVM until {@link #stop}. */
  static final class Served {
    private final ServeCommand command = new ServeCommand();
    private final StringWriter log = new StringWriter();
    private final int[] exit = {-1};
    private Thread thread;

    static Served start(List<String> args) throws InterruptedException {
      Served s = new Served();
      CommandLine cl = new CommandLine(s.command).setOut(new PrintWriter(new StringWriter(), true))
          .setErr(new PrintWriter(s.log, true));
      s.thread = new Thread(() -> s.exit[0] = cl.execute(args.toArray(String[]::new)));
      s.thread.start();
      for (int i = 0; i < 300 && s.command.url == null && s.thread.isAlive(); i++) {
        Thread.sleep(100);
      }
      assertThat(s.command.url).as(s.log.toString()).isNotNull();
      return s;
    }

    URI url() {
      return command.url;
    }

    /** The token of the printed URL. */
    String token() {
      return url().getQuery().substring("token=".length());
    }

    String log() {
      return log.toString();
    }

    void stop() throws InterruptedException {
      command.stop.countDown();
      thread.join(30_000);
    }

    int exit() {
      return exit[0];
    }
  }

  private static String record(Path keys, Path clip, String store, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("record", "--input", clip.toString(), "--pre-event", "2",
        "--trigger-at", "3", "--segment", "5", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", store, "--json"));
    args.addAll(extra);
    EvidenceCommandsIT.Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    Map<?, ?> json = (Map<?, ?>) Json.parse(r.out());
    return (String) json.get("recording");
  }

  private static HttpResponse<String> get(HttpClient http, String url, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a request naming {@code host} in its Host header (HttpClient will not send another). */
  static int rawStatus(int port, String host, String token) throws IOException {
    try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /api/recordings HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
