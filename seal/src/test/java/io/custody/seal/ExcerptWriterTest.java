package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.RecipientPrivateKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExcerptWriterTest {
  @Test
  void theBuilderRefusesWhatTheFormatDoesNotAllow() {
    ExcerptWriter.Builder b = ExcerptWriter.builder(RecipientPrivateKey.generate(),
        DeviceSigningKey.generate().publicKey());
    for (String defined : PackageFormat.DESCRIPTION_MEMBERS) {
      assertThatThrownBy(() -> b.statement(defined, "x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a member the format defines");
    }
    b.statement("register", Map.of("verdict", "TRUSTED"));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a recipient");
    assertThatThrownBy(() -> b.openKeys().toRecipient(RecipientPrivateKey.generate().publicKey()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
  }
}
