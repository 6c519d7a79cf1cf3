package io.custody.storage.s3;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A single-node Ceph RADOS Gateway for the tests, run by scripts/ceph-rgw.sh in a temporary
 * directory on free loopback ports. {@link #shared()} is one memstore gateway per test JVM with
 * the two buckets the tests use; {@link #start} runs another (bluestore, for restarts). Daemons
 * are stopped by a shutdown hook whatever happens. Without Ceph (or root) the tests fail, naming
 * the fix: they never skip.
 */
public final class CephRgw {
  /** A bucket without versioning. */
  public static final String PLAIN = "custody-plain";
  /** A bucket with Object Lock (and so versioning) enabled. */
  public static final String LOCKED = "custody-locked";

  private static CephRgw shared;

  final Path dir;
  final String store;
  /** The S3 endpoint, {@code http://127.0.0.1:PORT}. */
  public final URI endpoint;
  /** The S3 user's access key. */
  public final String accessKey;
  /** The S3 user's secret key. */
  public final String secretKey;
  /** Seconds from `start` to S3 answering, as measured here. */
  double startSeconds;
  private final Thread hook;

  /** The per-JVM memstore gateway, with {@link #PLAIN} and {@link #LOCKED} created. */
  public static synchronized CephRgw shared() {
    if (shared == null) {
      try {
        CephRgw c = start("memstore");
        try (S3Client s3 = c.client()) {
          s3.createBucket(b -> b.bucket(PLAIN));
          s3.createBucket(b -> b.bucket(LOCKED).objectLockEnabledForBucket(true));
        }
        shared = c;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** Starts a gateway of its own in a new temporary directory. */
  public static CephRgw start(String store) throws IOException {
    Path dir = Files.createTempDirectory("custody-ceph-");
    return new CephRgw(dir, store);
  }

  private CephRgw(Path dir, String store) throws IOException {
    this.dir = dir;
    this.store = store;
    Map<String, String> env = new HashMap<>();
    env.put("CEPH_RGW_PORT", Integer.toString(freePort()));
    env.put("CEPH_MON_PORT", Integer.toString(freePort()));
    hook = new Thread(() -> {
      try {
        stopDaemons();
        deleteDir();
      } catch (IOException e) {
        System.err.println("could not stop the Ceph daemons in " + dir + ": " + e.getMessage());
      }
    }, "stop-ceph-" + dir.getFileName());
    Runtime.getRuntime().addShutdownHook(hook);
    startDaemons(env);
    Map<String, String> s3env = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("s3.env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        s3env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    endpoint = URI.create(s3env.get("AWS_ENDPOINT_URL_S3"));
    accessKey = s3env.get("AWS_ACCESS_KEY_ID");
    secretKey = s3env.get("AWS_SECRET_ACCESS_KEY");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path root() {
    return Paths.get(System.getProperty("custody.root", "../..")).toAbsolutePath().normalize();
  }

  private static String script() {
    return root().resolve("scripts/ceph-rgw.sh").toString();
  }

  /** Starts the stopped daemons again (their data kept with bluestore). */
  public void startDaemons() throws IOException {
    startDaemons(Map.of());
  }

  private void startDaemons(Map<String, String> env) throws IOException {
    ensureInstalled();
    long t0 = System.nanoTime();
    run(List.of(script(), "start", dir.toString(), store), env, 180);
    startSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "Ceph RGW (%s) answering at %s after %.2f s (dir %s)%n", store, endpointOrDir(), startSeconds, dir);
  }

  private String endpointOrDir() {
    return endpoint == null ? "(new)" : endpoint.toString();
  }

  /** Reclaims the space of deleted objects now (RGW otherwise keeps their tails for hours). */
  public void collectGarbage() throws IOException {
    run(List.of(script(), "gc", dir.toString()), Map.of(), 120);
  }

  /** Stops the daemons (the data stays in the directory). */
  public void stopDaemons() throws IOException {
    run(List.of(script(), "stop", dir.toString()), Map.of(), 60);
  }

  /** Stops and starts the same cluster again (its data kept with bluestore). */
  public void restart() throws IOException {
    stopDaemons();
    startDaemons(Map.of());
  }

  /** Stops for good, deletes the directory and forgets the shutdown hook. */
  public void stop() throws IOException {
    stopDaemons();
    deleteDir();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
  }

  private void deleteDir() throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void ensureInstalled() throws IOException {
    if (onPath("radosgw") && onPath("ceph-mon") && onPath("ceph-osd")) {
      return;
    }
    Path install = root().resolve("scripts/install-test-tools.sh");
    try {
      run(List.of(install.toString()), Map.of(), 600);
    } catch (IOException e) {
      throw new IOException("Ceph (radosgw, ceph-mon, ceph-osd) is not installed and could not be installed: "
          + e.getMessage() + "\nThe storage-s3 tests need a real S3 server: run scripts/install-test-tools.sh as root "
          + "(apt-get install --no-install-recommends radosgw ceph-mon ceph-osd).", e);
    }
    if (!onPath("radosgw")) {
      throw new IOException("radosgw is still missing after scripts/install-test-tools.sh");
    }
  }

  private static boolean onPath(String binary) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":", -1)) {
      if (Files.isExecutable(Paths.get(d, binary))) {
        return true;
      }
    }
    return false;
  }

  private static void run(List<String> command, Map<String, String> env, int timeoutSeconds) throws IOException {
    // Output to a file, not a pipe: the daemons fork away and must not hold the test's pipe open.
    Path out = Files.createTempFile("custody-ceph-script-", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(String.join(" ", command) + " took more than " + timeoutSeconds + " s:\n"
              + Files.readString(out));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "; it needs root and the "
            + "Ceph packages, see scripts/install-test-tools.sh):\n" + text);
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Creates a bucket without versioning. */
  public void createBucket(String name) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(name));
    }
  }

  /** A raw SDK client for what the plugin does not do (making buckets, racing it). */
  @SuppressWarnings("deprecation") // the same HTTP client as the plugin's (S3StorageProvider.client)
  S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(ApacheHttpClient.builder())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** The options every store of this gateway needs: its credentials. */
  Map<String, String> credentials() {
    return Map.of("access-key", accessKey, "secret-key", secretKey);
  }

  /** Opens {@code s3://bucket[/prefix]?endpoint=...} through {@link Storage#open}. */
  S3BlobStore open(String bucketAndPrefix, Map<String, String> extra) throws IOException {
    Map<String, String> options = new HashMap<>(credentials());
    options.putAll(extra);
    BlobStore s = Storage.open(URI.create("s3://" + bucketAndPrefix + "?endpoint=" + endpoint), options);
    return (S3BlobStore) s;
  }
}
