package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disclosure through the command line, as a new user would: a 60 s recording of 3 segments with
 * 1 s fragments (a clip made here by x264 through ffmpeg), excerpts at its start, inside its first
 * segment, across a segment boundary and at its end, each frame-exact (ffmpeg framemd5 against
 * the whole export); a package for one recipient that another key cannot open and that holds no
 * record outside its span (checked by parsing the package here, not by trusting the writer); and
 * every tamper the issue lists, each refused and located.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DisclosureIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int FPS = 25;

  @TempDir static Path dir;
  Path keys;
  Path discloseKeys;
  String ref;
  String otherRef;
  List<String> whole;

  static EvidenceCommandsIT.Result run(String... args) {
    return EvidenceCommandsIT.run(args);
  }

  static Path clip(Path dir, String name, int seconds) throws Exception {
    Path clip = dir.resolve(name);
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=" + FPS, "-t", Integer.toString(seconds), "-c:v", "libx264", "-profile:v", "main",
        "-g", Integer.toString(FPS), "-keyint_min", Integer.toString(FPS), "-sc_threshold", "0", "-bf", "2",
        "-threads", "1", "-f", "h264", clip.toString()).inheritIO().start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return clip;
  }

  String record(Path clip, Path store) throws Exception {
    EvidenceCommandsIT.Result rec = run("record", "--input", clip.toString(), "--pre-event", "30", "--trigger-at", "1",
        "--segment", "20", "--device-key", keys.resolve("device.key").toString(), "--recipient",
        keys.resolve("recipient.pub").toString(), "--store", "file:" + store, "--device-id", "cam-7",
        "--operator-id", "pc-1234", "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    return "file:" + store + "#" + JSON.readTree(rec.out()).get("recording").asText();
  }

  @BeforeAll
  void recordAndExportWhole() throws Exception {
    keys = dir.resolve("keys");
    discloseKeys = dir.resolve("cps");
    assertThat(run("keys", "init", "--out", keys.toString()).exit()).isZero();
    assertThat(run("keys", "init", "--out", discloseKeys.toString()).exit()).isZero();
    ref = record(clip(dir, "clip.h264", 60), dir.resolve("evidence"));
    otherRef = record(clip(dir, "other.h264", 10), dir.resolve("other"));
    Path mp4 = dir.resolve("whole.mp4");
    EvidenceCommandsIT.Result exp = export("-o", mp4.toString(), ref);
    assertThat(exp.exit()).as(exp.err()).isZero();
    whole = EvidenceCommandsIT.frameMd5(mp4);
    assertThat(whole).hasSize(60 * FPS);
    JsonNode manifests = JSON.readTree(Files.readString(dir.resolve("whole.json"))).get("manifests");
    assertThat(manifests).hasSize(3);
    for (JsonNode m : manifests) {
      assertThat(m.get("fragments")).hasSize(20);
    }
  }

  EvidenceCommandsIT.Result export(String... args) {
    List<String> a = new ArrayList<>(List.of("export", "--key", keys.resolve("recipient.key").toString(),
        "--device-pub", keys.resolve("device.pub").toString()));
    a.addAll(List.of(args));
    return run(a.toArray(new String[0]));
  }

  EvidenceCommandsIT.Result verify(Path pkg, String... more) {
    List<String> a = new ArrayList<>(List.of("verify", "--device-pub", keys.resolve("device.pub").toString()));
    a.addAll(List.of(more));
    a.add(pkg.toString());
    return run(a.toArray(new String[0]));
  }

  /** Exports [from, to] as an MP4 and checks it holds exactly the source frames from..to-1. */
  JsonNode excerpt(String name, String from, String to, int firstFrame, int endFrame) throws Exception {
    Path mp4 = dir.resolve(name + ".mp4");
    EvidenceCommandsIT.Result r = export("--from", from, "--to", to, "-o", mp4.toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(mp4)).isEqualTo(whole.subList(firstFrame, endFrame));
    JsonNode j = JSON.readTree(Files.readString(dir.resolve(name + ".json")));
    assertThat(j.at("/requested/from").asText()).isEqualTo(from);
    assertThat(j.at("/requested/to").asText()).isEqualTo(to);
    assertThat(new java.math.BigDecimal(j.at("/covered/from_seconds").asText()))
        .isEqualByComparingTo(java.math.BigDecimal.valueOf(firstFrame).divide(java.math.BigDecimal.valueOf(FPS)));
    assertThat(new java.math.BigDecimal(j.at("/covered/to_seconds").asText()))
        .isEqualByComparingTo(java.math.BigDecimal.valueOf(endFrame).divide(java.math.BigDecimal.valueOf(FPS)));
    return j;
  }

  @Test
  void excerptsAreFrameExactAtTheStartInsideAcrossASegmentBoundaryAndAtTheEnd() throws Exception {
    JsonNode start = excerpt("start", "0", "1.5", 0, 2 * FPS);
    assertThat(start.get("starts_recording").asBoolean()).isTrue();
    assertThat(start.get("ends_recording").asBoolean()).isFalse();
    JsonNode inside = excerpt("inside", "5", "8.2", 5 * FPS, 9 * FPS);
    assertThat(inside.get("pieces")).hasSize(1);
    assertThat(inside.get("starts_recording").asBoolean()).isFalse();
    JsonNode across = excerpt("across", "18.5", "21.2", 18 * FPS, 22 * FPS);
    assertThat(across.get("pieces").toString())
        .isEqualTo("[{\"segment_index\":0,\"first_fragment\":18,\"last_fragment\":19},"
            + "{\"segment_index\":1,\"first_fragment\":0,\"last_fragment\":1}]");
    JsonNode end = excerpt("end", "58.04", "60", 58 * FPS, 60 * FPS);
    assertThat(end.get("ends_recording").asBoolean()).isTrue();
    // Wall-clock bounds select the same fragments as the seconds they are.
    String from = inside.at("/covered/from").asText();
    Path mp4 = dir.resolve("wall.mp4");
    EvidenceCommandsIT.Result r = export("--from", from, "--to", java.time.Instant.parse(from).plusMillis(3200).toString(),
        "-o", mp4.toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(mp4)).isEqualTo(whole.subList(5 * FPS, 9 * FPS));
    // A span outside the recording is a one-line error, and leaves nothing.
    EvidenceCommandsIT.Result late = export("--from", "61", "--to", "70", "-o", dir.resolve("late.mp4").toString(), ref);
    assertThat(late.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(late.err()).contains("after the recording ends");
    assertThat(dir.resolve("late.mp4")).doesNotExist();
  }

  Path disclose(String name, String from, String to) {
    Path pkg = dir.resolve(name + ".cpkg");
    EvidenceCommandsIT.Result r = export("--from", from, "--to", to, "--package", pkg.toString(), "--to-recipient",
        discloseKeys.resolve("recipient.pub").toString(), ref);
    assertThat(r.exit()).as(r.err()).isZero();
    return pkg;
  }

  @Test
  void aPackageProvesItsSpanOpensOnlyForItsRecipientAndHoldsNothingElse() throws Exception {
    Path pkg = disclose("across", "18.5", "21.2");
    EvidenceCommandsIT.Result v = verify(pkg);
    assertThat(v.exit()).as(v.out()).isZero();
    assertThat(v.out()).contains("fragments 18 to 19 of segment 0, then fragments 0 to 1 of segment 1, contiguous"
        + " across segments").contains("device cam-7").contains("operator pc-1234")
        .contains("18 s to 22 s from the recording's start").contains("does not start the recording; does not end");
    JsonNode j = JSON.readTree(verify(pkg, "--json").out());
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("recipient_key_id").asText()).isNotEmpty();
    // Its recipient exports the frames; the force's own key, not being the recipient, cannot.
    Path mp4 = dir.resolve("from-package.mp4");
    EvidenceCommandsIT.Result r = run("export", "--key", discloseKeys.resolve("recipient.key").toString(), "--device-pub",
        keys.resolve("device.pub").toString(), "-o", mp4.toString(), pkg.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(mp4)).isEqualTo(whole.subList(18 * FPS, 22 * FPS));
    EvidenceCommandsIT.Result wrong = export("-o", dir.resolve("wrong.mp4").toString(), pkg.toString());
    assertThat(wrong.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(wrong.err()).contains("not for key");
    assertThat(dir.resolve("wrong.mp4")).doesNotExist();
    // Open keys (a public release): anyone exports it, with no key.
    Path open = dir.resolve("open.cpkg");
    EvidenceCommandsIT.Result o = export("--from", "58.5", "--to", "60", "--package", open.toString(), "--open", ref);
    assertThat(o.exit()).as(o.err()).isZero();
    EvidenceCommandsIT.Result ov = verify(open);
    assertThat(ov.out()).contains("keys: open").contains("ends the recording").contains("fragments 18 to 19 of segment 2");
    Path openMp4 = dir.resolve("open.mp4");
    EvidenceCommandsIT.Result ox = run("export", "--device-pub", keys.resolve("device.pub").toString(), "-o",
        openMp4.toString(), open.toString());
    assertThat(ox.exit()).as(ox.err()).isZero();
    assertThat(EvidenceCommandsIT.frameMd5(openMp4)).isEqualTo(whole.subList(58 * FPS, 60 * FPS));
    // Parsed here: every record it holds whole belongs to the span's fragments, INIT, or the
    // records that close a piece; every other record is only a hash.
    Pkg p = Pkg.parse(Files.readAllBytes(pkg));
    assertThat(p.pieces).hasSize(2);
    int[][] spans = {{18, 19}, {0, 1}};
    for (int k = 0; k < 2; k++) {
      Piece piece = p.pieces.get(k);
      List<Integer> fragments = new ArrayList<>();
      int lo = Integer.MAX_VALUE;
      int hi = -1;
      for (Item it : piece.items) {
        if (it.whole() && it.kind == 0x05) {
          ByteBuffer b = ByteBuffer.wrap(it.bytes, 9, 49);
          fragments.add(b.getInt());
          lo = Math.min(lo, b.getInt());
          hi = Math.max(hi, it.seq);
        }
      }
      assertThat(fragments).containsExactly(spans[k][0], spans[k][1]);
      int omitted = 0;
      for (Item it : piece.items) {
        boolean data = it.kind == 0x02 || it.kind == 0x03;
        if (it.whole() && data) {
          assertThat(it.seq).as("a whole data record in piece %d", k).isBetween(lo, hi);
        }
        if (!it.whole()) {
          omitted++;
          assertThat(it.seq < lo || it.seq > hi).as("left-out record %d inside the span", it.seq).isTrue();
        }
      }
      if (k == 0) {
        assertThat(omitted).as("the 18 fragments before the span, left out").isGreaterThan(18 * 2);
      } else {
        assertThat(omitted).as("segment 1 from its start: nothing before the span, and it closes right after").isZero();
      }
    }
  }

  @Test
  void theLedgerRecordsTheDisclosureAndTheExcerptExportWithTheirSpans() throws Exception {
    EvidenceCommandsIT.TestLedger testLedger = EvidenceCommandsIT.newLedger(dir, "ledger");
    String ledger = testLedger.uri();
    List<String> options = new ArrayList<>(testLedger.options("DC 1234"));
    options.addAll(List.of("--reason", "CPS request 77"));
    String[] l = options.toArray(new String[0]);
    Path pkg = dir.resolve("ledgered.cpkg");
    List<String> a = new ArrayList<>(List.of("--from", "5", "--to", "8", "--package", pkg.toString(), "--to-recipient",
        discloseKeys.resolve("recipient.pub").toString()));
    a.addAll(List.of(l));
    a.add(ref);
    EvidenceCommandsIT.Result d = export(a.toArray(new String[0]));
    assertThat(d.exit()).as(d.err()).isZero();
    Path mp4 = dir.resolve("ledgered.mp4");
    List<String> b = new ArrayList<>(List.of("--from", "5", "--to", "8", "-o", mp4.toString()));
    b.addAll(List.of(l));
    b.add(ref);
    EvidenceCommandsIT.Result e = export(b.toArray(new String[0]));
    assertThat(e.exit()).as(e.err()).isZero();
    String id = ref.substring(ref.indexOf('#') + 1);
    JsonNode entries = JSON.readTree(run("ledger", "show", "--json", ledger, id).out());
    assertThat(entries).hasSize(2);
    JsonNode disclosed = entries.get(0);
    assertThat(disclosed.get("type").asText()).isEqualTo("DISCLOSED");
    assertThat(disclosed.get("actor").asText()).isEqualTo("DC 1234");
    JsonNode v = JSON.readTree(verify(pkg, "--json").out());
    assertThat(disclosed.at("/details/recipient").asText()).isEqualTo(v.get("recipient_key_id").asText());
    assertThat(disclosed.at("/details/range").asText()).isEqualTo(v.get("from").asText() + "/" + v.get("to").asText());
    assertThat(disclosed.at("/details/package_sha256").asText()).isEqualTo(java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(pkg))));
    assertThat(v.at("/description/exported_by").asText()).isEqualTo("DC 1234");
    JsonNode exported = entries.get(1);
    assertThat(exported.get("type").asText()).isEqualTo("EXPORTED");
    assertThat(exported.at("/details/export_sha256").asText())
        .isEqualTo(JSON.readTree(Files.readString(dir.resolve("ledgered.json"))).get("mp4_sha256").asText());
    assertThat(exported.at("/details/range").asText()).isEqualTo(disclosed.at("/details/range").asText());
  }

  /** Writes a changed copy of a package and returns what verify says of it. */
  String tampered(Path pkg, String name, java.util.function.Consumer<Pkg> change) throws Exception {
    Pkg p = Pkg.parse(Files.readAllBytes(pkg));
    change.accept(p);
    Path bad = dir.resolve(name + ".cpkg");
    Files.write(bad, p.write());
    EvidenceCommandsIT.Result v = verify(bad);
    assertThat(v.exit()).as(name + ": " + v.out()).isEqualTo(Main.BAD_INPUT);
    return v.out();
  }

  static int firstWhole(Piece piece, int kind) {
    for (int i = 0; i < piece.items.size(); i++) {
      if (piece.items.get(i).whole() && piece.items.get(i).kind == kind) {
        return i;
      }
    }
    throw new AssertionError("no whole record of kind " + kind);
  }

  @Test
  void everyTamperIsRefusedAndLocated() throws Exception {
    Path pkg = disclose("tamper", "5", "8");
    byte[] bytes = Files.readAllBytes(pkg);
    // A flipped byte anywhere: at every 97th byte, verify refuses the package.
    for (int at = 0; at < bytes.length; at += 97) {
      byte[] b = bytes.clone();
      b[at] ^= 0x01;
      Path bad = dir.resolve("flip.cpkg");
      Files.write(bad, b);
      EvidenceCommandsIT.Result v = verify(bad);
      assertThat(v.exit()).as("a flipped byte at %d: %s", at, v.out()).isEqualTo(Main.BAD_INPUT);
    }
    // Cut short anywhere: refused, never an exception.
    for (int at : new int[] {0, 7, 20, bytes.length / 3, bytes.length / 2, bytes.length - 33, bytes.length - 1}) {
      Path cut = dir.resolve("cut.cpkg");
      Files.write(cut, java.util.Arrays.copyOf(bytes, at));
      EvidenceCommandsIT.Result v = verify(cut);
      assertThat(v.exit()).as("cut at %d: %s", at, v.out() + v.err()).isEqualTo(Main.BAD_INPUT);
    }
    // A flipped byte in a fragment's record: named.
    // (fragments of this small clip are one DATA_END record each)
    assertThat(tampered(pkg, "altered", p -> {
      Item it = p.pieces.get(0).items.get(firstWhole(p.pieces.get(0), 0x03));
      it.bytes[it.bytes.length - 20] ^= 0x40;
    })).containsPattern("DATA_END record \\d+ is not the one the device signed");
    // A record removed, two swapped: the sequence breaks there.
    assertThat(tampered(pkg, "removed", p -> p.pieces.get(0).items.remove(firstWhole(p.pieces.get(0), 0x03))))
        .contains("records were removed, added or reordered");
    assertThat(tampered(pkg, "swapped", p -> {
      int i = firstWhole(p.pieces.get(0), 0x03);
      Collections.swap(p.pieces.get(0).items, i, i + 1);
    })).contains("records were removed, added or reordered");
    // A checkpoint moved before the FRAGMENT_INFO it follows.
    assertThat(tampered(pkg, "moved", p -> {
      int i = firstWhole(p.pieces.get(0), 0x10);
      Collections.swap(p.pieces.get(0).items, i, i - 1);
    })).contains("record");
    // A fragment of another recording spliced in at the same place.
    Path other = dir.resolve("other.cpkg");
    EvidenceCommandsIT.Result o = export("--from", "5", "--to", "8", "--package", other.toString(), "--to-recipient",
        discloseKeys.resolve("recipient.pub").toString(), otherRef);
    assertThat(o.exit()).as(o.err()).isZero();
    Pkg foreign = Pkg.parse(Files.readAllBytes(other));
    assertThat(tampered(pkg, "spliced", p -> {
      int i = firstWhole(p.pieces.get(0), 0x03);
      p.pieces.get(0).items.set(i, foreign.pieces.get(0).items.get(firstWhole(foreign.pieces.get(0), 0x03)));
    })).containsPattern("record \\d+");
    // The description claims another span than its records hold.
    assertThat(tampered(pkg, "claims", p -> {
      ObjectNode d = (ObjectNode) readTree(p.description);
      java.time.Instant from = java.time.Instant.parse(d.at("/covered/from").asText());
      ((ObjectNode) d.get("requested")).put("from", from.plusSeconds(15).toString());
      ((ObjectNode) d.get("requested")).put("to", from.plusSeconds(25).toString());
      p.description = d.toString().getBytes(StandardCharsets.UTF_8);
    })).contains("the description says the span asked for was").contains("but the records hold");
    assertThat(tampered(pkg, "covered", p -> {
      ObjectNode d = (ObjectNode) readTree(p.description);
      ((ObjectNode) d.get("covered")).put("to_seconds", "30");
      p.description = d.toString().getBytes(StandardCharsets.UTF_8);
    })).contains("the description says covered is");
  }

  static JsonNode readTree(byte[] b) {
    try {
      return JSON.readTree(b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- a package parsed independently of the writer (docs/FORMAT.md §12) ----

  /** An item: whole (tag 0: framing and body in bytes) or left out (tag 1: the hash in bytes). */
  static final class Item {
    final int tag;
    final int kind;
    final int seq;
    final byte[] bytes;

    Item(int tag, int kind, int seq, byte[] bytes) {
      this.tag = tag;
      this.kind = kind;
      this.seq = seq;
      this.bytes = bytes;
    }

    boolean whole() {
      return tag == 0;
    }
  }

  static final class Piece {
    byte[] header;
    byte[] key;
    final List<Item> items = new ArrayList<>();
  }

  static final class Pkg {
    byte[] description;
    final List<Piece> pieces = new ArrayList<>();

    static Pkg parse(byte[] bytes) {
      ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 32); // then the trailing SHA-256
      byte[] magic = new byte[8];
      b.get(magic);
      assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("CSTDYPKG");
      assertThat(b.getShort()).isEqualTo((short) 1);
      Pkg p = new Pkg();
      p.description = new byte[b.getInt()];
      b.get(p.description);
      int count = b.getShort() & 0xffff;
      for (int k = 0; k < count; k++) {
        Piece piece = new Piece();
        int headerLength = b.getInt(b.position() + 12);
        piece.header = new byte[headerLength];
        b.get(piece.header);
        int mode = b.get(b.position()) & 0xff;
        piece.key = new byte[mode == 1 ? 1 + 32 + 2 + (b.getShort(b.position() + 33) & 0xffff) : 1 + 32];
        b.get(piece.key);
        for (int pos = 0; ; pos++) {
          int tag = b.get() & 0xff;
          if (tag == 0xff) {
            break;
          }
          if (tag == 0) {
            int length = b.getInt(b.position() + 5);
            byte[] rec = new byte[9 + length];
            b.get(rec);
            piece.items.add(new Item(0, rec[0] & 0xff, ByteBuffer.wrap(rec).getInt(1), rec));
          } else {
            assertThat(tag).isEqualTo(1);
            int kind = b.get() & 0xff;
            byte[] hash = new byte[32];
            b.get(hash);
            piece.items.add(new Item(1, kind, pos, hash));
          }
        }
        p.pieces.add(piece);
      }
      assertThat(b.hasRemaining()).isFalse();
      return p;
    }

    byte[] write() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer head = ByteBuffer.allocate(14);
      head.put("CSTDYPKG".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1).putInt(description.length);
      out.writeBytes(head.array());
      out.writeBytes(description);
      out.write(pieces.size() >> 8);
      out.write(pieces.size());
      for (Piece piece : pieces) {
        out.writeBytes(piece.header);
        out.writeBytes(piece.key);
        for (Item it : piece.items) {
          out.write(it.tag);
          if (it.tag == 1) {
            out.write(it.kind);
          }
          out.writeBytes(it.bytes);
        }
        out.write(0xff);
      }
      try {
        // a deliberate editor recomputes the trailing SHA-256: the records and claims must catch it
        out.writeBytes(java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      return out.toByteArray();
    }
  }
}
