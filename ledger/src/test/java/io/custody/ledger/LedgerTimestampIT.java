package io.custody.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.ledger.LedgerReport.Kind;
import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints time-stamped by an RFC 3161 authority (OpenSSL's), stored beside them and verified. */
class LedgerTimestampIT {
  @TempDir Path tmp;

  @Test
  void theNewestCheckpointIsTimeStampedAndTheTokenVerifiesWithTheLog() throws Exception {
    try (OpenSslTsa authority = OpenSslTsa.start(Files.createDirectories(tmp.resolve("tsa")));
        BlobStore store = Storage.open(tmp.resolve("log").toUri())) {
      TimestampAuthority tsa = TimestampAuthority.of(authority.url(), authority.certificate());
      Ledger ledger = Ledger.create(store, LedgerTest.ORIGIN, LedgerTest.KEY);
      ledger.append(LedgerTest.note("one"));
      Instant before = Instant.now().minusSeconds(2);
      Ledger.TimestampedCheckpoint t = ledger.timestampNewest(tsa);
      assertThat(t.checkpoint().size()).isEqualTo(1);
      assertThat(Duration.between(before, t.time()).abs()).isLessThan(Duration.ofSeconds(10));
      assertThat(ledger.timestampNewest(tsa).time()).as("asked again: the stored token").isEqualTo(t.time());
      ledger.append(LedgerTest.note("two"));
      ledger.timestampNewest(tsa);

      LedgerReport r = LedgerVerifier.verify(store, LedgerTest.KEY.publicKey(), Optional.empty(), authority.certificate());
      assertThat(r.problems()).isEmpty();
      assertThat(r.timestamps()).extracting(x -> x.checkpoint().size()).containsExactly(1L, 2L);

      Path token = tmp.resolve("log").resolve(TilePaths.timestamp(1));
      token.toFile().setWritable(true);
      byte[] b = Files.readAllBytes(token);
      b[b.length / 2] ^= 1;
      Files.write(token, b);
      assertThat(LedgerVerifier.verify(store, LedgerTest.KEY.publicKey(), Optional.empty(), authority.certificate()).problems())
          .extracting(LedgerReport.Problem::kind, LedgerReport.Problem::object)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.TIMESTAMP_INVALID, TilePaths.timestamp(1)));
    }
  }
}
