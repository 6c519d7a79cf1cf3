package io.custody.seal;

import static io.custody.seal.SealFormat.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.testing.Clips;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper matrix on a real 4-fragment segment: every byte outside the ciphertext bodies
 * (header, framings, fragment info, checkpoints, manifest, footer) flipped, plus 3,000 sampled
 * ciphertext bytes; truncation at every record boundary and inside records; records swapped,
 * duplicated and dropped; the manifest replaced. Each must fail verification, and the report must
 * name the first bad record.
 */
class TamperTest {
  @TempDir static Path dir;
  static byte[] sealed;
  static byte[] otherSegment;
  static List<long[]> records = new ArrayList<>(); // offset, end, kind
  static int headerLength;
  static final Verifier VERIFIER = new Verifier(Sealing.DEVICE.publicKey());

  @BeforeAll
  static void seal() throws IOException {
    List<Sealing.Pair> pairs = Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir, Duration.ofSeconds(2), 1);
    sealed = Files.readAllBytes(pairs.get(0).sealed());
    otherSegment = Files.readAllBytes(pairs.get(1).sealed());
    RecordReader r = new RecordReader(new ByteArrayInputStream(sealed));
    headerLength = r.readHeader().length();
    while (r.next()) {
      records.add(new long[] {r.recordOffset, r.offset(), r.kind});
    }
    assertThat(records.size()).isGreaterThan(8);
  }

  static VerificationReport verify(byte[] b) throws IOException {
    return VERIFIER.verify(new ByteArrayInputStream(b));
  }

  /** The seq of the record holding byte {@code p}, or -1 for the header and footer. */
  static int recordAt(long p) {
    for (int i = 0; i < records.size(); i++) {
      if (p >= records.get(i)[0] && p < records.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }

  static boolean inCiphertext(long p) {
    int k = recordAt(p);
    return k >= 0 && isEncrypted((int) records.get(k)[2]) && p >= records.get(k)[0] + FRAMING;
  }

  @Test
  void theUntouchedSegmentVerifies() throws IOException {
    assertThat(verify(sealed).status()).isEqualTo(VerificationReport.Status.COMPLETE);
  }

  @Test
  void everyFlippedByteIsCaughtAtItsRecord() throws IOException {
    List<Integer> positions = new ArrayList<>();
    Random random = new Random(11);
    for (int p = 0; p < sealed.length; p++) {
      if (!inCiphertext(p) || random.nextInt(sealed.length / 3000 + 1) == 0) {
        positions.add(p);
      }
    }
    assertThat(positions.size()).isGreaterThan(3000);
    for (int p : positions) {
      byte[] b = sealed.clone();
      b[p] ^= (byte) (1 << (p % 8));
      VerificationReport report = verify(b);
      assertThat(report.status()).as("flip at byte %d went unnoticed", p).isNotEqualTo(VerificationReport.Status.COMPLETE);
      int expected = recordAt(p);
      int named = report.problem().orElseThrow().record();
      boolean framing = expected >= 0 && p < records.get(expected)[0] + FRAMING;
      if (framing) {
        // A broken length or kind shows at the record, or when the next one cannot be framed.
        assertThat(named).as("flip at %d (framing of record %d): %s", p, expected, report.summary())
            .isBetween(expected, expected + 1);
      } else {
        assertThat(named).as("flip at %d (record %d): %s", p, expected, report.summary()).isEqualTo(expected);
      }
    }
  }

  /** Checkpoint signatures are checked only when they decide the report (Verifier.checkedSignatures). */
  @Test
  void aBadCheckpointSignatureIsNamedWhereverItDecidesTheReport() throws IOException {
    List<long[]> checkpoints = records.stream().filter(r -> r[2] == KIND_CHECKPOINT).toList();
    assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(2);
    long manifestAt = records.stream().filter(r -> r[2] == KIND_MANIFEST).findFirst().orElseThrow()[0];
    int lastSeq = records.indexOf(checkpoints.get(checkpoints.size() - 1));
    int secondSeq = records.indexOf(checkpoints.get(1));

    // Whole segment, the second checkpoint's signature broken: its record hash no longer matches
    // what the next signature lists, and the broken signature is the first failure.
    byte[] b = sealed.clone();
    b[(int) checkpoints.get(1)[1] - 1] ^= 1;
    VerificationReport r = verify(b);
    assertThat(r.problem().orElseThrow().check()).isEqualTo("checkpoint-signature");
    assertThat(r.problem().orElseThrow().record()).isEqualTo(secondSeq);
    assertThat(r.signedFragments()).as(r.summary()).isEqualTo(1);

    // Cut before the manifest: every checkpoint signature is checked, and proves its fragments.
    VerificationReport cut = verify(java.util.Arrays.copyOf(sealed, (int) manifestAt));
    assertThat(cut.status()).as(cut.summary()).isEqualTo(VerificationReport.Status.UNFINISHED);
    assertThat(cut.signedFragments()).isEqualTo(cut.fragments()).isEqualTo(checkpoints.size());

    // Cut there with the last checkpoint's signature broken: named, and the fragments before it still proven.
    byte[] c = java.util.Arrays.copyOf(sealed, (int) manifestAt);
    c[(int) checkpoints.get(checkpoints.size() - 1)[1] - 1] ^= 1;
    VerificationReport bad = verify(c);
    assertThat(bad.status()).isEqualTo(VerificationReport.Status.FAILED);
    assertThat(bad.problem().orElseThrow().check()).isEqualTo("checkpoint-signature");
    assertThat(bad.problem().orElseThrow().record()).isEqualTo(lastSeq);
    assertThat(bad.signedFragments()).isEqualTo(checkpoints.size() - 1);
  }

  @Test
  void truncationAtEveryRecordBoundaryAndInsideRecordsIsIncomplete() throws IOException {
    List<Long> cuts = new ArrayList<>(List.of(0L, 5L, (long) headerLength - 1, (long) headerLength));
    for (long[] rec : records) {
      cuts.add(rec[0]);
      cuts.add(rec[0] + 4);
      cuts.add((rec[0] + rec[1]) / 2);
    }
    cuts.add((long) sealed.length - 1);
    for (long cut : cuts) {
      VerificationReport report = verify(java.util.Arrays.copyOf(sealed, (int) cut));
      assertThat(report.status()).as("cut at %d", cut).isNotEqualTo(VerificationReport.Status.COMPLETE);
      assertThat(report.problem().orElseThrow().check()).as("cut at %d", cut)
          .isIn("truncated", "incomplete", "footer", "format");
    }
  }

  private static byte[] splice(List<Integer> order) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sealed, 0, headerLength);
    for (int i : order) {
      long[] rec = records.get(i);
      out.write(sealed, (int) rec[0], (int) (rec[1] - rec[0]));
    }
    long end = records.get(records.size() - 1)[1];
    out.write(sealed, (int) end, (int) (sealed.length - end));
    return out.toByteArray();
  }

  private static List<Integer> identity() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      order.add(i);
    }
    return order;
  }

  @Test
  void swappedDuplicatedAndDroppedRecordsAreNamed() throws IOException {
    for (int k = 1; k < records.size() - 1; k++) {
      List<Integer> swapped = identity();
      swapped.set(k, k + 1);
      swapped.set(k + 1, k);
      assertThat(verify(splice(swapped)).problem().orElseThrow().record()).as("swap %d", k).isEqualTo(k);

      List<Integer> duplicated = identity();
      duplicated.add(k, k);
      assertThat(verify(splice(duplicated)).problem().orElseThrow().record()).as("duplicate %d", k).isEqualTo(k + 1);

      List<Integer> dropped = identity();
      dropped.remove(k);
      assertThat(verify(splice(dropped)).problem().orElseThrow().record()).as("drop %d", k).isEqualTo(k);
    }
  }

  @Test
  void aRecordWithItsSeqRewrittenIsStillCaught() throws IOException {
    // Drop a ciphertext record and renumber everything after it: framing checks pass, the signed
    // record hashes do not.
    int k = 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sealed, 0, headerLength);
    for (int i = 0; i < records.size(); i++) {
      if (i == k) {
        continue;
      }
      long[] rec = records.get(i);
      byte[] copy = java.util.Arrays.copyOfRange(sealed, (int) rec[0], (int) rec[1]);
      putInt(copy, 1, i > k ? i - 1 : i);
      out.write(copy, 0, copy.length);
    }
    long end = records.get(records.size() - 1)[1];
    out.write(sealed, (int) end, (int) (sealed.length - end));
    VerificationReport report = verify(out.toByteArray());
    assertThat(report.status()).isNotEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(report.problem().orElseThrow().record()).isEqualTo(k);
  }

  @Test
  void anotherSegmentsManifestOrRecordsAreRefused() throws IOException {
    // The manifest of the next segment in place of this one's.
    long[] manifest = records.get(records.size() - 1);
    RecordReader other = new RecordReader(new ByteArrayInputStream(otherSegment));
    other.readHeader();
    long[] otherManifest = null;
    while (other.next()) {
      if (other.kind == KIND_MANIFEST) {
        otherManifest = new long[] {other.recordOffset, other.offset()};
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sealed, 0, (int) manifest[0]);
    out.write(otherSegment, (int) otherManifest[0], (int) (otherManifest[1] - otherManifest[0]));
    VerificationReport report = verify(out.toByteArray());
    assertThat(report.status()).isNotEqualTo(VerificationReport.Status.COMPLETE);
    assertThat(report.problem().orElseThrow().record()).isEqualTo(records.size() - 1);

    // The other segment's header on this segment's records.
    RecordReader hr = new RecordReader(new ByteArrayInputStream(otherSegment));
    int otherHeader = hr.readHeader().length();
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    mixed.write(otherSegment, 0, otherHeader);
    mixed.write(sealed, headerLength, sealed.length - headerLength);
    VerificationReport r2 = verify(mixed.toByteArray());
    assertThat(r2.status()).isNotEqualTo(VerificationReport.Status.COMPLETE);
    // The header is validly signed on its own; the first checkpoint shows the records are not its.
    int firstCheckpoint = 0;
    while (records.get(firstCheckpoint)[2] != KIND_CHECKPOINT) {
      firstCheckpoint++;
    }
    assertThat(r2.problem().orElseThrow().record()).isEqualTo(firstCheckpoint);
    assertThat(r2.problem().orElseThrow().check()).isEqualTo("checkpoint-content");
  }
}
