package io.custody.cli;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.register.DeviceRegister;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody serve}: the evidence viewer, a local web page over a store. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serves the evidence viewer: a web page listing every recording in the store with its"
        + " verification state, and for each its timeline of proof, GPS track, custody history and footage,"
        + " decrypted fragment by fragment in memory (no plaintext is written to disk).",
        "Listens on 127.0.0.1 only (--bind to change, with a warning) and prints the URL to open, with a random"
        + " access token; requests without it are refused, as are requests from other sites. Each request is"
        + " logged to standard error (time, address, method, path, status, bytes; never the token)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "1:the store, a key or the port cannot be used", "2:usage error"})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--key", paramLabel = "FILE|URI", description = "A recipient's X25519 private key (PEM file, or"
      + " pkcs11:token=T;object=O): to play, draw the GPS track and export. Without it, only lists and proofs.")
  String key;

  @Option(names = "--device-pub", paramLabel = "FILE", description = "The device's public key (PEM). Or --register.")
  Path devicePub;

  @picocli.CommandLine.Mixin RegisterOptions registerOptions;

  @picocli.CommandLine.Mixin LedgerOptions ledgerOptions;

  @Option(names = "--ledger-pub", paramLabel = "FILE", description = "The ledger's public key (PEM): checked"
      + " against --ledger-key, so the history shown is the force's ledger.")
  Path ledgerPub;

  @picocli.CommandLine.Mixin TokenOptions tokens;

  @Option(names = "--disclose-to", paramLabel = "FILE", description = "A disclosure recipient's X25519 public key"
      + " (PEM): an export of a selected range also writes a disclosure package for it (custody export --package"
      + " --to-recipient), recorded as DISCLOSED.")
  Path discloseTo;

  @Option(names = "--port", paramLabel = "N", description = "The port (default: a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "The address to listen on (default 127.0.0.1)."
      + " Anything else exposes the viewer beyond this machine: a warning is printed.")
  String bind = "127.0.0.1";

  @Option(names = "--exports", paramLabel = "DIR", description = "Where the export buttons write (default"
      + " ./custody-exports).")
  Path exportDir = Path.of("custody-exports");

  @Parameters(paramLabel = "STORE_URI", description = "The store of sealed recordings, e.g. file:./evidence or"
      + " s3://BUCKET/PREFIX.")
  String storeUri;

  /** The register, with --register (read at start). */
  private DeviceRegister register;

  /** Counted down to stop the server (tests; Ctrl-C stops the process). */
  final CountDownLatch stop = new CountDownLatch(1);

  /** The URL printed, once the server is up (tests read it). */
  volatile java.net.URI url;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((devicePub == null) == (registerOptions.register == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --device-pub FILE or --register (one of them)");
    }
    try {
      Optional<DevicePublicKey> device = devicePub == null ? Optional.empty()
          : Optional.of(DevicePublicKey.fromPem(Files.readString(devicePub)));
      Optional<RecipientPrivateKey> recipient = key == null ? Optional.empty() : Optional.of(tokens.recipientKey(key));
      InetAddress address = InetAddress.getByName(bind);
      if (!address.isLoopbackAddress()) {
        err.println("custody serve: WARNING: listening on " + bind + ": anyone who can reach this machine and has the"
            + " token can view the evidence; keep it on 127.0.0.1 unless you must");
      }
      LedgerOptions.Open ledger = ledgerOptions.open(spec);
      if (ledger != null && ledgerPub != null) {
        checkLedgerKey();
      }
      Optional<DeviceRegister> register = registerOptions.open(spec);
      this.register = register.orElse(null);
      Optional<RegisterVerdicts> verdicts = register.map(r -> {
        try {
          return new RegisterVerdicts(r, ledger == null ? Map.of() : ledger.ingested());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      try (ledger;
          ViewerLibrary library = new ViewerLibrary(StoreRef.parse(storeUri), device, register, verdicts, recipient);
          ViewerServer server = new ViewerServer(new InetSocketAddress(address, port), library, ledger,
              recipient.isPresent() ? this::export : null, err)) {
        library.scan();
        url = server.url();
        out.println("custody serve: " + storeUri + " at");
        out.println("    " + url);
        out.println("(open it in a browser on this machine; stop with Ctrl-C)");
        out.flush();
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          while (!stop.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            library.scan(); // recordings uploaded since
          }
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // shutting down already
          }
        }
      }
      return Main.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.OK;
    } catch (KeyFormatException e) {
      err.println("custody serve: bad key: " + e.getMessage());
    } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
      err.println("custody serve: " + e.getMessage());
    }
    return Main.BAD_INPUT;
  }

  private void checkLedgerKey() throws IOException {
    try {
      io.custody.ledger.LedgerPublicKey given = io.custody.ledger.LedgerPublicKey.fromPem(Files.readString(ledgerPub));
      io.custody.ledger.LedgerKey held = io.custody.ledger.LedgerKey.fromPem(Files.readString(ledgerOptions.ledgerKey));
      if (!held.publicKey().equals(given)) {
        throw new IllegalArgumentException("--ledger-pub is not the public key of --ledger-key");
      }
    } catch (KeyFormatException e) {
      throw new IllegalArgumentException("bad ledger key: " + e.getMessage(), e);
    }
  }

  /**
   * An export button: {@code custody export} of the recording (or of the span, as an excerpt) with
   * this server's keys, register and ledger, into --exports; so it is the same export, recorded in
   * the ledger the same way, as from the command line.
   */
  private Map<String, Object> export(String recording, Double from, Double to) throws IOException {
    Files.createDirectories(exportDir);
    String name = recording + (from == null ? "" : String.format(Locale.ROOT, "-%.3f-%.3f", from, to));
    String unique = name;
    for (int n = 2; Files.exists(exportDir.resolve(unique + ".mp4")) || Files.exists(exportDir.resolve(unique + ".cpkg"));
        n++) {
      unique = name + "-" + n;
    }
    Path mp4 = exportDir.resolve(unique + ".mp4");
    Path deviceKey = devicePub != null ? devicePub : registeredKey(recording);
    StringWriter said = new StringWriter();
    List<Path> written = new ArrayList<>(List.of(mp4, exportDir.resolve(unique + ".json")));
    try {
      List<String> span = from == null ? List.of() : List.of("--from", String.format(Locale.ROOT, "%.3f", from), "--to",
          String.format(Locale.ROOT, "%.3f", to));
      exportCommand(recording, deviceKey, span, List.of("-o", mp4.toString()), said);
      if (from != null && discloseTo != null) {
        Path pkg = exportDir.resolve(unique + ".cpkg");
        exportCommand(recording, deviceKey, span, List.of("--package", pkg.toString(), "--to-recipient",
            discloseTo.toString()), said);
        written.add(pkg);
      }
    } finally {
      if (deviceKey != devicePub) {
        Files.deleteIfExists(deviceKey);
      }
    }
    List<Object> files = new ArrayList<>();
    for (Path p : written) {
      if (Files.exists(p)) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("path", p.toAbsolutePath().toString());
        f.put("bytes", Files.size(p));
        f.put("sha256", sha256(p));
        files.add(f);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", files);
    m.put("log", said.toString().trim());
    return m;
  }

  /** Runs {@code custody export} on the recording with this server's keys, register and ledger, and {@code more}. */
  private void exportCommand(String recording, Path deviceKey, List<String> span, List<String> more, StringWriter said)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("export", "--key", key, "--device-pub", deviceKey.toString()));
    if (registerOptions.register != null) {
      args.addAll(List.of("--register", registerOptions.register, "--register-pub", registerOptions.registerPub.toString()));
    }
    if (ledgerOptions.ledger != null) {
      args.addAll(List.of("--ledger", ledgerOptions.ledger, "--ledger-key", ledgerOptions.ledgerKey.toString(),
          "--actor", ledgerOptions.actor, "--purpose", "exported from custody serve"));
      if (ledgerOptions.reason != null) {
        args.addAll(List.of("--reason", ledgerOptions.reason));
      }
    }
    if (tokens.module != null) {
      args.addAll(List.of("--pkcs11-module", tokens.module.toString()));
    }
    if (tokens.pinFile != null) {
      args.addAll(List.of("--pin-file", tokens.pinFile.toString()));
    }
    args.addAll(span);
    args.addAll(more);
    args.add(StoreRef.parse(storeUri).store + "#" + recording);
    int code;
    synchronized (this) { // one export at a time: each one reads and writes whole recordings
      code = Main.run(new PrintWriter(said), new PrintWriter(said), args.toArray(String[]::new));
    }
    if (code != Main.OK) {
      throw new ViewerServer.Refused("export refused: " + said.toString().trim());
    }
  }

  /**
   * With --register: the public key (PEM, in a file for the export command) of the device that
   * signed the recording's first segment, as the register holds it; export then checks every
   * segment against it and the register judges it, as from the command line.
   */
  private Path registeredKey(String recording) throws IOException {
    StoreRef ref = StoreRef.parse(storeUri + "#" + recording);
    String keyId;
    try (io.custody.storage.BlobStore store = ref.open()) {
      List<String> keys = ref.segments(store).getOrDefault(recording, List.of());
      if (keys.isEmpty()) {
        throw new IOException("no segments of " + recording);
      }
      keyId = io.custody.seal.SegmentClaims.header(store, keys.get(0)).deviceKeyIdHex();
    }
    DevicePublicKey device = register.device(keyId).orElseThrow(() -> new ViewerServer.Refused(
        "the recording is signed by device key " + keyId + ", which the register does not hold")).publicKey();
    Path file = Files.createTempFile(exportDir, "device-", ".pub");
    Files.writeString(file, device.toPem());
    return file;
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
