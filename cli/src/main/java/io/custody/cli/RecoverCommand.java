package io.custody.cli;

import java.util.Locale;
import io.custody.crypto.KeyFormatException;
import io.custody.crypto.Signer;
import io.custody.json.Json;
import io.custody.seal.Recovery;
import io.custody.seal.RecoveryReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody recover}: closes recordings whose writer died (power cut, kill -9). */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = "Closes every recording whose writer was killed: each segment left half-written"
        + " (.NNNNN.sealed.part) is checked and written as NNNNN.sealed with every complete"
        + " fragment, signed and marked recovered; the original is left as it was. Runs on the"
        + " device, with its signing key. URI: a file: store or STORE#RECORDING_ID.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing to do, or everything recovered", "1:a segment cannot be recovered (tampered), or bad input",
        "2:usage error"})
final class RecoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--device-key", required = true, paramLabel = "FILE|URI",
      description = "The device's private key: a PEM file (Ed25519 or P-256), or pkcs11:token=T;object=O for a key"
          + " held in a token (with --pkcs11-module and --pin-file, or their environment variables).")
  String deviceKey;

  @picocli.CommandLine.Mixin TokenOptions tokens;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Parameters(paramLabel = "URI", description = "file:DIR or file:DIR#RECORDING_ID.")
  String uri;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Signer signer = tokens.deviceSigner(deviceKey);
      StoreRef ref = StoreRef.parse(uri);
      Path root = ref.directory().orElseThrow(() -> new IllegalArgumentException(
          "recover works on the device's local file: store"));
      List<Object> recordings = new ArrayList<>();
      boolean failed = false;
      List<Path> dirs = new ArrayList<>();
      if (ref.recording.isPresent()) {
        dirs.add(root.resolve(ref.recording.get()));
      } else if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.list(root)) {
          s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(dirs::add);
        }
      }
      for (Path dir : dirs) {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".*.sealed.part")) {
          for (Path part : parts) {
            String name = part.getFileName().toString();
            Path target = dir.resolve(name.substring(1, name.length() - ".part".length()));
            if (Files.exists(target)) {
              continue; // recovered before
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recording", dir.getFileName().toString());
            m.put("segment", target.getFileName().toString());
            try {
              RecoveryReport r = Recovery.recover(part, target, signer);
              m.put("fragments", r.fragmentsKept());
              m.put("kept_bytes", r.keptBytes());
              m.put("lost_bytes", r.lostBytes());
              m.put("partial_fragment_lost", r.partialFragmentLost());
              if (!json) {
                out.printf(Locale.ROOT, "recording %s: %s recovered with %d fragment(s); lost %d bytes (%s)%n",
                    dir.getFileName(), target.getFileName(), r.fragmentsKept(), r.lostBytes(),
                    r.partialFragmentLost() ? "the fragment being written" : "nothing of a fragment");
              }
            } catch (IOException e) {
              failed = true;
              m.put("error", e.getMessage());
              err.println("custody recover: " + part + ": " + e.getMessage());
            }
            recordings.add(m);
          }
        }
      }
      if (json) {
        out.println(Json.object().put("recordings", recordings).toString());
      } else if (recordings.isEmpty()) {
        out.println("nothing to recover at " + ref);
      }
      out.flush();
      return failed ? Main.BAD_INPUT : Main.OK;
    } catch (KeyFormatException e) {
      err.println("custody recover: bad device key: " + e.getMessage());
    } catch (io.custody.pkcs11.Pkcs11Exception | io.custody.crypto.SigningException e) {
      err.println("custody recover: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      err.println("custody recover: " + e.getMessage());
    } finally {
      tokens.close();
    }
    return Main.BAD_INPUT;
  }
}
