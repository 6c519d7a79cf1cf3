package io.custody.cli;

import static io.custody.cli.EvidenceCommandsIT.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.cli.EvidenceCommandsIT.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custody ledger through the command line: record → upload --ledger → verify --ledger →
 * export --ledger → ledger show lists the events in order → prove / check-proof → ledger verify,
 * and a tampered log fails verification.
 */
class LedgerCommandsIT {
  @Test
  void theLedgerLifecycle(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    Result lk = run("keys", "init", "--ledger", "--out", keys.toString());
    assertThat(lk.exit()).as(lk.err()).isZero();
    assertThat(Files.readString(keys.resolve("ledger.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(run("keys", "init", "--ledger", "--out", keys.toString()).exit()).isEqualTo(Main.BAD_INPUT);
    String ledger = "file:" + dir.resolve("ledger");
    Result init = run("ledger", "init", "--ledger-key", keys.resolve("ledger.key").toString(), "--origin",
        "test.example-police.uk/custody", ledger);
    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(init.out()).contains("test.example-police.uk/custody+");
    assertThat(run("ledger", "init", "--ledger-key", keys.resolve("ledger.key").toString(), "--origin",
        "test.example-police.uk/custody", ledger).exit()).as("a second log in one place").isEqualTo(Main.BAD_INPUT);

    Path spool = dir.resolve("spool");
    Result rec = run("record", "--input", EvidenceCommandsIT.CLIPS.resolve("bwc-720p30-baseline.h264").toString(),
        "--pre-event", "0", "--trigger-at", "0", "--segment", "1", "--device-key", keys.resolve("device.key").toString(),
        "--recipient", keys.resolve("recipient.pub").toString(), "--store", "file:" + spool, "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    String id = new ObjectMapper().readTree(rec.out()).get("recording").asText();
    int segments = new ObjectMapper().readTree(rec.out()).get("segments").asInt();
    String[] l = {"--ledger", ledger, "--ledger-key", keys.resolve("ledger.key").toString(), "--actor", "PC 1234"};
    String store = "file:" + dir.resolve("evidence");

    Result up = run(cat(new String[] {"upload", "--progress", "none", "--reason", "dock 7"}, l, "file:" + spool, store));
    assertThat(up.exit()).as(up.err()).isZero();
    assertThat(run("upload", "--progress", "none", "--ledger", ledger, "file:" + spool, store).exit())
        .as("--ledger without a key and an actor").isEqualTo(Main.USAGE);
    Result ver = run(cat(new String[] {"verify", "--device-pub", keys.resolve("device.pub").toString()}, l, store + "#" + id));
    assertThat(ver.exit()).as(ver.err()).isZero();
    Result exp = run(cat(new String[] {"export", "--key", keys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", dir.resolve("out.mp4").toString(), "--purpose", "CPS file",
        "--requester", "DC Smith"}, l, store + "#" + id));
    assertThat(exp.exit()).as(exp.err()).isZero();
    JsonNode exported = new ObjectMapper().readTree(dir.resolve("out.json").toFile());

    Result show = run("ledger", "show", "--json", ledger, id);
    assertThat(show.exit()).as(show.err()).isZero();
    JsonNode entries = new ObjectMapper().readTree(show.out());
    List<String> types = new ArrayList<>();
    entries.forEach(e -> types.add(e.get("type").asText()));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      expected.add("INGESTED");
    }
    expected.add("VERIFIED");
    expected.add("EXPORTED");
    assertThat(types).isEqualTo(expected);
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      assertThat(e.get("index").asLong()).isEqualTo(i);
      assertThat(e.get("actor").asText()).isEqualTo("PC 1234");
      assertThat(e.get("recording_id").asText()).isEqualTo(id);
      assertThat(e.has("time")).isTrue();
      assertThat(e.get("segment_index").isNull()).isEqualTo(i >= segments);
    }
    assertThat(entries.get(0).get("reason").asText()).isEqualTo("dock 7");
    assertThat(entries.get(segments).get("details").get("result").asText()).isEqualTo("complete");
    JsonNode export = entries.get(segments + 1).get("details");
    assertThat(export.get("export_sha256").asText()).isEqualTo(exported.get("mp4_sha256").asText());
    assertThat(export.get("requester").asText()).isEqualTo("DC Smith");
    Result csv = run("ledger", "show", "--csv", ledger);
    assertThat(csv.out().lines().count()).isEqualTo(1 + segments + 2L);

    Path proof = dir.resolve("e.tlog-proof");
    String pub = keys.resolve("ledger.pub").toString();
    assertThat(run("ledger", "prove", "--ledger-pub", pub, ledger, Integer.toString(segments + 1), "-o", proof.toString()).exit()).isZero();
    Result checked = run("ledger", "check-proof", "--ledger-pub", pub, proof.toString());
    assertThat(checked.exit()).as(checked.err()).isZero();
    assertThat(checked.out()).contains("proof holds").contains("EXPORTED");
    Path checkpoint = dir.resolve("seen.checkpoint");
    assertThat(run("ledger", "checkpoint", "--ledger-pub", pub, "-o", checkpoint.toString(), ledger).exit()).isZero();
    Result lv = run("ledger", "verify", "--ledger-pub", pub, "--since", checkpoint.toString(), ledger);
    assertThat(lv.exit()).as(lv.out() + lv.err()).isZero();
    assertThat(lv.out()).contains("OK");

    // another key's view: the proof and the log do not verify under it
    Path other = dir.resolve("other");
    run("keys", "init", "--ledger", "--out", other.toString());
    assertThat(run("ledger", "check-proof", "--ledger-pub", other.resolve("ledger.pub").toString(), proof.toString()).exit())
        .isEqualTo(Main.BAD_INPUT);
    // a changed entry in the log fails `ledger verify`, naming it
    Path bundle = dir.resolve("ledger/tile/entries/000.p/" + (segments + 2)); // the newest checkpoint's
    bundle.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(bundle);
    b[b.length - 5] ^= 1;
    Files.write(bundle, b);
    Result bad = run("ledger", "verify", "--ledger-pub", pub, ledger);
    assertThat(bad.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.out()).contains("ENTRY_CHANGED").contains("entry " + (segments + 1));
  }

  private static String[] cat(String[] head, String[] ledger, String... tail) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(ledger));
    all.addAll(List.of(tail));
    return all.toArray(new String[0]);
  }
}
