package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.mp4.InvalidSettingException;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The sealing settings fail when they are given, naming the setting, not when the first trigger
 * opens a segment.
 */
class SealSettingsTest {
  private static final Signer SIGNER = Ed25519.signer(DeviceSigningKey.generate());
  private static final List<RecipientPublicKey> ONE = List.of(RecipientPrivateKey.generate().publicKey());
  private static final Path DIR = Path.of("never-written");

  @Test
  void theOutputChecksItsSettingsWhenConstructed() {
    assertInvalid("recipients", () -> new SealedSegmentOutput(DIR, SIGNER, List.of()));
    assertInvalid("recipients", () -> new SealedSegmentOutput(DIR, SIGNER, List.of(), 4));
    assertInvalid("checkpointInterval", () -> new SealedSegmentOutput(DIR, SIGNER, ONE, 0));
    assertInvalid("checkpointInterval", () -> new SealedSegmentOutput(DIR, SIGNER, ONE, -3));
  }

  @Test
  void theWriterBuilderChecksEachSettingWhenSet() {
    assertInvalid("recipients", () -> SealedSegmentWriter.builder(SIGNER, List.of()));
    assertInvalid("checkpointInterval", () -> SealedSegmentWriter.builder(SIGNER, ONE).checkpointInterval(0));
    assertInvalid("maxRecordPlaintext", () -> SealedSegmentWriter.builder(SIGNER, ONE).maxRecordPlaintext(4095));
    assertInvalid("maxRecordPlaintext",
        () -> SealedSegmentWriter.builder(SIGNER, ONE).maxRecordPlaintext((16 << 20) + 1));
  }

  private static void assertInvalid(String setting, ThrowingCallable call) {
    InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, call);
    assertThat(e).as(setting).isNotNull();
    assertThat(e.setting()).isEqualTo(setting);
  }
}
