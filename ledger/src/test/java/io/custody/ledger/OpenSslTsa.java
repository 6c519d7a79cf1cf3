package io.custody.ledger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.tsp.TimeStampReq;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;

/**
 * A test RFC 3161 time-stamping authority: OpenSSL's {@code openssl ts -reply} behind a minimal
 * HTTP endpoint on 127.0.0.1.
 *
 * <p>In its directory it makes, with {@code openssl}, a CA, a time-stamping certificate issued by
 * it (extendedKeyUsage critical,timeStamping, EC P-256), an {@code openssl ts} configuration, and
 * the material the tests need to tell good tokens from bad: another CA with its own TSA (an
 * untrusted signer), a twin of the TSA certificate (same key, issuer and serial, other validity)
 * and a copy with a non-critical extended key usage. Each POST of an {@code
 * application/timestamp-query} is answered by running {@code openssl ts -reply} on it, unless a
 * {@link Mode} says to misbehave.
 */
public final class OpenSslTsa implements AutoCloseable {
  /** How the authority answers the next requests. */
  enum Mode {
    /** {@code openssl ts -reply} with the TSA certificate and key. */
    NORMAL,
    /** HTTP 500 with a text body. */
    HTTP_500,
    /** HTTP 200, {@code application/timestamp-reply}, an HTML page. */
    GARBAGE,
    /** HTTP 200 with a valid reply, but labelled {@code text/html}. */
    WRONG_CONTENT_TYPE,
    /** A reply signed by another TSA (another CA, another key) with OpenSSL. */
    OTHER_SIGNER,
    /** A rejection by OpenSSL (a TSA section that accepts only SHA-1 imprints). */
    REJECT,
    /** The reply to the last NORMAL request again, whatever is asked. */
    REPLAY,
    /** A reply for the same nonce but another message imprint (the query is rewritten). */
    OTHER_IMPRINT,
    /** 100 KiB of bytes with their Content-Length. */
    OVERSIZED,
    /** 100 KiB of bytes, chunked, without a Content-Length. */
    OVERSIZED_CHUNKED,
    /** Nothing until {@link #delay} has passed, then the normal reply. */
    DELAY,
    /** The headers, then one byte of body every 100 ms, for as long as the client listens. */
    TRICKLE,
  }

  private static final String QUERY_TYPE = "application/timestamp-query";
  private static final String REPLY_TYPE = "application/timestamp-reply";
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Object opensslLock = new Object();
  private final AtomicInteger requests = new AtomicInteger();
  private final X509Certificate certificate;
  private volatile Mode mode = Mode.NORMAL;
  private volatile Duration delay = Duration.ofSeconds(5);
  private volatile byte[] lastReply;
  private volatile String lastContentType;

