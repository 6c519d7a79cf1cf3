package io.custody.cli;

import java.util.Locale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code custody demo}: the README's first command. Makes keys (once), records the bundled sample
 * clip with a 30 s pre-event window and a trigger into a file: store, verifies it with the device's
 * public key only, and exports it to a playable MP4.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Records the bundled sample clip (30 s pre-event window, trigger at 2 s) into"
        + " ./evidence with fresh keys in ./custody-keys, verifies it and exports it to an MP4.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--clip", defaultValue = "testdata/clips/bwc-1080p30-high.h264", description = "H.264 input (default ${DEFAULT-VALUE}).")
  Path clip;

  @Option(names = "--audio", defaultValue = "testdata/clips/bwc-1080p30-audio.aac", description = "AAC input (default ${DEFAULT-VALUE}).")
  Path audio;

  @Option(names = "--store", defaultValue = "evidence", description = "Directory of the file: store (default ${DEFAULT-VALUE}).")
  Path store;

  @Option(names = "--keys", defaultValue = "custody-keys", description = "Key directory (default ${DEFAULT-VALUE}).")
  Path keys;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.exists(keys.resolve("device.key"))) {
      if (run(out, err, "keys", "init", "--out", keys.toString()) != Main.OK) {
        return Main.BAD_INPUT;
      }
    }
    StringWriter json = new StringWriter();
    int rc = Main.run(new PrintWriter(json, true), err, "record", "--input", clip.toString(), "--audio",
        audio.toString(), "--pre-event", "30", "--trigger-at", "2", "--segment", "60", "--device-key",
        keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
        "--store", "file:" + store, "--device-id", "DEMO-CAM-1", "--json");
    if (rc != Main.OK) {
      return rc;
    }
    String id = json.toString().replaceAll("(?s).*\"recording\":\"([^\"]+)\".*", "$1").trim();
    out.printf(Locale.ROOT, "recorded %s into %s (sealed)%n", id, store);
    String ref = "file:" + store + "#" + id;
    if (run(out, err, "verify", "--device-pub", keys.resolve("device.pub").toString(), ref) != Main.OK) {
      return Main.BAD_INPUT;
    }
    Path mp4 = Path.of("evidence-export", id + ".mp4");
    try {
      Files.createDirectories(mp4.getParent());
    } catch (java.io.IOException e) {
      err.println("custody demo: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    if (run(out, err, "export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", mp4.toString(), ref) != Main.OK) {
      return Main.BAD_INPUT;
    }
    out.printf(Locale.ROOT, "%nplay it:   ffplay %s%ncustody:   %s%n", mp4, mp4.resolveSibling(id + ".json"));
    out.flush();
    return Main.OK;
  }

  private static int run(PrintWriter out, PrintWriter err, String... args) {
    return Main.run(out, err, args);
  }
}
