package io.custody.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The ceiling of {@code custody verify} as a JVM process (issue 15, {@code run-backoffice.sh}): a
 * fresh JVM that does nothing but what verifying must, the SHA-256 of every byte of every sealed
 * segment under a directory, one thread per core, each file read as {@code custody verify} reads it
 * (a {@code FileChannel} stream, one record of 256 KiB a call). No picocli, keys, signatures,
 * manifests or JSON: what is left is the JVM's start-up, the JIT compiling SHA-256 and the reads.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.StoreSha256 DIR}
 * prints each file's SHA-256 as {@code openssl dgst -sha256} does, in path order.
 */
public final class StoreSha256 {
  private StoreSha256() {}

  public static void main(String[] args) throws IOException, InterruptedException, ExecutionException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of(args[0]))) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".sealed")).sorted().toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<Future<String>> hashed = new ArrayList<>();
      for (Path p : files) {
        hashed.add(pool.submit(() -> hash(p)));
      }
      for (int i = 0; i < files.size(); i++) {
        System.out.printf(Locale.ROOT, "SHA2-256(%s)= %s%n", files.get(i), hashed.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String hash(Path p) throws IOException, java.security.NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[256 << 10];
    try (InputStream in = Files.newInputStream(p)) {
      for (int r; (r = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, r);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
