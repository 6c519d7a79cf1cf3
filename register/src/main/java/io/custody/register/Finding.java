package io.custody.register;

import java.util.Objects;
import java.util.Optional;

/**
 * What the register says of one signature.
 *
 * @param verdict the verdict
 * @param device the key's entry, unless the key is unknown
 * @param officer who held the camera at the time the device claims, if anyone was assigned
 * @param explanation the verdict in words, with the times it rests on
 */
public record Finding(Verdict verdict, Optional<Device> device, Optional<String> officer, String explanation) {
  public Finding {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(officer, "officer");
    Objects.requireNonNull(explanation, "explanation");
  }

  /** Whether the signature may be reported as verified evidence. */
  public boolean trusted() {
    return verdict == Verdict.TRUSTED;
  }
}
