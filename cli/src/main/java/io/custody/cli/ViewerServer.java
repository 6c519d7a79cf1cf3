package io.custody.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.custody.json.Json;
import io.custody.ledger.EntryType;
import io.custody.ledger.LedgerEntry;
import io.custody.seal.DecryptionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@code custody serve}: the two pages and their assets from the jar, and the JSON
 * and media the pages ask for. Every request must carry the access token (the cookie the printed
 * URL sets), name this server in {@code Host} (no DNS rebinding) and, when it says where it comes
 * from ({@code Origin}, {@code Sec-Fetch-Site}), come from this server's own pages. No CORS headers
 * are ever sent. Responses are never cached; decrypted footage exists only in memory, per request.
 */
final class ViewerServer implements AutoCloseable {
  /** The assets a page may load (nothing else under the viewer's resources is served). */
  private static final Pattern ASSET = Pattern.compile("/viewer/([a-z0-9-]+\\.(?:js|css|svg))");
  private static final Pattern RECORDING = Pattern.compile("/api/recordings/([0-9a-fA-F-]{1,64})(/.*)?");
  private static final Pattern MEDIA = Pattern.compile("/segments/(\\d{1,6})/(init|fragments/(\\d{1,7}))");
  private static final String CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:;"
      + " style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';"
      + " form-action 'self'";

  /** What the server does on an export request (the export command, with the server's keys). */
  interface Exports {
    /** Exports the recording, or the span [from, to] of it in seconds, and describes the files written. */
    Map<String, Object> export(String recording, Double from, Double to) throws IOException;
  }

