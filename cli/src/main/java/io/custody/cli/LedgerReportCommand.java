package io.custody.cli;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.PdfDate;
import com.lowagie.text.pdf.PdfFileSpecification;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfWriter;
import io.custody.crypto.DevicePublicKey;
import io.custody.ledger.Checkpoint;
import io.custody.ledger.EntryType;
import io.custody.ledger.InclusionProof;
import io.custody.ledger.Ledger;
import io.custody.ledger.LedgerEntry;
import io.custody.ledger.LedgerPublicKey;
import io.custody.ledger.LedgerReport;
import io.custody.ledger.LedgerVerifier;
import io.custody.seal.RecordingReport;
import io.custody.seal.SegmentManifest;
import io.custody.seal.VerificationReport;
import io.custody.seal.Verifier;
import io.custody.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code custody ledger report}: a court-ready PDF about one recording (issue 16): what it is, its
 * full custody history, the log's signed checkpoint and an inclusion proof of every entry, which
 * anyone can check offline. The proofs are also attached to the PDF as {@code .tlog-proof} files.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Writes a court-ready PDF about one recording: what it is (device, officer, times, segments,"
        + " verification), its full custody history, the log's verification, its signed checkpoint and an"
        + " inclusion proof of every entry (printed, and attached as .tlog-proof files for 'ledger check-proof').",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the report is written", "1:the ledger or the recording cannot be read, or no entry is about"
        + " the recording", "2:usage error"})
