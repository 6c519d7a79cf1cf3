package io.custody.seal;

import static io.custody.seal.SealFormat.KIND_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.seal.VerificationReport.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A segment verifies as complete, unfinished (cut short, unrecovered) or failed: one status. */
class VerificationStatusTest {
  private static final Verifier VERIFIER = new Verifier(SealedSeeds.DEVICE.publicKey());

  @Test
  void aWholeSegmentIsComplete() throws IOException {
    VerificationReport r = verify(SealedSeeds.seal(3, 1, 1000, true));
    assertThat(r.status()).isEqualTo(Status.COMPLETE);
    assertThat(r.manifest()).isPresent();
    assertThat(r.problem()).isEmpty();
    assertThat(r.summary()).startsWith("OK: ");
  }

  /** Cut at every record boundary before the manifest, and inside records: unfinished, never complete. */
  @Test
  void aSegmentCutShortIsUnfinishedNotComplete() throws IOException {
    byte[] sealed = SealedSeeds.seal(3, 1, 1000, true);
    RecordReader reader = new RecordReader(new ByteArrayInputStream(sealed));
    reader.readHeader();
    List<Long> cuts = new ArrayList<>(List.of(reader.offset()));
    while (reader.next() && reader.kind != KIND_MANIFEST) {
      cuts.add(reader.offset());
      cuts.add(reader.offset() - 1);
    }
    for (long cut : cuts) {
      VerificationReport r = verify(Arrays.copyOf(sealed, (int) cut));
      assertThat(r.status()).as("cut at %d: %s", cut, r.summary()).isEqualTo(Status.UNFINISHED);
      assertThat(r.manifest()).isEmpty();
      assertThat(r.problem().orElseThrow().check()).isIn("incomplete", "truncated");
      assertThat(r.summary()).startsWith("UNFINISHED: ");
    }
  }

  @Test
  void alteredOrHeaderlessSegmentsFail() throws IOException {
    byte[] sealed = SealedSeeds.seal(3, 1, 1000, true);
    RecordReader reader = new RecordReader(new ByteArrayInputStream(sealed));
    reader.readHeader();
    do {
      reader.next();
    } while (reader.kind != SealFormat.KIND_DATA_END);
    byte[] flipped = sealed.clone();
    flipped[(int) reader.recordOffset + SealFormat.FRAMING + 5] ^= 1; // the first fragment's ciphertext
    assertThat(verify(flipped).status()).isEqualTo(Status.FAILED);
    assertThat(verify(Arrays.copyOf(sealed, 40)).status()).as("cut inside the header").isEqualTo(Status.FAILED);
    byte[] flippedThenCut = Arrays.copyOf(flipped, flipped.length * 3 / 4);
    assertThat(verify(flippedThenCut).status()).as("altered, then cut").isNotEqualTo(Status.COMPLETE);
  }

  @Test
  void aRecordingWithAnUnfinishedSegmentDoesNotVerify() throws IOException {
    byte[] sealed = SealedSeeds.seal(3, 1, 1000, true);
    RecordingReport r = Verifier.checkRecording(List.of(verify(Arrays.copyOf(sealed, sealed.length - 30))));
    assertThat(r.ok()).isFalse();
    assertThat(r.problem().orElseThrow()).contains("does not verify");
  }

  private static VerificationReport verify(byte[] sealed) throws IOException {
    return VERIFIER.verify(new ByteArrayInputStream(sealed));
  }
}