  /** What the server will not do for this request (409, with the reason), e.g. an export the export command refuses. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final HttpServer http;
  private final ExecutorService pool;
  private final ViewerLibrary library;
  private final LedgerOptions.Open ledger;
  private final Exports exports;
  private final PrintWriter log;
  private final String token;
  private final String cookie;
  private final Set<String> hosts = new TreeSet<>();
  private final Set<String> origins = new TreeSet<>();
  private final Map<String, Boolean> viewsRecorded = new ConcurrentHashMap<>();
  private final ViewerHistory history;

  ViewerServer(InetSocketAddress bind, ViewerLibrary library, LedgerOptions.Open ledger, Exports exports,
      PrintWriter log) throws IOException {
    this.library = library;
    this.ledger = ledger;
    this.exports = exports;
    this.log = log;
    this.history = ledger == null ? null : new ViewerHistory(ledger);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    this.http = HttpServer.create(bind, 64);
    int port = http.getAddress().getPort();
    this.cookie = "custody_token_" + port;
    for (String host : names(bind)) {
      hosts.add(host + ":" + port);
      origins.add("http://" + host + ":" + port);
    }
    // Requests are short (a page, a JSON answer, one fragment of a few MB): a pool a little larger
    // than the viewers a team runs at once; a slow client holds one thread, not the server.
    this.pool = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "custody-serve");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
  }

  /**
   * The names a browser may use for this server in {@code Host}: loopback, the bound address, and
   * when bound to every address (0.0.0.0 or ::), each address of this machine's interfaces and its
   * host name. Any other name is refused, so a page of another site whose name was made to resolve
   * here (DNS rebinding) reaches nothing.
   */
  private static Set<String> names(InetSocketAddress bind) throws IOException {
    Set<String> names = new TreeSet<>(List.of("127.0.0.1", "localhost", "[::1]", hostText(bind)));
    if (bind.getAddress().isAnyLocalAddress()) {
      for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
          names.add(hostText(new InetSocketAddress(a, 0)));
        }
      }
      names.add(java.net.InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  private static String hostText(InetSocketAddress bind) {
    String h = bind.getAddress().getHostAddress();
    int scope = h.indexOf('%'); // an IPv6 zone: not part of what a browser sends
    h = scope < 0 ? h : h.substring(0, scope);
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** The URL to open: this server, with the access token (print it only to the user who started it). */
  URI url() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : hostText(a);
    return URI.create("http://" + host + ":" + a.getPort() + "/?token=" + token);
  }

  private void handle(HttpExchange x) throws IOException {
    int status = 500;
    long bytes = 0;
    try (x) {
      x.getResponseHeaders().set("Cache-Control", "no-store");
      x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      x.getResponseHeaders().set("X-Frame-Options", "DENY");
      x.getResponseHeaders().set("Content-Security-Policy", CSP);
      Response r = route(x);
      status = r.status;
      bytes = r.body.length;
      x.getResponseHeaders().set("Content-Type", r.type);
      r.headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
      if (x.getRequestMethod().equals("HEAD")) {
        x.sendResponseHeaders(r.status, -1);
      } else {
        x.sendResponseHeaders(r.status, r.body.length == 0 ? -1 : r.body.length);
        try (OutputStream out = x.getResponseBody()) {
          out.write(r.body);
        }
      }
    } catch (IOException e) {
      status = -1; // the client went away
    } finally {
      // The path only: never the query, which may hold the token.
      synchronized (log) {
        log.printf(Locale.ROOT, "%s %s %s %s %d %d%n", Instant.now(), x.getRemoteAddress().getAddress().getHostAddress(),
            x.getRequestMethod(), x.getRequestURI().getRawPath(), status, bytes);
        log.flush();
      }
    }
  }

  /** A response: status, content type, body and extra headers. */
  private static final class Response {
    final int status;
    final String type;
    final byte[] body;
    final Map<String, String> headers;

    Response(int status, String type, byte[] body, Map<String, String> headers) {
      this.status = status;
      this.type = type;
      this.body = body;
      this.headers = headers;
    }

    static Response json(int status, Object value) {
      return new Response(status, "application/json; charset=utf-8", Json.write(value).getBytes(StandardCharsets.UTF_8),
          Map.of());
    }

    static Response error(int status, String message) {
      return json(status, Map.of("error", message));
    }
  }

  private Response route(HttpExchange x) throws IOException {
    String host = x.getRequestHeaders().getFirst("Host");
    if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
      return Response.error(403, "this server answers to " + hosts.iterator().next() + " only");
    }
    String origin = x.getRequestHeaders().getFirst("Origin");
    String site = x.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if ((origin != null && !origins.contains(origin.toLowerCase(Locale.ROOT)))
        || (site != null && !site.equals("same-origin") && !site.equals("none"))) {
      return Response.error(403, "requests from other sites are refused");
    }
    String path = x.getRequestURI().getRawPath();
    Map<String, String> query = query(x.getRequestURI().getRawQuery());
    String method = x.getRequestMethod();
    if (path.equals("/") && query.containsKey("token")) {
      if (!same(query.get("token"), token)) {
        return Response.error(401, "wrong access token: use the URL custody serve printed");
      }
      // The token moves into a cookie only this server's pages send, and out of the address bar.
      return new Response(303, "text/plain; charset=utf-8", new byte[0], Map.of("Location", "/",
          "Set-Cookie", cookie + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"));
    }
    if (!authorised(x)) {
      return Response.error(401, "no access token: open the URL custody serve printed");
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (path.equals("/") && read) {
      return asset("index.html", "text/html; charset=utf-8");
    }
    if (path.equals("/recording.html") && read) {
      return asset("recording.html", "text/html; charset=utf-8");
    }
    Matcher asset = ASSET.matcher(path);
    if (asset.matches() && read) {
      String name = asset.group(1);
      return asset(name, name.endsWith(".js") ? "text/javascript; charset=utf-8"
          : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml");
    }
    if (path.equals("/api/recordings") && read) {
      return Response.json(200, list(query));
    }
    Matcher m = RECORDING.matcher(path);
    if (m.matches()) {
      Optional<ViewerLibrary.Recording> r = library.recording(m.group(1));
      if (r.isEmpty()) {
        return Response.error(404, "no recording " + m.group(1) + " in this store");
      }
      String rest = m.group(2) == null ? "" : m.group(2);
      try {
        return recording(x, r.get(), rest, query, method);
      } catch (DecryptionException e) {
        return Response.error(409, "cannot decrypt: " + e.getMessage());
      } catch (java.util.concurrent.CompletionException e) {
        return Response.error(500, "cannot read the recording: " + e.getCause().getMessage());
      } catch (Refused e) {
        return Response.error(409, e.getMessage());
      } catch (IOException e) {
        return Response.error(500, e.getMessage());
      }
    }
    return Response.error(read || method.equals("POST") ? 404 : 405, "nothing at " + path);
  }

  private Response recording(HttpExchange x, ViewerLibrary.Recording r, String rest, Map<String, String> query,
      String method) throws IOException, DecryptionException {
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (rest.isEmpty() && read) {
      Map<String, Object> d = library.detail(r);
      d.put("ledger", history == null ? null : history.about(r.id));
      return Response.json(200, d);
    }
    if (rest.equals("/metadata") && read) {
      if (!library.holdsKey()) {
        return Response.error(409, "the server holds no recipient key (serve --key)");
      }
      return Response.json(200, library.metadata(r));
    }
    if (rest.equals("/export") && method.equals("POST")) {
      String type = x.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        return Response.error(415, "send the export request as application/json");
      }
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readNBytes(4096);
      }
      Object parsed;
      try {
        parsed = Json.parse(body);
      } catch (IllegalArgumentException e) {
        return Response.error(400, "not JSON: " + e.getMessage());
      }
      if (!(parsed instanceof Map<?, ?> req)) {
        return Response.error(400, "send {\"from\": null|seconds, \"to\": null|seconds}");
      }
      Double from = seconds(req.get("from"));
      Double to = seconds(req.get("to"));
      if ((from == null) != (to == null) || (from != null && !(from >= 0 && to > from))) {
        return Response.error(400, "from and to go together, 0 <= from < to");
      }
      if (exports == null) {
        return Response.error(409, "the server holds no recipient key (serve --key)");
      }
      return Response.json(200, exports.export(r.id, from, to));
    }
    Matcher media = MEDIA.matcher(rest);
    if (media.matches() && read) {
      int s = Integer.parseInt(media.group(1));
      boolean init = media.group(2).equals("init");
      int f = init ? 0 : Integer.parseInt(media.group(3));
      if (!library.playable(r, s, f)) {
        return Response.error(409, "segment " + s + (init ? "" : " fragment " + f) + " is not proven, or the server"
            + " holds no key: it is not played");
      }
      if (init) {
        accessed(r.id, query.get("view"));
      }
      byte[] bytes = init ? library.init(r, s) : library.fragment(r, s, f);
      return new Response(200, "video/mp4", bytes, Map.of());
    }
    return Response.error(read || method.equals("POST") ? 404 : 405, "nothing at " + rest);
  }

  private static Double seconds(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.NaN;
  }

  /** One ACCESSED entry per recording and page view (the page names its view when it fetches an init). */
  private void accessed(String recording, String view) throws IOException {
    if (ledger == null || view == null || view.length() > 64
        || viewsRecorded.putIfAbsent(recording + "/" + view, Boolean.TRUE) != null) {
      return;
    }
    synchronized (ledger) {
      ledger.append(List.of(ledger.entry(EntryType.ACCESSED, recording)
          .detail("via", "custody serve").detail("action", "played").build()));
    }
  }

  /** The list page's rows: filtered, sorted by start, one page of them. */
  private Map<String, Object> list(Map<String, String> q) {
    String device = blankToNull(q.get("device"));
    String officer = blankToNull(q.get("officer"));
    Instant from = date(q.get("from"), 0);
    Instant to = date(q.get("to"), 1);
    int offset = Math.max(0, integer(q.get("offset"), 0));
    int limit = Math.min(500, Math.max(1, integer(q.get("limit"), 50)));
    List<ViewerLibrary.Recording> all = library.listed();
    Set<String> devices = new TreeSet<>();
    Set<String> officers = new TreeSet<>();
    List<ViewerLibrary.Recording> matching = new ArrayList<>();
    for (ViewerLibrary.Recording r : all) {
      Object d = ViewerLibrary.descriptor(r, "device_id");
      Object o = ViewerLibrary.descriptor(r, "operator_id");
      if (d != null) {
        devices.add(d.toString());
      }
      if (o != null) {
        officers.add(o.toString());
      }
      Instant start = ViewerLibrary.start(r);
      if ((device == null || device.equals(d)) && (officer == null || officer.equals(o))
          && (from == null || !start.isBefore(from)) && (to == null || start.isBefore(to))) {
        matching.add(r);
      }
    }
    if (!"start".equals(q.get("sort"))) {
      matching.sort(Comparator.comparing(ViewerLibrary::start).reversed().thenComparing(r -> r.id));
    }
    List<Object> rows = new ArrayList<>();
    for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
      rows.add(library.summary(matching.get(i)));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", (long) matching.size());
    m.put("offset", (long) offset);
    m.put("limit", (long) limit);
    m.put("pending", (long) library.pending());
    m.put("devices", new ArrayList<>(devices));
    m.put("officers", new ArrayList<>(officers));
    m.put("recordings", rows);
    return m;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** A YYYY-MM-DD date as the UTC instant of its start ({@code plusDays} 1: of the next day), or null. */
  private static Instant date(String s, int plusDays) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(s).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static int integer(String s, int otherwise) {
    try {
      return s == null ? otherwise : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private boolean authorised(HttpExchange x) {
    String bearer = x.getRequestHeaders().getFirst("Authorization");
    if (bearer != null && bearer.startsWith("Bearer ") && same(bearer.substring(7), token)) {
      return true;
    }
    for (String header : x.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String c : header.split(";", -1)) {
        String[] kv = c.trim().split("=", 2);
        if (kv.length == 2 && kv[0].equals(cookie) && same(kv[1], token)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null) {
      return m;
    }
    for (String part : raw.split("&", -1)) {
      String[] kv = part.split("=", 2);
      m.putIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return m;
  }

  private static Response asset(String name, String type) throws IOException {
    try (InputStream in = ViewerServer.class.getResourceAsStream("viewer/" + name)) {
      if (in == null) {
        return Response.error(404, "no " + name);
      }
      return new Response(200, type, in.readAllBytes(), Map.of());
    }
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }

  /** The ledger's entries about each recording, read once and then as the log grows. */
  static final class ViewerHistory {
    private final LedgerOptions.Open ledger;
    private final Map<String, List<Map<String, Object>>> byRecording = new ConcurrentHashMap<>();
    private long read;

    ViewerHistory(LedgerOptions.Open ledger) {
      this.ledger = ledger;
    }

    synchronized List<Map<String, Object>> about(String recording) throws IOException {
      synchronized (ledger) {
        long size = ledger.size();
        List<LedgerEntry> added = ledger.entries(read, size);
        for (int i = 0; i < added.size(); i++) {
          LedgerEntry e = added.get(i);
          if (e.recordingId() != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", read + i);
            m.put("type", e.type().name());
            m.put("time", e.time().toString());
            m.put("actor", e.actor());
            m.put("reason", e.reason().orElse(null));
            m.put("segment", e.segmentIndex().isPresent() ? (Object) e.segmentIndex().getAsLong() : null);
            m.put("detail", e.details());
            byRecording.computeIfAbsent(e.recordingId(), k -> new ArrayList<>()).add(m);
          }
        }
        read = size;
      }
      return List.copyOf(byRecording.getOrDefault(recording, List.of()));
    }
  }
}
