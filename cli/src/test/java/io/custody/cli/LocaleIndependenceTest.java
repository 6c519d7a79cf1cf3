package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.testing.Locales;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record, verify and export under tr-TR, fa-IR, ar-SA and hi-IN (and a time zone 5:45 from UTC):
 * segment keys are {@code NNNNN.sealed} in ASCII digits, a recording made under one locale
 * verifies and exports under every other, and what verify, export and inspect print or write is
 * byte for byte what the root locale gives for the same store.
 */
@Timeout(300)
class LocaleIndependenceTest {
  static final Path CLIPS = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));

  record Result(int exit, String out, String err) {}

  static Result run(Locale locale, String... args) throws Exception {
    return Locales.under(locale, Locales.ODD_ZONE, () -> {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Result(exit, out.toString(), err.toString());
    });
  }

  @Test
  void recordVerifyAndExportAgreeAcrossLocales(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run(Locale.ROOT, "keys", "init", "--out", keys.toString()).exit()).isZero();
    String devicePub = keys.resolve("device.pub").toString();
    List<Locale> locales = Locales.HOSTILE;
    for (int i = 0; i < locales.size(); i++) {
      Locale recordedUnder = locales.get(i);
      Path store = dir.resolve("evidence-" + i);
      Result rec = run(recordedUnder, "record", "--input", CLIPS.resolve("bwc-720p30-baseline.h264").toString(),
          "--pre-event", "30", "--trigger-at", "2", "--segment", "1", "--device-key",
          keys.resolve("device.key").toString(), "--recipient", keys.resolve("recipient.pub").toString(),
          "--store", "file:" + store, "--json");
      assertThat(rec.exit()).as("record under %s: %s", recordedUnder, rec.err()).isZero();
      JsonNode json = new ObjectMapper().readTree(rec.out()); // ASCII numbers, or this throws
      String id = json.get("recording").asText();
      assertThat(json.get("segments").asInt()).isEqualTo(4);
      try (Stream<Path> files = Files.list(store.resolve(id))) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()))
            .as("segment keys under %s", recordedUnder)
            .containsExactly("00000.sealed", "00001.sealed", "00002.sealed", "00003.sealed");
      }
      String ref = "file:" + store + "#" + id;

      Result verifyRoot = run(Locale.ROOT, "verify", "--device-pub", devicePub, "--json", ref);
      Result inspectRoot = run(Locale.ROOT, "inspect", "--json", "--device-pub", devicePub,
          store.resolve(id).resolve("00000.sealed").toString());
      // The same file name in each directory: the chain-of-custody JSON names the file.
      Path rootMp4 = Files.createDirectories(dir.resolve("root-" + i)).resolve("out.mp4");
      assertThat(export(Locale.ROOT, keys, rootMp4, ref).exit()).isZero();
      for (Locale other : locales) {
        Result verify = run(other, "verify", "--device-pub", devicePub, "--json", ref);
        assertThat(verify.exit()).as("recorded under %s, verified under %s", recordedUnder, other).isZero();
        assertThat(verify.out()).isEqualTo(verifyRoot.out());
        Result text = run(other, "verify", "--device-pub", devicePub, ref);
        assertThat(text.out()).isEqualTo(run(Locale.ROOT, "verify", "--device-pub", devicePub, ref).out());
        assertThat(run(other, "inspect", "--json", "--device-pub", devicePub,
            store.resolve(id).resolve("00000.sealed").toString()).out()).isEqualTo(inspectRoot.out());
        Path mp4 = Files.createDirectories(dir.resolve("export-" + i + "-" + other.toLanguageTag())).resolve("out.mp4");
        Result exp = export(other, keys, mp4, ref);
        assertThat(exp.exit()).as("export under %s: %s", other, exp.err()).isZero();
        assertThat(Files.readAllBytes(mp4)).isEqualTo(Files.readAllBytes(rootMp4));
        assertThat(withoutExportTime(sibling(mp4, ".json"))).isEqualTo(withoutExportTime(sibling(rootMp4, ".json")));
      }
    }
  }

  private static Result export(Locale locale, Path keys, Path out, String ref) throws Exception {
    return run(locale, "export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", out.toString(), ref);
  }

  /** The chain-of-custody JSON's text less its "exported_at" (the one value that differs per run). */
  private static String withoutExportTime(Path json) throws Exception {
    String text = Files.readString(json, StandardCharsets.UTF_8);
    assertThat(text).contains("\"exported_at\"");
    return text.replaceAll("\"exported_at\":\"[^\"]*\"", "\"exported_at\":\"\"");
  }

  private static Path sibling(Path mp4, String extension) {
    String name = mp4.getFileName().toString();
    return mp4.resolveSibling(name.substring(0, name.length() - 4) + extension);
  }
}
