package io.custody.register;

import java.time.Instant;
import java.util.Objects;

/**
 * The key stopped being trusted at {@code at}, for {@code reason}.
 *
 * @param at from when nothing signed with the key is trusted
 * @param reason why
 */
public record Revocation(Instant at, RevocationReason reason) {
  public Revocation {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
  }
}