final class LedgerReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ledger-pub", paramLabel = "FILE",
      description = "The force's ledger public key (PEM). Recommended: without it the key stored in the log is used,"
          + " and the report says that the log was not checked against the force's key.")
  Path ledgerPub;

  @Option(names = "--store", paramLabel = "STORE_URI",
      description = "Also read the recording's sealed segments from this store and verify them (with --device-pub):"
          + " device, officer, times and segments are then stated from the signed manifests.")
  String store;

  @Option(names = "--device-pub", paramLabel = "FILE", description = "The device's public key (PEM, Ed25519 or P-256); with --store.")
  Path devicePub;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "REPORT.pdf", description = "The PDF to write.")
  Path output;

  @Parameters(index = "0", paramLabel = "LEDGER_URI")
  String uri;

  @Parameters(index = "1", paramLabel = "RECORDING_ID")
  String recording;

  /** One segment as read from the store. */
  record StoredSegment(String location, VerificationReport report, String objectSha256) {}

  /** The recording as read from {@code --store} and verified. */
  record StoreFacts(String store, String deviceKeyId, RecordingReport report, List<StoredSegment> segments) {}

  /** Everything the report states, read before a byte of the PDF is written. */
  record Facts(String recording, Instant generated, String ledgerUri, boolean keyGiven, LedgerPublicKey key,
      Checkpoint checkpoint, Map<Long, LedgerEntry> history, Map<Long, InclusionProof> proofs, LedgerReport logReport,
      Optional<StoreFacts> stored) {}

  @Override
  public Integer call() {
    if ((store == null) != (devicePub == null)) {
      throw new ParameterException(spec.commandLine(), "--store and --device-pub go together");
    }
    return LedgerCommand.run(spec, "report", out -> {
      Facts f = gather();
      write(f);
      boolean storeOk = f.stored().map(s -> s.report().ok()).orElse(true);
      out.printf(Locale.ROOT, "wrote %s: recording %s, %d entries of log %s (checkpoint of %d entries);"
              + " the log %s%s%n", output, recording, f.history().size(), f.checkpoint().origin(), f.checkpoint().size(),
          f.logReport().valid() ? "verifies" : "does NOT verify", f.stored().isEmpty() ? ""
              : storeOk ? "; the recording verifies" : "; the recording does NOT verify");
      if (!f.keyGiven()) {
        spec.commandLine().getErr().println("custody ledger report: no --ledger-pub: the log was not checked against"
            + " the force's key (the report says so)");
      }
      return Main.OK;
    });
  }

  private Facts gather() throws IOException {
    LedgerPublicKey given = ledgerPub == null ? null : LedgerPublicKey.fromPem(LedgerCommand.read(ledgerPub));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LedgerCommand.History h;
    Ledger ledger;
    LedgerReport logReport;
    Map<Long, InclusionProof> proofs = new LinkedHashMap<>();
    try (BlobStore ls = StoreRef.parse(uri).open()) {
      ledger = given != null ? Ledger.open(ls, given) : Ledger.openTrustingStoredKey(ls);
      h = LedgerCommand.History.read(ls, ledger.publicKey(), recording);
      if (h.entries().isEmpty()) {
        throw new IllegalArgumentException("no entry of log " + h.checkpoint().origin() + " (" + h.checkpoint().size()
            + " entries) is about recording " + recording);
      }
      for (Long i : h.entries().keySet()) {
        proofs.put(i, ledger.proveInclusion(i, h.checkpoint()));
      }
      logReport = LedgerVerifier.verify(ls, ledger.publicKey(), Optional.empty());
    }
    Optional<StoreFacts> stored = store == null ? Optional.empty() : Optional.of(readStore());
    return new Facts(recording, now, uri, given != null, ledger.publicKey(), h.checkpoint(), h.entries(), proofs,
        logReport, stored);
  }

  /** Reads and verifies every sealed segment of the recording in {@code --store}. */
  private StoreFacts readStore() throws IOException {
    DevicePublicKey key = DevicePublicKey.fromPem(LedgerCommand.read(devicePub));
    StoreRef base = StoreRef.parse(store);
    if (base.recording.isPresent() && !base.recording.get().equals(recording)) {
      throw new IllegalArgumentException("--store names recording " + base.recording.get() + ", not " + recording);
    }
    StoreRef ref = StoreRef.parse(base.store + "#" + recording);
    Verifier verifier = new Verifier(key);
    List<StoredSegment> segments = new ArrayList<>();
    List<VerificationReport> reports = new ArrayList<>();
    try (BlobStore s = ref.open()) {
      List<String> keys = ref.segments(s).getOrDefault(recording, List.of());
      if (keys.isEmpty()) {
        throw new IOException("no sealed segments of recording " + recording + " in " + base.store);
      }
      for (String k : keys) {
        MessageDigest md = sha256();
        VerificationReport r;
        try (InputStream in = new DigestInputStream(s.read(k), md)) {
          r = verifier.verify(in);
          in.transferTo(OutputStream.nullOutputStream());
        }
        reports.add(r);
        String where = base.store + (base.store.toString().endsWith("/") ? "" : "/") + k;
        segments.add(new StoredSegment(where, r, HexFormat.of().formatHex(md.digest())));
      }
    }
    return new StoreFacts(base.store.toString(), key.keyIdHex(), Verifier.checkRecording(reports), segments);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the PDF ----

  private static final Font TITLE = new Font(Font.HELVETICA, 17, Font.BOLD);
  private static final Font H1 = new Font(Font.HELVETICA, 12, Font.BOLD);
  private static final Font BODY = new Font(Font.HELVETICA, 9, Font.NORMAL);
  private static final Font BOLD = new Font(Font.HELVETICA, 9, Font.BOLD);
  private static final Font SMALL = new Font(Font.HELVETICA, 8, Font.NORMAL);
  private static final Font SMALL_BOLD = new Font(Font.HELVETICA, 8, Font.BOLD);
  private static final Font MONO = new Font(Font.COURIER, 7, Font.NORMAL);
  /** Courier 7 pt on A4 with 36 pt margins holds 124 characters a line; longer ones are wrapped at this. */
  private static final int MONO_WIDTH = 118;

  /** Writes the PDF to a temporary file beside {@code output} and moves it into place only once complete. */
  private void write(Facts f) throws IOException {
    Path target = output.toAbsolutePath();
    Path dir = target.getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException("no such directory for the report: " + dir);
    }
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream os = Channels.newOutputStream(ch);
        render(f, os);
        os.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } catch (RuntimeException e) {
      // OpenPDF's failures are unchecked (DocumentException, ExceptionConverter).
      throw new IOException("cannot write the PDF: " + e.getMessage(), e);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void render(Facts f, OutputStream os) throws IOException {
    Document doc = new Document(PageSize.A4, 36, 36, 42, 48);
    PdfWriter writer = PdfWriter.getInstance(doc, os);
    writer.setCloseStream(false);
    writer.setPageEvent(new Footer(f.recording()));
    GregorianCalendar cal = new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC), Locale.ROOT);
    cal.setTimeInMillis(f.generated().toEpochMilli());
    doc.addCreationDate(new PdfDate(cal));
    doc.addModificationDate(new PdfDate(cal));
    doc.addTitle("Chain of custody report: recording " + f.recording());
    doc.addCreator("custody ledger report");
    doc.open();
    attach(writer, f);

    // 1. What this is.
    doc.add(new Paragraph("Chain of custody report", TITLE));
    PdfPTable head = keyValues();
    row(head, "Recording", f.recording());
    row(head, "Generated", f.generated().toString() + " (UTC)");
    row(head, "Custody log", f.checkpoint().origin() + " at " + f.ledgerUri());
    row(head, "Log key", f.keyGiven()
        ? "the log's signatures were checked against the force's ledger public key given to this report"
        : "not checked against the force's key: the key stored in the log itself was used (whoever can write to the"
            + " log's store could have replaced it). Check the verifier key of section 4 against the force's"
            + " published key, or run the report again with --ledger-pub.");
    doc.add(head);

    // 2. What the recording is.
    section(doc, "1. The recording");
    doc.add(recordingFacts(f));
    doc.add(new Paragraph("Segments", BOLD));
    doc.add(segments(f));

    // 3. The custody history.
    section(doc, "2. Custody history");
    doc.add(para("Every entry of the custody log about this recording, oldest first (" + f.history().size()
        + " of the log's " + f.checkpoint().size() + " entries). Times are the appending node's clock, UTC."));
    doc.add(history(f));

    // 4. The log.
    section(doc, "3. The custody log");
    PdfPTable log = keyValues();
    LedgerReport r = f.logReport();
    row(log, "Verification of the whole log", r.valid()
        ? "valid: all " + r.size() + " entries verify (every checkpoint's signature, every entry, tile and bundle;"
            + " as 'custody ledger verify' checks)"
        : "FAILED: " + r.problems().size() + " problem(s), listed below; " + r.size() + " entries verified");
    row(log, "Checkpoint", "the newest signed checkpoint: " + f.checkpoint().size() + " entries");
    row(log, "Verifier key", f.key().noteVerifierKey(f.checkpoint().origin()));
    doc.add(log);
    if (!r.valid()) {
      for (LedgerReport.Problem p : r.problems()) {
        doc.add(new Paragraph(text("  - " + p), SMALL));
      }
    }
    doc.add(block("The signed checkpoint (C2SP tlog-checkpoint in a signed note), verbatim:", f.checkpoint().toNote()));
    doc.add(block("The ledger public key (PEM):", f.key().toPem()));

    // 5. The proofs.
    section(doc, "4. Inclusion proofs");
    doc.add(para("Each proof below shows that the entry is in the log, at its index, under the signed checkpoint"
        + " of section 3: it holds the entry itself (the 'extra' line, base64), its index and the Merkle audit path"
        + " to the checkpoint's root hash (RFC 6962). To check one offline: the complete proof files are attached to"
        + " this PDF (entry-INDEX.tlog-proof; 'pdfdetach -saveall' extracts them), or type the lines shown followed"
        + " by a blank line and the checkpoint; then run 'custody ledger check-proof --ledger-pub ledger.pub"
        + " entry-INDEX.tlog-proof', or check it with any C2SP tlog-proof verifier given the verifier key of"
        + " section 3. Lines longer than " + MONO_WIDTH + " characters are wrapped here; the attached files are exact."));
    for (Map.Entry<Long, InclusionProof> e : f.proofs().entrySet()) {
      LedgerEntry en = f.history().get(e.getKey());
      String proof = e.getValue().toText();
      doc.add(block("Entry " + e.getKey() + ": " + en.type() + segment(en) + ", " + en.timeText() + ", " + en.actor(),
          proof.substring(0, proof.indexOf("\n\n") + 1) + "(a blank line, then the signed checkpoint of section 3)"));
    }
    doc.close();
  }

  private static void attach(PdfWriter writer, Facts f) throws IOException {
    writer.addFileAttachment("The signed checkpoint", PdfFileSpecification.fileEmbedded(writer, null,
        "checkpoint.txt", f.checkpoint().toNote().getBytes(StandardCharsets.UTF_8)));
    writer.addFileAttachment("The ledger public key", PdfFileSpecification.fileEmbedded(writer, null, "ledger.pub",
        f.key().toPem().getBytes(StandardCharsets.UTF_8)));
    for (Map.Entry<Long, InclusionProof> e : f.proofs().entrySet()) {
      String name = "entry-" + e.getKey() + ".tlog-proof";
      writer.addFileAttachment("Inclusion proof of entry " + e.getKey(), PdfFileSpecification.fileEmbedded(writer,
          null, name, e.getValue().toText().getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static PdfPTable recordingFacts(Facts f) {
    PdfPTable t = keyValues();
    row(t, "Recording id", f.recording());
    Optional<LedgerEntry> lastVerified = last(f, EntryType.VERIFIED);
    if (f.stored().isPresent()) {
      StoreFacts s = f.stored().get();
      List<SegmentManifest> ms = new ArrayList<>();
      s.segments().forEach(x -> x.report().manifest().ifPresent(ms::add));
      row(t, "Source of these facts", "the recording's sealed segments read from " + s.store() + " and verified with"
          + " the device public key " + s.deviceKeyId() + " (key id); device, officer and times are from the"
          + " device-signed segment manifests of the segments that verified");
      row(t, "Device", distinct(ms, SegmentManifest::deviceId));
      row(t, "Officer (operator)", distinct(ms, SegmentManifest::operatorId));
      row(t, "Start", ms.stream().map(SegmentManifest::start).min(Instant::compareTo).map(Instant::toString)
          .orElse("unknown (no segment verified)"));
      row(t, "End", ms.stream().map(SegmentManifest::end).max(Instant::compareTo).map(Instant::toString)
          .orElse("unknown (no segment verified)"));
      row(t, "Trigger", distinct(ms, m -> m.triggerSource() + (m.triggerDetail() == null || m.triggerDetail().isEmpty()
          ? "" : " (" + m.triggerDetail() + ")")));
      row(t, "Segments", s.segments().size() + " in the store");
      row(t, "Verification", s.report().ok()
          ? "complete: every segment verifies with the device key (signatures, hash chain, records) and the"
              + " recording is whole, last segment included (verified for this report, " + f.generated() + ")"
          : "FAILED: " + s.report().problem().orElseThrow() + " (verified for this report, " + f.generated() + ")");
      row(t, "Stored objects against the ledger", storeAgainstLedger(f, s));
    } else {
      row(t, "Source of these facts", "the custody log's entries only: the sealed segments were not read for this"
          + " report (run it with --store and --device-pub to read and verify them)");
      row(t, "Device", "not recorded in the log" + lastVerified.map(e -> Optional.ofNullable(e.details().get("device_key_id"))
          .map(k -> "; device key id " + k + " (entry " + indexOf(f, e) + ", VERIFIED)").orElse("")).orElse("")
          + "; the device id is in the signed segment manifests");
      row(t, "Officer (operator)", "not recorded in the log; the officer id is in the signed segment manifests");
      row(t, "Start, end", "not recorded in the log; in the signed segment manifests");
      long segs = f.history().values().stream().filter(e -> e.type() == EntryType.INGESTED && e.segmentIndex().isPresent())
          .mapToLong(e -> e.segmentIndex().getAsLong()).distinct().count();
      row(t, "Segments", segs + " ingested (INGESTED entries)"
          + lastVerified.map(e -> Optional.ofNullable(e.details().get("segments")).map(n -> "; " + n
              + " verified (entry " + indexOf(f, e) + ")").orElse("")).orElse(""));
      row(t, "Verification", lastVerified.map(e -> "" + e.details().get("result") + " (the last VERIFIED entry: entry "
          + indexOf(f, e) + ", " + e.timeText() + ", by " + e.actor() + ")").orElse("no VERIFIED entry in the log"));
    }
    return t;
  }

  /** Whether each stored object's SHA-256 is the one an INGESTED entry recorded for its segment. */
  private static String storeAgainstLedger(Facts f, StoreFacts s) {
    List<String> notes = new ArrayList<>();
    int matched = 0;
    for (StoredSegment seg : s.segments()) {
      Optional<Integer> index = seg.report().header().map(io.custody.seal.SegmentHeader::segmentIndex);
      boolean found = f.history().values().stream().anyMatch(e -> e.type() == EntryType.INGESTED
          && index.isPresent() && e.segmentIndex().isPresent() && e.segmentIndex().getAsLong() == index.get()
          && seg.objectSha256().equals(e.details().get("object_sha256")));
      if (found) {
        matched++;
      } else {
        notes.add("segment " + index.map(String::valueOf).orElse("?") + " (" + seg.location() + ") has no INGESTED"
            + " entry with its SHA-256");
      }
    }
    return notes.isEmpty() ? "every segment object read (" + matched + ") has the SHA-256 an INGESTED entry recorded"
        : "MISMATCH: " + String.join("; ", notes);
  }

  private static PdfPTable segments(Facts f) {
    PdfPTable t = new PdfPTable(new float[] {1, 7});
    t.setWidthPercentage(100);
    t.setHeaderRows(1);
    t.addCell(headCell("Segment"));
    t.addCell(headCell(f.stored().isPresent() ? "As read from the store" : "As the INGESTED entries record it"));
    if (f.stored().isPresent()) {
      for (StoredSegment s : f.stored().get().segments()) {
        VerificationReport r = s.report();
        t.addCell(cell(r.header().map(h -> String.valueOf(h.segmentIndex())).orElse("?"), SMALL));
        StringBuilder sb = new StringBuilder();
        sb.append("header SHA-256  ").append(r.header().map(io.custody.seal.SegmentHeader::sha256Hex).orElse("(unreadable)"))
            .append('\n').append("object SHA-256  ").append(s.objectSha256()).append('\n')
            .append("stored at       ").append(s.location()).append('\n');
        r.manifest().ifPresent(m -> sb.append("time            ").append(m.start()).append(" to ").append(m.end())
            .append(m.recovered() ? "\nrecovered       closed by recover; lost " + m.lostBytes() + " bytes" : "")
            .append('\n'));
        sb.append("verification    ").append(r.summary());
        t.addCell(monoCell(sb.toString()));
      }
    } else {
      for (Map.Entry<Long, LedgerEntry> e : f.history().entrySet()) {
        LedgerEntry en = e.getValue();
        if (en.type() != EntryType.INGESTED) {
          continue;
        }
        t.addCell(cell(en.segmentIndex().isPresent() ? String.valueOf(en.segmentIndex().getAsLong()) : "?", SMALL));
        t.addCell(monoCell("header SHA-256  " + en.details().get("header_sha256") + "\nobject SHA-256  "
            + en.details().get("object_sha256") + "\nstored at       " + en.details().get("store_uri")
            + "\nrecorded by     entry " + e.getKey() + ", " + en.timeText()));
      }
      if (f.history().values().stream().noneMatch(en -> en.type() == EntryType.INGESTED)) {
        PdfPCell c = cell("no INGESTED entry in the log", SMALL);
        c.setColspan(2);
        t.addCell(c);
      }
    }
    return t;
  }

  private static final float[] HISTORY_COLUMNS = {4, 13, 9, 3, 13, 9, 11};

  /** One row per entry (its fields, then its details), each kept on one page, the heading repeated on each. */
  private static PdfPTable history(Facts f) {
    PdfPTable t = new PdfPTable(1);
    t.setWidthPercentage(100);
    t.setHeaderRows(1);
    PdfPTable head = new PdfPTable(HISTORY_COLUMNS);
    head.setWidthPercentage(100);
    for (String h : List.of("Index", "Time (UTC)", "Type", "Seg.", "Actor", "Node", "Reason")) {
      head.addCell(headCell(h));
    }
    t.addCell(whole(head));
    for (Map.Entry<Long, LedgerEntry> e : f.history().entrySet()) {
      LedgerEntry en = e.getValue();
      PdfPTable row = new PdfPTable(HISTORY_COLUMNS);
      row.setWidthPercentage(100);
      row.addCell(cell(String.valueOf(e.getKey()), SMALL));
      row.addCell(cell(en.timeText(), SMALL));
      row.addCell(cell(en.type().name(), SMALL_BOLD));
      row.addCell(cell(en.segmentIndex().isPresent() ? String.valueOf(en.segmentIndex().getAsLong()) : "", SMALL));
      row.addCell(cell(en.actor(), SMALL));
      row.addCell(cell(en.node().orElse(""), SMALL));
      row.addCell(cell(en.reason().orElse(""), SMALL));
      StringBuilder d = new StringBuilder();
      en.details().forEach((k, v) -> d.append(d.length() == 0 ? "" : "\n").append(k).append(" = ").append(v));
      PdfPCell c = monoCell(d.length() == 0 ? "(no details)" : d.toString());
      c.setColspan(HISTORY_COLUMNS.length);
      c.setPaddingLeft(12);
      row.addCell(c);
      t.addCell(whole(row));
    }
    return t;
  }

  /** A cell holding a whole table, without a border or padding of its own. */
  private static PdfPCell whole(PdfPTable inner) {
    PdfPCell c = new PdfPCell(inner);
    c.setPadding(0);
    c.setBorder(Rectangle.NO_BORDER);
    return c;
  }

  /** A heading and a monospace block, kept on one page (unless longer than a page). */
  private static PdfPTable block(String heading, String monoText) {
    PdfPTable t = new PdfPTable(1);
    t.setWidthPercentage(100);
    t.setSpacingBefore(6);
    PdfPCell h = new PdfPCell(new Phrase(text(heading), BOLD));
    h.setBorder(Rectangle.NO_BORDER);
    h.setPadding(0);
    h.setPaddingBottom(3);
    t.addCell(h);
    PdfPCell m = new PdfPCell(monoPhrase(monoText.endsWith("\n") ? monoText.substring(0, monoText.length() - 1) : monoText));
    m.setBorder(Rectangle.NO_BORDER);
    m.setPadding(0);
    t.addCell(m);
    return t;
  }

  // ---- small pieces ----

  private static Optional<LedgerEntry> last(Facts f, EntryType type) {
    LedgerEntry found = null;
    for (LedgerEntry e : f.history().values()) {
      if (e.type() == type) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  private static long indexOf(Facts f, LedgerEntry e) {
    return f.history().entrySet().stream().filter(x -> x.getValue().equals(e)).mapToLong(Map.Entry::getKey)
        .reduce((a, b) -> b).orElse(-1);
  }

  private static String segment(LedgerEntry e) {
    return e.segmentIndex().isPresent() ? " (segment " + e.segmentIndex().getAsLong() + ")" : "";
  }

  private static String distinct(List<SegmentManifest> ms, java.util.function.Function<SegmentManifest, String> f) {
    Set<String> values = new LinkedHashSet<>();
    ms.forEach(m -> values.add(f.apply(m)));
    if (values.isEmpty()) {
      return "unknown (no segment verified)";
    }
    List<String> shown = new ArrayList<>();
    values.forEach(v -> shown.add(v == null || v.isEmpty() ? "(not set on the device)" : v));
    return String.join("; ", shown) + (values.size() > 1 ? " (differs between segments)" : "");
  }

  private static void section(Document doc, String title) {
    Paragraph p = new Paragraph(title, H1);
    p.setSpacingBefore(14);
    p.setSpacingAfter(4);
    doc.add(p);
  }

  private static Paragraph para(String s) {
    Paragraph p = new Paragraph(text(s), BODY);
    p.setSpacingAfter(4);
    return p;
  }

  private static PdfPTable keyValues() {
    PdfPTable t = new PdfPTable(new float[] {1, 3});
    t.setWidthPercentage(100);
    t.setSpacingBefore(4);
    t.setSpacingAfter(6);
    return t;
  }

  private static void row(PdfPTable t, String key, String value) {
    t.addCell(cell(key, BOLD));
    t.addCell(cell(value, BODY));
  }

  private static PdfPCell cell(String s, Font font) {
    PdfPCell c = new PdfPCell(new Phrase(text(s), font));
    c.setPadding(3);
    c.setBorderWidth(0.3f);
    return c;
  }

  private static PdfPCell headCell(String s) {
    PdfPCell c = cell(s, SMALL_BOLD);
    c.setGrayFill(0.9f);
    return c;
  }

  private static PdfPCell monoCell(String s) {
    PdfPCell c = new PdfPCell(monoPhrase(s));
    c.setPadding(3);
    c.setBorderWidth(0.3f);
    return c;
  }

  private static Phrase monoPhrase(String s) {
    Phrase p = new Phrase(8.5f, "", MONO);
    StringBuilder sb = new StringBuilder();
    for (String line : text(s).split("\n", -1)) {
      for (int i = 0; i < line.length() || i == 0; i += MONO_WIDTH) {
        sb.append(sb.length() == 0 ? "" : "\n").append(line, i, Math.min(line.length(), i + MONO_WIDTH));
      }
    }
    p.add(new Chunk(sb.toString(), MONO));
    return p;
  }

  private static final Charset WIN_ANSI = Charset.forName("windows-1252");

  /**
   * The text as the PDF's built-in fonts can show it (WinAnsi): a character they cannot is shown as
   * {@code [U+XXXX]} rather than dropped, so nothing an entry says disappears from the report.
   */
  static String text(String s) {
    CharsetEncoder enc = WIN_ANSI.newEncoder();
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp == '\n') {
        sb.append('\n');
      } else if (cp == '\t') {
        sb.append(' ');
      } else if (cp < 0x20 || cp == 0x7f || !enc.canEncode(new String(Character.toChars(cp)))) {
        sb.append(String.format(Locale.ROOT, "[U+%04X]", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }

  /** Each page's foot: the recording and the page number. */
  static final class Footer extends PdfPageEventHelper {
    private final String recording;

    Footer(String recording) {
      this.recording = recording;
    }

    @Override
    public void onEndPage(PdfWriter writer, Document document) {
      Rectangle page = document.getPageSize();
      ColumnText.showTextAligned(writer.getDirectContent(), Element.ALIGN_CENTER,
          new Phrase(text("Chain of custody report, recording " + recording + ", page " + writer.getPageNumber()), SMALL),
          (page.getLeft() + page.getRight()) / 2, page.getBottom() + 24, 0);
    }
  }
}
