package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.crypto.Ed25519;
import io.custody.crypto.Signer;
import io.custody.testing.FuzzInvariants;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the sealed container's readers (docs/FUZZING.md), from valid
 * segments sealed with the test-vector keys ({@link SealedSeeds}):
 *
 * <ul>
 *   <li>{@link Verifier} reports, never throws: every input gives a report (a failing one for
 *       anything but an intact segment);
 *   <li>{@link SegmentReader#openUnverified} and its record reading fail only with {@link
 *       SealedFormatException} or {@link DecryptionException};
 *   <li>{@link Recovery} repairs, or refuses with {@link VerificationFailedException} (not a
 *       crash's damage) or {@link SealedFormatException} (cut inside the header), and what it
 *       writes verifies.
 * </ul>
 *
 * All in bounded time and in memory bounded by the input, whatever the header's and records'
 * length fields claim.
 */
class SealedSegmentFuzzTest {
  /**
   * Buffered reading (64 KiB), one record's scratch (up to 256 KiB of plaintext, the format's
   * default), the crypto providers' state; then the fragment table and manifest, from the input.
   */
  private static final FuzzInvariants READING = FuzzInvariants.of(2 << 20, 32);
  private static final Verifier VERIFIER = new Verifier(SealedSeeds.DEVICE.publicKey());
  private static final Signer SIGNER = Ed25519.signer(SealedSeeds.DEVICE);
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("custody-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DIR.toFile().deleteOnExit();
  }

  @FuzzTest
  void verify(byte[] sealed) {
    READING.check(sealed.length, () -> {
      VerificationReport report = VERIFIER.verify(new ByteArrayInputStream(sealed));
      if (report.status() == VerificationReport.Status.COMPLETE) {
        assertThat(report.manifest()).isPresent();
      } else {
        assertThat(report.problem()).isPresent();
      }
    });
  }

  private static final FuzzInvariants DECRYPTING =
      FuzzInvariants.of(2 << 20, 32, SealedFormatException.class, DecryptionException.class);

  @FuzzTest
  void decryptUnverified(byte[] sealed) throws IOException {
    Path file = write("decrypt.sealed", sealed);
    DECRYPTING.check(sealed.length, () -> {
      try (SegmentReader reader = SegmentReader.openUnverified(file, SealedSeeds.RECIPIENT)) {
        reader.readInit();
        for (int i = 0; i < reader.fragmentCount(); i++) {
          reader.readFragment(i);
        }
      }
    });
  }

  private static final FuzzInvariants RECOVERING =
      FuzzInvariants.of(2 << 20, 32, VerificationFailedException.class, SealedFormatException.class);

  @FuzzTest
  void recover(byte[] damaged) throws IOException {
    Path file = write("damaged.sealed", damaged);
    Path repaired = DIR.resolve("repaired.sealed");
    RECOVERING.check(damaged.length, () -> {
      Files.deleteIfExists(repaired);
      Recovery.recover(file, repaired, SIGNER);
      VerificationReport report = VERIFIER.verify(repaired);
      assertThat(report.status()).as("the repaired segment verifies: %s", report).isEqualTo(VerificationReport.Status.COMPLETE);
    });
  }

  private static Path write(String name, byte[] b) throws IOException {
    Path file = DIR.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(b);
    }
    file.toFile().deleteOnExit();
    return file;
  }

  /** The committed seeds are still valid segments (else run {@link SealedSeeds#main}). */
  @Test
  void seedsVerify() throws IOException {
    Map<String, byte[]> made = SealedSeeds.complete();
    for (String name : made.keySet()) {
      Path seed = SealedSeeds.RESOURCES.resolve("SealedSegmentFuzzTestInputs/verify").resolve(name);
      VerificationReport report = VERIFIER.verify(seed);
      assertThat(report.status()).as("%s: %s", seed, report).isEqualTo(VerificationReport.Status.COMPLETE);
    }
  }
}
