package io.custody.register;

import io.custody.crypto.DevicePublicKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One device key as the register holds it.
 *
 * @param keyId the key id (hex SHA-256 of the public key's SubjectPublicKeyInfo, FORMAT.md §2)
 * @param publicKey the device's public key
 * @param suite the signature suite the camera was provisioned with ({@code ed25519} or {@code p256})
 * @param serial the camera's serial number
 * @param model the camera's model, if recorded
 * @param validFrom from when the key is trusted
 * @param assignments to whom the camera was issued, in order of {@link Assignment#from}
 * @param revocation when and why the key stopped being trusted, if it did
 */
public record Device(String keyId, DevicePublicKey publicKey, String suite, String serial, Optional<String> model,
    Instant validFrom, List<Assignment> assignments, Optional<Revocation> revocation) {
  public Device {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(validFrom, "validFrom");
    assignments = assignments.stream().sorted(Comparator.comparing(Assignment::from)).toList();
    Objects.requireNonNull(revocation, "revocation");
  }

  /** Who held the camera at {@code t}: the latest assignment that began at or before it. */
  public Optional<String> officerAt(Instant t) {
    String officer = null;
    for (Assignment a : assignments) {
      if (!a.from().isAfter(t)) {
        officer = a.officer();
      }
    }
    return Optional.ofNullable(officer);
  }
}
