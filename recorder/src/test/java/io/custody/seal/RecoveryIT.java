package io.custody.seal;

import static io.custody.seal.SealFormat.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.testing.Clips;
import io.custody.testing.Ffmpeg;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash simulation: a sealed segment cut at every byte of its last records, then recovered. */
class RecoveryIT {
  @TempDir static Path dir;
  static byte[] sealed;
  static byte[] plain;
  static List<long[]> records = new ArrayList<>(); // offset, end, kind

  @BeforeAll
  static void seal() throws Exception {
    Sealing.Pair pair = Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir, Duration.ofSeconds(60), 1).get(0);
    sealed = Files.readAllBytes(pair.sealed());
    plain = Files.readAllBytes(pair.plain());
    RecordReader r = new RecordReader(new ByteArrayInputStream(sealed));
    r.readHeader();
    while (r.next()) {
      records.add(new long[] {r.recordOffset, r.offset(), r.kind});
    }
  }

  /** Complete fragments whose FRAGMENT_INFO lies wholly before {@code cut}. */
  static int completeFragments(long cut) {
    int n = 0;
    for (long[] rec : records) {
      if (rec[2] == KIND_FRAGMENT_INFO && rec[1] <= cut) {
        n++;
      }
    }
    return n;
  }

  /** Whether {@code cut} drops bytes of a fragment's data or info records (past a data record's framing). */
  static boolean insideAFragment(long cut) {
    boolean open = false;
    for (long[] rec : records) {
      if ((rec[2] == KIND_DATA || rec[2] == KIND_DATA_END) && rec[0] + FRAMING <= cut) {
        open = true;
      } else if (rec[2] == KIND_FRAGMENT_INFO && rec[1] <= cut) {
        open = false;
      }
    }
    return open;
  }

  @Test
  void everyCutInTheLastRecordsRecoversEveryCompleteFragment() throws Exception {
    int lastData = records.size() - 1;
    while (records.get(lastData)[2] != KIND_DATA_END) {
      lastData--;
    }
    long from = records.get(lastData - 1)[0];
    List<Long> cuts = new ArrayList<>();
    for (long p = from; p < sealed.length; p++) {
      boolean inBody = false;
      for (long[] rec : records) {
        inBody |= isEncrypted((int) rec[2]) && p > rec[0] + FRAMING && p < rec[1] - 1;
      }
      if (!inBody || p % 499 == 0) {
        cuts.add(p);
      }
    }
    assertThat(cuts.size()).isGreaterThan(1000);
    Verifier verifier = new Verifier(Sealing.DEVICE.publicKey());
    int i = 0;
    for (long cut : cuts) {
      Path damaged = dir.resolve("damaged-" + i + ".part");
      Path repaired = dir.resolve("repaired-" + i++ + ".sealed");
      Files.write(damaged, Arrays.copyOf(sealed, (int) cut));
      RecoveryReport report = Recovery.recover(damaged, repaired, Sealing.SIGNER);
      assertThat(report.repaired()).as("cut at %d", cut).isTrue();
      assertThat(Files.readAllBytes(damaged)).hasSize((int) cut); // never modified
      VerificationReport v = verifier.verify(repaired);
      assertThat(v.status()).as("cut at %d: %s", cut, v.summary()).isEqualTo(VerificationReport.Status.COMPLETE);
      SegmentManifest m = v.manifest().orElseThrow();
      assertThat(m.recovered()).isTrue();
      assertThat(m.fragments()).hasSize(completeFragments(cut));
      assertThat(report.fragmentsKept()).isEqualTo(completeFragments(cut));
      assertThat(report.partialFragmentLost()).as("cut at %d", cut).isEqualTo(insideAFragment(cut));
      assertThat(m.lostBytes()).isEqualTo(cut - report.keptBytes());
      if (cut % 7 == 0) { // decrypting every one would only repeat the same check
        try (SegmentReader reader = SegmentReader.open(repaired, Sealing.BACK_OFFICE, Sealing.DEVICE.publicKey())) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          reader.writePlaintext(out);
          assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(plain, (int) m.plaintextLength()));
        }
      }
      Files.delete(damaged);
      Files.delete(repaired);
    }
  }

  @Test
  void recoveredSegmentPlaysUpToItsLastCompleteFragment() throws Exception {
    long cut = records.get(records.size() - 5)[0] + 100; // inside the last fragment's records
    Path damaged = dir.resolve("crash.part");
    Path repaired = dir.resolve("crash.sealed");
    Files.write(damaged, Arrays.copyOf(sealed, (int) cut));
    RecoveryReport report = Recovery.recover(damaged, repaired, Sealing.SIGNER);
    assertThat(report.partialFragmentLost()).isTrue();
    Path mp4 = dir.resolve("crash.mp4");
    new Exporter().export(repaired, Sealing.BACK_OFFICE, Sealing.DEVICE.publicKey(), mp4, dir.resolve("crash.json"));
    Ffmpeg.probe(mp4);
    List<String> frames = Ffmpeg.frameMd5(mp4, "0:v");
    List<String> source = Ffmpeg.frameMd5(Clips.path("bwc-720p30-baseline.h264"), "0:v");
    assertThat(frames).isEqualTo(source.subList(0, frames.size()));
    assertThat(frames).hasSize(30 * report.fragmentsKept());
  }

  @Test
  void tamperingIsNotACrashAndIsRefused() throws Exception {
    byte[] b = Arrays.copyOf(sealed, (int) records.get(records.size() - 3)[0]);
    b[(int) records.get(2)[0] + 20] ^= 1;
    Path damaged = dir.resolve("tampered.part");
    Files.write(damaged, b);
    assertThatThrownBy(() -> Recovery.recover(damaged, dir.resolve("tampered.sealed"), Sealing.SIGNER))
        .isInstanceOf(VerificationFailedException.class);
    assertThat(dir.resolve("tampered.sealed")).doesNotExist();
  }

  @Test
  void aCompleteSegmentNeedsNoRecoveryAndAnExistingTargetIsNotOverwritten() throws Exception {
    Path whole = dir.resolve("whole.sealed");
    Files.write(whole, sealed);
    RecoveryReport report = Recovery.recover(whole, dir.resolve("whole-again.sealed"), Sealing.SIGNER);
    assertThat(report.repaired()).isFalse();
    assertThat(Files.readAllBytes(dir.resolve("whole-again.sealed"))).isEqualTo(sealed);

    Path damaged = dir.resolve("cut.part");
    Files.write(damaged, Arrays.copyOf(sealed, sealed.length / 2));
    Path existing = dir.resolve("exists.sealed");
    Files.writeString(existing, "keep me");
    assertThatThrownBy(() -> Recovery.recover(damaged, existing, Sealing.SIGNER))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(existing)).isEqualTo("keep me");
  }
}
