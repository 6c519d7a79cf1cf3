package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.ledger.EntryType;
import io.custody.ledger.Ledger;
import io.custody.ledger.LedgerEntry;
import io.custody.ledger.LedgerKey;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custody ledger report}: a real recording and ledger made through the command line
 * (record, upload, verify, export with --ledger), then the PDF's text as poppler's pdftotext reads
 * it, and its attached proofs as pdfdetach extracts them.
 */
class LedgerReportIT {
  static final Path CLIPS = Paths.get(System.getProperty("custody.testdata", "../testdata/clips"));
  static final String ORIGIN = "test.example/custody";

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  static Result ok(String... args) {
    Result r = run(args);
    assertThat(r.exit()).as("custody %s%n%s%s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  /** Runs a poppler-utils tool; fails naming the script that installs it when it is missing. */
  static String poppler(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(command[0] + " (Debian's poppler-utils) is missing: run scripts/install-test-tools.sh (" + e.getMessage() + ")");
      throw e;
    }
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
    return text;
  }

  static String pdfText(Path pdf) throws IOException, InterruptedException {
    return poppler("pdftotext", "-layout", "-enc", "UTF-8", pdf.toString(), "-");
  }

  @Test
  void aCourtReadyReportOfOneRecording(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    Path ledgerKeys = dir.resolve("ledger-keys");
    ok("keys", "init", "--out", keys.toString());
    ok("keys", "init", "--ledger", "--out", ledgerKeys.toString());
    String ledgerKey = ledgerKeys.resolve("ledger.key").toString();
    String ledgerPub = ledgerKeys.resolve("ledger.pub").toString();
    String devicePub = keys.resolve("device.pub").toString();
    String ledger = "file:" + dir.resolve("ledger");
    Result init = ok("ledger", "init", "--ledger-key", ledgerKey, "--origin", ORIGIN, ledger);
    Matcher vk = Pattern.compile("verifier key (\\S+)").matcher(init.out());
    assertThat(vk.find()).as(init.out()).isTrue();
    String verifierKey = vk.group(1);

    Path evidence = dir.resolve("evidence");
    Result rec = ok("record", "--input", CLIPS.resolve("bwc-720p30-baseline.h264").toString(), "--pre-event", "30",
        "--trigger-at", "2", "--segment", "1", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", "file:" + evidence, "--device-id", "CAM-0042",
        "--operator-id", "PC-1234", "--json");
    String id = new ObjectMapper().readTree(rec.out()).get("recording").asText();
    String remote = "file:" + dir.resolve("remote");

    ok("upload", "--ledger", ledger, "--ledger-key", ledgerKey, "--actor", "dock-7", "--reason", "case 42",
        "file:" + evidence + "#" + id, remote);
    // Entries about another recording, between this one's: none of them may reach its report.
    try (BlobStore s = StoreRef.parse(ledger).open()) {
      Ledger l = Ledger.open(s, LedgerKey.fromPem(Files.readString(Paths.get(ledgerKey), StandardCharsets.UTF_8)));
      l.append(LedgerEntry.builder(EntryType.NOTE).actor("someone-else").recording("other-recording-77")
          .detail("text", "not about it").build());
      l.append(LedgerEntry.builder(EntryType.NOTE).actor("Sgt Zo\u00eb \u0141ukasz").recording(id)
          .detail("text", "seal intact").build());
      l.close();
    }
    ok("verify", "--device-pub", devicePub, "--ledger", ledger, "--ledger-key", ledgerKey, "--actor", "verifier-bot",
        "--reason", "case 42", remote + "#" + id);
    ok("export", "--key", keys.resolve("recipient.key").toString(), "--device-pub", devicePub, "-o",
        dir.resolve("out.mp4").toString(), "--ledger", ledger, "--ledger-key", ledgerKey, "--actor", "DC Smith",
        "--reason", "case 42", "--purpose", "CPS disclosure", "--requester", "CPS", remote + "#" + id);

    JsonNode history = new ObjectMapper().readTree(ok("ledger", "show", "--json", "--ledger-pub", ledgerPub, ledger, id).out());
    List<String> types = new ArrayList<>();
    history.forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).containsExactly("INGESTED", "INGESTED", "INGESTED", "INGESTED", "NOTE", "VERIFIED", "EXPORTED");
    String checkpoint = ok("ledger", "checkpoint", "--ledger-pub", ledgerPub, ledger).out();
    List<String> note = checkpoint.lines().toList();
    assertThat(note).hasSize(5);
    assertThat(note.get(0)).isEqualTo(ORIGIN);
    assertThat(note.get(1)).isEqualTo("8");
    assertThat(note.get(4)).startsWith("\u2014 " + ORIGIN + " ");

    // From the ledger alone.
    Path pdf = dir.resolve("report.pdf");
    Result r = ok("ledger", "report", "--ledger-pub", ledgerPub, ledger, id, "-o", pdf.toString());
    assertThat(r.out()).contains("7 entries").contains("the log verifies");
    String text = pdfText(pdf);
    List<String> lines = text.lines().map(String::strip).toList();
    assertThat(text).contains("Chain of custody report").contains(id).contains(ORIGIN)
        .contains("not recorded in the log")
        .contains("valid: all 8 entries verify")
        .contains(verifierKey)
        .contains("custody ledger check-proof")
        .contains("[U+0141]ukasz") // a character Helvetica cannot show is spelt out, not dropped
        .doesNotContain("other-recording-77").doesNotContain("someone-else")
        .doesNotContain("not checked against the force's key")
        .doesNotContain("CAM-0042"); // the device id is in the manifests, which this report did not read
    assertThat(lines).contains(note.get(0), note.get(1), note.get(2), note.get(4));
    assertHistoryInOrder(text, history);
    assertProofs(text, history);
    for (JsonNode e : history) {
      if (e.get("type").asText().equals("INGESTED")) {
        assertThat(text).contains(e.get("details").get("header_sha256").asText())
            .contains(e.get("details").get("object_sha256").asText());
      }
    }
    assertThat(text).containsPattern("Verification\\s+complete \\(the last VERIFIED entry: entry 6");

    // The attached proofs are the exact files: 'ledger check-proof' takes them as they come out.
    Path attached = Files.createDirectory(dir.resolve("attached"));
    poppler("pdfdetach", "-saveall", "-o", attached.toString(), pdf.toString());
    for (JsonNode e : history) {
      Path proof = attached.resolve("entry-" + e.get("index").asLong() + ".tlog-proof");
      Result check = ok("ledger", "check-proof", "--ledger-pub", ledgerPub, proof.toString());
      assertThat(check.out()).contains("proof holds: entry " + e.get("index").asLong());
    }
    assertThat(Files.readString(attached.resolve("checkpoint.txt"), StandardCharsets.UTF_8)).isEqualTo(checkpoint);

    // With the store: device, officer and times from the signed manifests, verified.
    Path verified = dir.resolve("verified.pdf");
    ok("ledger", "report", "--ledger-pub", ledgerPub, "--store", remote, "--device-pub", devicePub, ledger, id,
        "-o", verified.toString());
    String vtext = pdfText(verified);
    assertThat(vtext).contains(id).contains("CAM-0042").contains("PC-1234")
        .containsPattern("Start\\s+20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z")
        .containsPattern("End\\s+20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z")
        .contains("4 in the store")
        .contains("complete: every segment verifies")
        .contains("every segment object read (4) has the SHA-256 an INGESTED entry recorded")
        .doesNotContain("MISMATCH").doesNotContain("FAILED").doesNotContain("other-recording-77");
    assertHistoryInOrder(vtext, history);
    assertProofs(vtext, history);

    // Without the force's key, the report says so plainly.
    Path unchecked = dir.resolve("unchecked.pdf");
    Result u = ok("ledger", "report", ledger, id, "-o", unchecked.toString());
    assertThat(u.err()).contains("not checked against the force's key");
    assertThat(pdfText(unchecked)).contains("not checked against the force's key");

    // A recording with no entries, or a log signed by another key: one line, exit 1, no PDF at all.
    Path none = dir.resolve("none.pdf");
    Result missing = run("ledger", "report", "--ledger-pub", ledgerPub, ledger, "no-such-recording", "-o", none.toString());
    assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err().strip().lines()).hasSize(1).first().asString().contains("no-such-recording");
    assertThat(none).doesNotExist();
    Path otherKeys = dir.resolve("other-keys");
    ok("keys", "init", "--ledger", "--out", otherKeys.toString());
    Result wrongKey = run("ledger", "report", "--ledger-pub", otherKeys.resolve("ledger.pub").toString(), ledger, id,
        "-o", none.toString());
    assertThat(wrongKey.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(wrongKey.err().strip().lines()).hasSize(1);
    assertThat(none).doesNotExist();
    Result noSegments = run("ledger", "report", "--ledger-pub", ledgerPub, "--store", "file:" + dir.resolve("empty"),
        "--device-pub", devicePub, ledger, id, "-o", none.toString());
    assertThat(noSegments.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(none).doesNotExist();
    assertThat(run("ledger", "report", "--store", remote, ledger, id, "-o", none.toString()).exit()).isEqualTo(Main.USAGE);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  /** Every entry's table row (index, time, type, actor on one line), in the history's order. */
  static void assertHistoryInOrder(String text, JsonNode history) {
    int from = 0;
    for (JsonNode e : history) {
      String actor = e.get("actor").asText().replace("\u0141", "[U+0141]");
      Matcher m = Pattern.compile("(?m)^\\s*" + e.get("index").asLong() + "\\s+" + Pattern.quote(e.get("time").asText())
          + "\\s+" + e.get("type").asText() + "\\b.*" + Pattern.quote(actor)).matcher(text);
      assertThat(m.find(from)).as("the row of entry %s after offset %d in%n%s", e, from, text).isTrue();
      from = m.end();
    }
  }

  /** One proof per entry, in order: the tlog-proof header, then its index. */
  static void assertProofs(String text, JsonNode history) {
    String proofs = text.substring(text.indexOf("Inclusion proofs"));
    assertThat(Pattern.compile("(?m)^\\s*c2sp\\.org/tlog-proof@v1\\s*$").matcher(proofs).results().count())
        .isEqualTo(history.size());
    int from = 0;
    for (JsonNode e : history) {
      Matcher m = Pattern.compile("(?m)^\\s*c2sp\\.org/tlog-proof@v1\\s*\\n(?:.*\\n){1,20}?\\s*index "
          + e.get("index").asLong() + "\\s*$").matcher(proofs);
      assertThat(m.find(from)).as("the proof of entry %s", e).isTrue();
      from = m.end();
    }
  }
}
