package io.custody.cli;

import io.custody.c2pa.C2paSigner;
import io.custody.c2pa.SigningCredentials;
import io.custody.ledger.TimestampAuthority;
import io.custody.ledger.TimestampException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --c2pa --c2pa-cert FILE [--c2pa-key FILE]}: export with C2PA Content Credentials, signed
 * with the force's export certificate (docs/C2PA.md). A PKCS#12 file's password comes from the
 * environment ({@value #PASSWORD_ENV}), never from the command line.
 */
final class C2paOptions {
  static final String PASSWORD_ENV = "CUSTODY_C2PA_PASSWORD";
  /** The generator named in every claim. */
  static final String VERSION = "0.1.0";

  @Option(names = "--c2pa", description = "Embed C2PA Content Credentials in each MP4, signed with --c2pa-cert.")
  boolean enabled;

  @Option(names = "--c2pa-cert", paramLabel = "FILE", description = "The export certificate chain (PEM, signing"
      + " certificate first; custody keys export-cert makes one), or a PKCS#12 file (.p12, .pfx; its password in $"
      + PASSWORD_ENV + ").")
  Path cert;

  @Option(names = "--c2pa-key", paramLabel = "FILE", description = "The export certificate's private key (PEM), with a"
      + " PEM --c2pa-cert.")
  Path key;

  @Option(names = "--c2pa-tsa", paramLabel = "URL", description = "An RFC 3161 time-stamping authority: each"
      + " manifest's signature is time-stamped (sigTst2), so validators check the export certificate at that time and"
      + " the credentials outlive it. With --c2pa-tsa-cert.")
  URI tsa;

  @Option(names = "--c2pa-tsa-cert", paramLabel = "FILE", description = "The authority's certificate (PEM): every"
      + " token must be signed with it.")
  Path tsaCert;

  /** The export certificate and the time-stamping authority (null: none) that sign each manifest. */
  record Signing(SigningCredentials credentials, C2paSigner.Timestamper timestamper) {}

  /** What signs, read before any work (a wrong file fails the command first); null without --c2pa. */
  Signing open(CommandSpec spec) throws IOException, GeneralSecurityException {
    if (!enabled) {
      if (cert != null || key != null || tsa != null || tsaCert != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--c2pa-cert, --c2pa-key, --c2pa-tsa and --c2pa-tsa-cert go with --c2pa");
      }
      return null;
    }
    if (cert == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--c2pa needs --c2pa-cert FILE");
    }
    if ((tsa == null) != (tsaCert == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--c2pa-tsa and --c2pa-tsa-cert go together");
    }
    C2paSigner.Timestamper timestamper = null;
    if (tsa != null) {
      TimestampAuthority authority = TimestampAuthority.of(tsa,
          TimestampAuthority.certificateFromPem(Files.readString(tsaCert, StandardCharsets.US_ASCII)));
      timestamper = data -> {
        try {
          return authority.timestamp(data);
        } catch (TimestampException e) {
          throw new IOException("time-stamping authority: " + e.getMessage(), e);
        }
      };
    }
    return new Signing(credentials(spec), timestamper);
  }

  private SigningCredentials credentials(CommandSpec spec) throws IOException, GeneralSecurityException {
    String name = cert.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      if (key != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "a PKCS#12 --c2pa-cert holds its key: no --c2pa-key");
      }
      String password = System.getenv(PASSWORD_ENV);
      return SigningCredentials.fromPkcs12(cert, (password == null ? "" : password).toCharArray());
    }
    if (key == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "a PEM --c2pa-cert needs --c2pa-key FILE");
    }
    return SigningCredentials.fromPemFiles(cert, key);
  }

  /** The first action of every manifest: the camera captured the footage. */
  static Map<String, Object> created(String when, String deviceId) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("action", "c2pa.created");
    a.put("digitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
    a.put("when", when);
    a.put("description", "recorded by body-worn camera " + (deviceId.isEmpty() ? "(no id)" : deviceId)
        + ", sealed and signed on the camera");
    return a;
  }

  /** What Custody did: decrypted and exported (an excerpt when {@code span} is not null). */
  static Map<String, Object> exported(String when, String span) {
    Map<String, Object> a = new LinkedHashMap<>();
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("name", "Custody");
    agent.put("version", VERSION);
    if (span == null) {
      a.put("action", "c2pa.repackaged");
      a.put("description", "decrypted and exported whole: the camera's fragments, byte for byte");
    } else {
      a.put("action", "c2pa.edited");
      a.put("description", "an excerpt (a trim in time): the camera's fragments " + span + ", byte for byte");
      a.put("parameters", Map.of("io.custody.span", span));
    }
    a.put("when", when);
    a.put("softwareAgent", agent);
    return a;
  }

  /**
   * Signs {@code mp4} in place (through a temporary file renamed over it) and returns the SHA-256
   * of the signed file.
   */
  static String sign(Signing signing, Path mp4, String title, List<Map<String, Object>> actions,
      Map<String, Object> custody) throws IOException, GeneralSecurityException {
    C2paSigner.Builder b = C2paSigner.builder(signing.credentials()).title(title).generator("Custody", VERSION)
        .assertion("io.custody.evidence", custody);
    if (signing.timestamper() != null) {
      b.timestamper(signing.timestamper());
    }
    actions.forEach(b::action);
    Path signed = mp4.resolveSibling(mp4.getFileName() + ".c2pa");
    try {
      b.build().sign(mp4, signed);
      Files.move(signed, mp4, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(signed);
    }
    return sha256(mp4);
  }

  /** The CA certificates (PEM) in {@code file}: the trust anchors of a C2PA reading (none: null file). */
  static List<java.security.cert.X509Certificate> anchors(Path file) throws IOException {
    List<java.security.cert.X509Certificate> anchors = new java.util.ArrayList<>();
    if (file == null) {
      return anchors;
    }
    try (InputStream in = Files.newInputStream(file)) {
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(in)) {
        anchors.add((java.security.cert.X509Certificate) c);
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("cannot read the anchors " + file + ": " + e.getMessage(), e);
    }
    if (anchors.isEmpty()) {
      throw new IOException("no certificate in the anchors " + file);
    }
    return anchors;
  }

  static String sha256(Path p) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = new byte[1 << 16];
      for (int n; (n = in.read(b)) > 0; ) {
        sha.update(b, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
