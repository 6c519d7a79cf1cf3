package io.custody.seal;

import static io.custody.seal.SealFormat.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.RecipientPrivateKey;
import io.custody.testing.Clips;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-pass reader against the random-access one and the verifier, on a real segment. */
class SegmentDecryptorTest {
  @TempDir static Path dir;
  static Sealing.Pair pair;
  static byte[] sealed;

  @BeforeAll
  static void seal() throws IOException {
    List<Sealing.Pair> pairs = Sealing.record(Clips.bytes("bwc-720p30-baseline.h264"), dir, Duration.ofSeconds(2), 1);
    pair = pairs.get(0);
    sealed = Files.readAllBytes(pair.sealed());
  }

  /** What a sink was given. */
  static final class Collected implements SegmentDecryptor.Sink {
    final ByteArrayOutputStream init = new ByteArrayOutputStream();
    final ByteArrayOutputStream media = new ByteArrayOutputStream();
    int initCalls;

    @Override
    public void init(byte[] b, int offset, int length) {
      assertThat(media.size()).as("init comes first").isZero();
      initCalls++;
      init.write(b, offset, length);
    }

    @Override
    public void media(byte[] b, int offset, int length) {
      media.write(b, offset, length);
    }

    byte[] plaintext() {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(init.toByteArray());
      all.writeBytes(media.toByteArray());
      return all.toByteArray();
    }
  }

  static VerificationReport decrypt(byte[] b, RecipientPrivateKey key, Collected sink)
      throws IOException, DecryptionException {
    return new SegmentDecryptor(key, Sealing.DEVICE.publicKey()).decrypt(new ByteArrayInputStream(b), sink);
  }

  @Test
  void givesTheSamePlaintextAsTheRandomAccessReaderAndTheSameReportAsTheVerifier() throws Exception {
    for (RecipientPrivateKey key : List.of(Sealing.BACK_OFFICE, Sealing.ESCROW)) {
      Collected sink = new Collected();
      VerificationReport report = decrypt(sealed, key, sink);
      assertThat(report.status()).isEqualTo(VerificationReport.Status.COMPLETE);
      assertThat(report.summary()).isEqualTo(new Verifier(Sealing.DEVICE.publicKey()).verify(pair.sealed()).summary());
      try (SegmentReader reader = SegmentReader.open(pair.sealed(), key, Sealing.DEVICE.publicKey())) {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        reader.writePlaintext(whole);
        assertThat(sink.initCalls).isEqualTo(1);
        assertThat(sink.init.toByteArray()).isEqualTo(reader.readInit());
        assertThat(sink.plaintext()).isEqualTo(whole.toByteArray()).isEqualTo(Files.readAllBytes(pair.plain()));
      }
    }
  }

  @Test
  void aKeyTheSegmentWasNotSealedForIsRefusedBeforeAnyPlaintext() {
    Collected sink = new Collected();
    assertThatThrownBy(() -> decrypt(sealed, RecipientPrivateKey.generate(), sink))
        .isInstanceOf(DecryptionException.class)
        .extracting(e -> ((DecryptionException) e).reason()).isEqualTo(DecryptionException.Reason.NOT_A_RECIPIENT);
    assertThat(sink.initCalls).isZero();
    assertThat(sink.media.size()).isZero();
  }

  @Test
  void anAlteredRecordStopsThePlaintextAndTheReportNamesIt() throws Exception {
    RecordReader r = new RecordReader(new ByteArrayInputStream(sealed));
    r.readHeader();
    long at = -1;
    int seq = -1;
    while (r.next()) {
      if (r.kind == KIND_DATA || r.kind == KIND_DATA_END) {
        at = r.recordOffset + FRAMING + 100;
        seq = r.seq;
        break;
      }
    }
    byte[] b = sealed.clone();
    b[(int) at] ^= 0x10;
    Collected sink = new Collected();
    VerificationReport report = decrypt(b, Sealing.BACK_OFFICE, sink);
    assertThat(report.status()).isEqualTo(VerificationReport.Status.FAILED);
    assertThat(report.problem().orElseThrow().record()).isEqualTo(seq);
    assertThat(report.summary()).isEqualTo(new Verifier(Sealing.DEVICE.publicKey()).verify(new ByteArrayInputStream(b)).summary());
    byte[] plain = Files.readAllBytes(pair.plain());
    assertThat(plain).startsWith(sink.plaintext()); // nothing unauthenticated, nothing after the altered record
    assertThat(sink.plaintext().length).isLessThan(plain.length);
  }

  @Test
  void aCutSegmentIsUnfinishedAndWhatWasGivenIsAPrefix() throws Exception {
    byte[] cut = Arrays.copyOf(sealed, sealed.length * 2 / 3);
    Collected sink = new Collected();
    VerificationReport report = decrypt(cut, Sealing.BACK_OFFICE, sink);
    assertThat(report.status()).isEqualTo(VerificationReport.Status.UNFINISHED);
    assertThat(Files.readAllBytes(pair.plain())).startsWith(sink.plaintext());
    assertThat(sink.media.size()).isPositive();
  }
}
