package io.custody.cli;

import java.util.Locale;
import io.custody.json.Json;
import io.custody.h264.H264FormatException;
import io.custody.h264.SequenceParameterSet;
import io.custody.h264.StreamSummary;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code custody inspect}: the facts of an H.264 Annex-B stream, or of sealed segments (what their
 * clear parts say, without decrypting), for a person or as JSON.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {"Prints the facts of an H.264 Annex-B stream (size, profile, level, frame rate,"
        + " access units and keyframes), or of sealed evidence: a segment file, STORE#RECORDING_ID or a"
        + " whole store (URI as for verify).",
        "For sealed segments it reads only the clear parts, without any key: header, recipients' key"
        + " ids, records, fragments, time range, tracks and the manifest. These are what the file"
        + " claims; --device-pub also checks the signatures, and --key (with --device-pub) decrypts"
        + " the initialization part to add the stream facts (picture size, profile, frame rate)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:unreadable or malformed input", "2:usage error"})
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--device-pub", paramLabel = "FILE", description = "Also verify sealed segments with the device's public key (PEM, Ed25519 or P-256).")
  Path devicePub;

  @Option(names = "--key", paramLabel = "FILE|URI", description = "A recipient's X25519 private key (PEM), or"
      + " pkcs11:token=T;object=O for one held in a token: add stream facts (needs --device-pub).")
  Path key;

  @picocli.CommandLine.Mixin TokenOptions tokens;

  @Option(names = "--c2pa", description = "Read the C2PA Content Credentials of an MP4: what they say and whether"
      + " they hold (signature, hashed assertions, the hard binding); with --c2pa-anchors, whether the signer is"
      + " trusted.")
  boolean c2pa;

  @Option(names = "--c2pa-anchors", paramLabel = "FILE", description = "Trusted CA certificates (PEM), e.g. the"
      + " force's ca.pem.")
  String c2paAnchors;

  @Parameters(paramLabel = "FILE|URI", description = "H.264 Annex-B file, - for standard input, a sealed segment file, or a store URI.")
  String file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (key != null && devicePub == null) {
      err.println("custody inspect: --key needs --device-pub (only verified data is decrypted)");
      return Main.USAGE;
    }
    if (c2pa) {
      return inspectC2pa(out, err);
    }
    if (SealedInspection.names(file)) {
      try {
        return new SealedInspection(out, err, json, devicePub, key, tokens).inspect(file);
      } finally {
        tokens.close();
      }
    }
    StreamSummary s;
    try (InputStream in = open(file)) {
      s = StreamSummary.read(in);
    } catch (NoSuchFileException e) {
      err.println("custody inspect: " + file + ": no such file");
      return Main.BAD_INPUT;
    } catch (IOException e) {
      err.println("custody inspect: " + file + ": cannot read: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (H264FormatException e) {
      err.println("custody inspect: " + file + ": not a valid H.264 Annex-B stream: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    if (json) {
      out.println(toJson(file, s));
    } else {
      printText(out, file, s);
    }
    out.flush();
    return Main.OK;
  }

  private static InputStream open(String file) throws IOException {
    if (file.equals("-")) {
      return System.in;
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new IOException("is a directory");
    }
    return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
  }

  static String toJson(String file, StreamSummary s) {
    SequenceParameterSet sps = s.sps();
    return Json.object()
        .put("file", file)
        .put("codec", "h264")
        .put("width", s.width())
        .put("height", s.height())
        .put("profile", sps.profileName())
        .put("profile_idc", s.profileIdc())
        .put("level_idc", s.levelIdc())
        .put("chroma_format_idc", sps.chromaFormatIdc())
        .put("bit_depth", sps.bitDepthLuma())
        .put("interlaced", !sps.frameMbsOnly())
        .put("fps", s.fps())
        .put("access_units", s.accessUnits())
        .put("keyframes", s.keyframes())
        .put("nal_units", s.nalUnits())
        .put("bytes", s.bytes())
        .put("sps_changes", s.parameterSetChanges())
        .toString();
  }

  private static void printText(PrintWriter out, String file, StreamSummary s) {
    SequenceParameterSet sps = s.sps();
    String chroma = new String[] {"4:0:0", "4:2:0", "4:2:2", "4:4:4"}[sps.chromaFormatIdc()];
    out.printf(Locale.ROOT, "file:          %s (%,d bytes)%n", file, s.bytes());
    out.printf(Locale.ROOT, "codec:         H.264 %s (profile_idc %d), level %d.%d%n",
        sps.profileName(), s.profileIdc(), s.levelIdc() / 10, s.levelIdc() % 10);
    out.printf(Locale.ROOT, "picture:       %dx%d, %s, %d-bit, %s%n", s.width(), s.height(), chroma,
        sps.bitDepthLuma(), sps.frameMbsOnly() ? "progressive" : "interlaced");
    out.printf(Locale.ROOT, "frame rate:    %s%n", s.fps() > 0 ? trim(s.fps()) + " fps" : "not signalled");
    out.printf(Locale.ROOT, "access units:  %d%n", s.accessUnits());
    out.printf(Locale.ROOT, "keyframes:     %d at %s%n", s.keyframes().size(), abbreviate(s));
    if (s.parameterSetChanges() > 0) {
      out.printf(Locale.ROOT, "SPS changes:   %d (stream-level facts are those of the first SPS)%n",
          s.parameterSetChanges());
    }
  }

  private static String abbreviate(StreamSummary s) {
    int shown = 12;
    String list = s.keyframes().stream().limit(shown).map(String::valueOf)
        .collect(Collectors.joining(", "));
    return s.keyframes().size() > shown ? list + ", ..." : list;
  }

  private static String trim(double fps) {
    return fps == Math.rint(fps) ? String.valueOf((long) fps) : String.format(java.util.Locale.ROOT, "%.3f", fps);
  }

  /** {@code --c2pa}: Custody's own reading of the file's manifest (docs/C2PA.md). */
  private int inspectC2pa(PrintWriter out, PrintWriter err) {
    try {
      java.util.List<java.security.cert.X509Certificate> anchors =
          C2paOptions.anchors(c2paAnchors == null ? null : java.nio.file.Path.of(c2paAnchors));
      java.util.Optional<io.custody.c2pa.C2paReader.Report> r = io.custody.c2pa.C2paReader.read(java.nio.file.Path.of(file),
          anchors);
      if (r.isEmpty()) {
        err.println("custody inspect: " + file + ": no C2PA manifest");
        return Main.BAD_INPUT;
      }
      io.custody.c2pa.C2paReader.Report m = r.get();
      if (json) {
        out.println(io.custody.c2pa.C2paReader.toJson(m));
      } else {
        out.println(file + ": C2PA manifest " + m.label());
        out.println("  signed by " + m.signer().getSubjectX500Principal().getName() + " (issued by "
            + m.signer().getIssuerX500Principal().getName() + ")"
            + (c2paAnchors == null ? "" : m.trusted() ? ", trusted" : ", NOT trusted by " + c2paAnchors));
        out.println("  " + (m.valid() ? "intact: signature, hashed assertions and hard binding hold"
            : "FAILED: " + String.join(", ", m.failures())));
        m.timestamp().ifPresent(t -> out.println("  time-stamped " + t.time() + " by "
            + t.authority().getSubjectX500Principal().getName()
            + (c2paAnchors == null ? "" : t.trusted() ? ", trusted" : ", NOT trusted by " + c2paAnchors)));
        m.assertions().forEach((label, v) -> {
          if (!label.startsWith("c2pa.hash")) {
            out.println("  " + label + ": " + v);
          }
        });
      }
      out.flush();
      return m.valid() && (c2paAnchors == null || m.trusted()) ? Main.OK : Main.BAD_INPUT;
    } catch (IOException e) {
      err.println("custody inspect: " + file + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
  }
}
