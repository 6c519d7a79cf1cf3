package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import io.custody.storage.s3.CephRgw;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appenders in separate processes: four at once on {@code file:} and on the real Ceph gateway (a
 * plain bucket, and a versioned one with Object Lock), twenty killed with SIGKILL mid-append, and a
 * gateway restarted under them (tagged slow: left out on JDK 25). Every acknowledged
 * entry must be in the log exactly once, at the index it was acknowledged with, and the log must
 * verify.
 */
class LedgerProcessesIT {
  static final LedgerKey KEY = LedgerKey.generate();
  @TempDir Path tmp;

  Path keyFile() throws IOException {
    Path k = tmp.resolve("ledger.key");
    if (!Files.exists(k)) {
      Files.writeString(k, KEY.toPem());
    }
    return k;
  }

  Process appender(String uri, String writer, int count, int threads, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Appender.class.getName(), uri, keyFile().toString(), writer,
        Integer.toString(count), Integer.toString(threads));
    pb.environment().putAll(env);
    pb.redirectOutput(log.toFile()).redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
    return pb.start();
  }

  /** text -> acknowledged index, from the appenders' output. */
  static Map<String, Long> acks(List<Path> logs) throws IOException {
    Map<String, Long> acks = new HashMap<>();
    for (Path log : logs) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", -1);
        if (f.length == 3 && f[0].equals("ack")) {
          assertThat(acks.put(f[1], Long.parseLong(f[2]))).as("acknowledged twice: %s", f[1]).isNull();
        }
      }
    }
    return acks;
  }

  /** The log verifies, and holds every acknowledged entry exactly once at its index. */
  static void checkLog(BlobStore store, Map<String, Long> acks, long expectedAtLeast) throws IOException {
    LedgerReport r = LedgerVerifier.verify(store, KEY.publicKey(), Optional.empty());
    assertThat(r.problems()).isEmpty();
    Ledger ledger = Ledger.open(store, KEY.publicKey());
    Checkpoint head = ledger.checkpoint();
    assertThat(head.size()).isGreaterThanOrEqualTo(expectedAtLeast);
    List<LedgerEntry> all = ledger.entries(0, head.size(), head);
    Map<String, Integer> seen = new HashMap<>();
    for (LedgerEntry e : all) {
      seen.merge((String) e.details().get("text"), 1, Integer::sum);
    }
    for (Map.Entry<String, Long> a : acks.entrySet()) {
      assertThat(seen.get(a.getKey())).as("copies of acknowledged %s", a.getKey()).isEqualTo(1);
      assertThat(all.get((int) (long) a.getValue()).details().get("text")).as("entry at the index %s was acknowledged with", a.getKey())
          .isEqualTo(a.getKey());
    }
    assertThat(seen.values()).as("no entry twice").allMatch(n -> n == 1);
  }

  void fourWriters(String uri, BlobStore store, Map<String, String> env) throws Exception {
    fourWriters(uri, store, env, 500);
  }

  void fourWriters(String uri, BlobStore store, Map<String, String> env, int each) throws Exception {
    Ledger.create(store, "test.example/ledger", KEY);
    List<Process> ps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Path log = tmp.resolve("w" + w + ".out");
      logs.add(log);
      ps.add(appender(uri, "w" + w, each, 16, env, log));
    }
    for (int w = 0; w < 4; w++) {
      assertThat(ps.get(w).waitFor(8, TimeUnit.MINUTES)).isTrue();
      assertThat(ps.get(w).exitValue()).as(Files.readString(logs.get(w).resolveSibling("w" + w + ".out.err"))).isZero();
    }
    Map<String, Long> acks = acks(logs);
    assertThat(acks).hasSize(4 * each);
    checkLog(store, acks, 4L * each);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void fourProcessesAppendToAFileLog() throws Exception {
    Path dir = tmp.resolve("log");
    try (BlobStore store = Storage.open(dir.toUri())) {
      fourWriters(dir.toUri().toString(), store, Map.of());
    }
  }

  static Map<String, String> s3env(CephRgw rgw) {
    return Map.of("AWS_ACCESS_KEY_ID", rgw.accessKey, "AWS_SECRET_ACCESS_KEY", rgw.secretKey, "AWS_REGION", "us-east-1");
  }

  static BlobStore s3(CephRgw rgw, String uri) throws IOException {
    return Storage.open(URI.create(uri), Map.of("access-key", rgw.accessKey, "secret-key", rgw.secretKey));
  }

  @Test
  @Tag("slow")
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void fourProcessesAppendToALogOnTheGateway() throws Exception {
    CephRgw rgw = CephRgw.shared();
    String uri = "s3://" + CephRgw.PLAIN + "/ledger-" + UUID.randomUUID() + "?endpoint=" + rgw.endpoint;
    try (BlobStore store = s3(rgw, uri)) {
      fourWriters(uri, store, s3env(rgw));
    }
  }

  /**
   * RGW's versioned buckets (any with Object Lock) ignore If-None-Match: the plugin's conditional
   * create takes the oldest version instead, so losers of the race for an update record must lose
   * there too. Fewer entries: every request costs more on such a bucket (benchmarks/README.md).
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void fourProcessesAppendToALogInAVersionedObjectLockBucketOnTheGateway() throws Exception {
    CephRgw rgw = CephRgw.shared();
    String uri = "s3://" + CephRgw.LOCKED + "/ledger-" + UUID.randomUUID() + "?endpoint=" + rgw.endpoint;
    try (BlobStore store = s3(rgw, uri)) {
      fourWriters(uri, store, s3env(rgw), 60);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void appendersKilledMidAppendTwentyTimesLeaveAValidLogWithEveryAcknowledgedEntry() throws Exception {
    Path dir = tmp.resolve("log");
    String uri = dir.toUri().toString();
    Random random = new Random(16);
    List<Path> logs = new ArrayList<>();
    try (BlobStore store = Storage.open(dir.toUri())) {
      Ledger.create(store, "test.example/ledger", KEY);
      for (int round = 0; round < 20; round++) {
        Path log = tmp.resolve("k" + round + ".out");
        logs.add(log);
        Process p = appender(uri, "k" + round, 100_000, 4, Map.of(), log);
        // let it start (the JVM) and append for a while, then kill -9 at a random moment
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600 + random.nextInt(900));
        while (System.nanoTime() < until && p.isAlive()) {
          Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      // one more appender finishes normally, completing whatever a killed one left unfinished
      Path last = tmp.resolve("last.out");
      logs.add(last);
      Process p = appender(uri, "last", 50, 2, Map.of(), last);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).isZero();
      Map<String, Long> acks = acks(logs);
      assertThat(acks.size()).as("entries acknowledged across the rounds").isGreaterThan(100);
      checkLog(store, acks, acks.size());
    }
  }

  @Test
  @Tag("slow")
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void appendsResumeAfterTheGatewayIsRestartedUnderThem() throws Exception {
    CephRgw rgw = CephRgw.start("bluestore");
    try {
      String bucket = "ledger-restart";
      rgw.createBucket(bucket);
      String uri = "s3://" + bucket + "/log?endpoint=" + rgw.endpoint;
      List<Path> logs = new ArrayList<>();
      try (BlobStore store = s3(rgw, uri)) {
        Ledger.create(store, "test.example/ledger", KEY);
      }
      List<Process> ps = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        Path log = tmp.resolve("r" + w + ".out");
        logs.add(log);
        ps.add(appender(uri, "r" + w, 150, 2, s3env(rgw), log));
      }
      Thread.sleep(3000);
      rgw.restart();
      for (Process p : ps) {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      Map<String, Long> acks = acks(logs);
      assertThat(acks).hasSize(300);
      try (BlobStore store = s3(rgw, uri)) {
        checkLog(store, acks, 300);
      }
    } finally {
      rgw.stop();
    }
  }
}