  private OpenSslTsa(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    makeCertificates();
    this.certificate =
        TimestampAuthority.certificateFromPem(
            Files.readString(dir.resolve("tsa.crt"), StandardCharsets.US_ASCII));
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "openssl-tsa");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/tsa", this::handle);
    server.start();
  }

  /** Makes the certificates and configuration in {@code dir} and starts the endpoint. */
  public static OpenSslTsa start(Path dir) throws IOException, InterruptedException {
    return new OpenSslTsa(dir);
  }

  /** The endpoint's URL. */
  public URI url() {
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
  }

  /** The TSA's certificate, the one its tokens are signed with (in NORMAL mode). */
  X509Certificate certificate() {
    return certificate;
  }

  /** A file in the authority's directory ({@code ca.crt}, {@code other-tsa.crt}, ...). */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** A certificate from a PEM file in the authority's directory. */
  X509Certificate certificate(String name) throws IOException {
    return TimestampAuthority.certificateFromPem(
        Files.readString(dir.resolve(name), StandardCharsets.US_ASCII));
  }

  /** Sets how the next requests are answered. */
  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Sets how long {@link Mode#DELAY} waits. */
  void delay(Duration delay) {
    this.delay = delay;
  }

  /** The number of requests received so far. */
  int requests() {
    return requests.get();
  }

  /** The Content-Type of the last request. */
  String lastContentType() {
    return lastContentType;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- the endpoint ------------------------------------------------------------------------

  private void handle(HttpExchange exchange) {
    try {
      answer(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // openssl failed (say so, if nothing was sent yet), or the client went away (timeouts, size
      // limits): nothing more to send.
      if (exchange.getResponseCode() == -1) {
        try {
          send(exchange, 502, "text/plain", String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the client is gone
        }
      }
    } finally {
      exchange.close();
    }
  }

  private void answer(HttpExchange exchange) throws IOException, InterruptedException {
    requests.incrementAndGet();
    byte[] query = exchange.getRequestBody().readAllBytes();
    lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (!exchange.getRequestMethod().equals("POST")) {
      send(exchange, 405, "text/plain", "POST only".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    if (!QUERY_TYPE.equals(lastContentType)) {
      send(exchange, 415, "text/plain", ("not " + QUERY_TYPE).getBytes(StandardCharsets.US_ASCII));
      return;
    }
    Mode now = mode;
    switch (now) {
      case NORMAL:
        byte[] reply = reply(query, "tsa.crt", "tsa.key", null);
        lastReply = reply;
        send(exchange, 200, REPLY_TYPE, reply);
        break;
      case HTTP_500:
        send(exchange, 500, "text/plain", "internal error".getBytes(StandardCharsets.US_ASCII));
        break;
      case GARBAGE: // not DER at all
        send(exchange, 200, REPLY_TYPE,
            "<html>Service Temporarily Unavailable</html>".getBytes(StandardCharsets.US_ASCII));
        break;
      case WRONG_CONTENT_TYPE:
        send(exchange, 200, "text/html", reply(query, "tsa.crt", "tsa.key", null));
        break;
      case OTHER_SIGNER:
        send(exchange, 200, REPLY_TYPE, reply(query, "other-tsa.crt", "other-tsa.key", null));
        break;
      case REJECT:
        send(exchange, 200, REPLY_TYPE, reply(query, "tsa.crt", "tsa.key", "sha1_only"));
        break;
      case REPLAY:
        send(exchange, 200, REPLY_TYPE, lastReply);
        break;
      case OTHER_IMPRINT:
        send(exchange, 200, REPLY_TYPE, reply(otherImprint(query), "tsa.crt", "tsa.key", null));
        break;
      case OVERSIZED:
        send(exchange, 200, REPLY_TYPE, random(100 * 1024));
        break;
      case OVERSIZED_CHUNKED:
        exchange.getResponseHeaders().set("Content-Type", REPLY_TYPE);
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          for (int i = 0; i < 100; i++) {
            out.write(random(1024));
            out.flush();
          }
        }
        break;
      case DELAY:
        Thread.sleep(delay.toMillis());
        send(exchange, 200, REPLY_TYPE, reply(query, "tsa.crt", "tsa.key", null));
        break;
      case TRICKLE:
        exchange.getResponseHeaders().set("Content-Type", REPLY_TYPE);
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          for (int i = 0; i < 600; i++) {
            out.write(0x30);
            out.flush();
            Thread.sleep(100);
          }
        }
        break;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** {@code openssl ts -reply} for the query, signed with the given certificate and key. */
  private byte[] reply(byte[] query, String signer, String key, String section)
      throws IOException, InterruptedException {
    synchronized (opensslLock) { // openssl ts -reply increments the serial file
      Path q = dir.resolve("query.tsq");
      Path r = dir.resolve("reply.tsr");
      Files.write(q, query);
      Files.deleteIfExists(r);
      List<String> args = new ArrayList<>(List.of(
          "ts", "-reply", "-queryfile", q.toString(), "-signer", file(signer).toString(),
          "-inkey", file(key).toString(), "-config", file("ts.cnf").toString(),
          "-out", r.toString()));
      if (section != null) {
        args.add("-section");
        args.add(section);
      }
      run(dir, args.toArray(new String[0]));
      return Files.readAllBytes(r);
    }
  }

  /** The query with another message imprint (the SHA-256 of other bytes) but the same nonce. */
  private static byte[] otherImprint(byte[] query) throws IOException {
    TimeStampRequest original =
        new TimeStampRequest(TimeStampReq.getInstance(ASN1Primitive.fromByteArray(query)));
    TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
    generator.setCertReq(original.getCertReq());
    byte[] imprint = original.getMessageImprintDigest().clone();
    imprint[0] ^= 1;
    return generator
        .generate(original.getMessageImprintAlgOID(), imprint, original.getNonce())
        .getEncoded();
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  // ---- openssl -----------------------------------------------------------------------------

  private void makeCertificates() throws IOException, InterruptedException {
    String ec = "ec_paramgen_curve:P-256";
    Files.writeString(dir.resolve("tsa.ext"),
        """
        basicConstraints=critical,CA:false
        keyUsage=critical,digitalSignature
        extendedKeyUsage=critical,timeStamping
        """,
        StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("noncritical.ext"),
        """
        basicConstraints=critical,CA:false
        keyUsage=critical,digitalSignature
        extendedKeyUsage=timeStamping
        """,
        StandardCharsets.US_ASCII);
    for (String ca : List.of("ca", "other-ca")) {
      run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes",
          "-keyout", ca + ".key", "-out", ca + ".crt", "-days", "30",
          "-subj", "/CN=Custody test " + ca, "-addext", "basicConstraints=critical,CA:true",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }
    for (String[] tsa :
        List.of(new String[] {"tsa", "ca"}, new String[] {"other-tsa", "other-ca"})) {
      String name = tsa[0];
      String ca = tsa[1];
      run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", ec, "-nodes",
          "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=Custody test " + name);
      String serial = "0x" + new BigInteger(64, new SecureRandom()).toString(16);
      run(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
          "-set_serial", serial, "-days", "30", "-extfile", "tsa.ext", "-out", name + ".crt");
    }
    String serial = run(dir, "x509", "-in", "tsa.crt", "-noout", "-serial").trim();
    serial = serial.substring(serial.indexOf('=') + 1);
    // Same key, issuer and serial as tsa.crt, but another validity: another certificate.
    run(dir, "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-set_serial", "0x" + serial, "-days", "29", "-extfile", "tsa.ext", "-out", "twin-tsa.crt");
    // Same key, but the extended key usage is not critical (RFC 3161 section 2.3 requires it).
    run(dir, "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-set_serial", "0x" + serial, "-days", "30", "-extfile", "noncritical.ext",
        "-out", "noncritical-tsa.crt");

    String path = dir.toAbsolutePath().toString();
    Files.writeString(dir.resolve("ts.cnf"),
        String.join("\n",
            "[ tsa ]",
            "default_tsa = tsa_config",
            "",
            "[ tsa_config ]",
            "serial = " + path + "/tsaserial",
            "crypto_device = builtin",
            "signer_digest = sha256",
            "default_policy = 1.3.6.1.4.1.99999.16.1",
            "digests = sha256, sha384, sha512",
            "accuracy = secs:1",
            "ordering = no",
            "tsa_name = yes",
            "ess_cert_id_chain = no",
            "ess_cert_id_alg = sha256",
            "",
            "[ sha1_only ]",
            "serial = " + path + "/tsaserial",
            "crypto_device = builtin",
            "signer_digest = sha256",
            "default_policy = 1.3.6.1.4.1.99999.16.1",
            "digests = sha1",
            "ess_cert_id_alg = sha256",
            ""),
        StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("tsaserial"), "01\n", StandardCharsets.US_ASCII);
  }

  /**
   * Runs {@code openssl args...} in {@code dir}, at most 30 s, and returns its standard output;
   * fails with its standard error on a non-zero exit.
   */
  static String run(Path dir, String... args) throws IOException, InterruptedException {
    Result result = tryRun(dir, args);
    if (result.exit() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed (" + result.exit()
          + "):\n" + result.stderr());
    }
    return result.stdout();
  }

  /** The exit status and output of one openssl run. */
  record Result(int exit, String stdout, String stderr) {}

  /** Runs {@code openssl args...} in {@code dir}, at most 30 s, whatever its exit status. */
  static Result tryRun(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    File out = Files.createTempFile(dir, "openssl", ".out").toFile();
    File err = Files.createTempFile(dir, "openssl", ".err").toFile();
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out)
              .redirectError(err)
              .start();
      if (!process.waitFor(OPENSSL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("openssl did not finish within " + OPENSSL_TIMEOUT + ": " + command);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
    }
  }
}
