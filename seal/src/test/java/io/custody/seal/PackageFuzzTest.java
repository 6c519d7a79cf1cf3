package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.testing.FuzzInvariants;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the disclosure package reader (docs/FUZZING.md), from the package
 * test vector (docs/test-vectors/package, sealed with the test-vector device key):
 *
 * <ul>
 *   <li>{@link PackageVerifier#verify} reports, never throws: a failing report for anything but an
 *       intact package;
 *   <li>{@link PackageVerifier#decrypt} for its recipient fails only with {@link
 *       DecryptionException}.
 * </ul>
 *
 * All in bounded time and in memory bounded by the input, whatever its length fields claim.
 */
class PackageFuzzTest {
  /** Buffered reading, one record's scratch, a header; then 37 bytes per record position. */
  private static final FuzzInvariants READING = FuzzInvariants.of(2 << 20, 32);
  private static final PackageVerifier VERIFIER = new PackageVerifier(SealedSeeds.DEVICE.publicKey());
  private static final RecipientPrivateKey RECIPIENT;

  static {
    // the package vector's recipient (docs/test-vectors/package/recipient.key), from the classpath:
    // the fuzzer runs from the repository's root, the tests from the module's
    try (java.io.InputStream in = PackageFuzzTest.class.getResourceAsStream("package-recipient.key")) {
      RECIPIENT = RecipientPrivateKey.fromPem(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void verify(byte[] pkg) {
    READING.check(pkg.length, () -> {
      PackageReport report = VERIFIER.verify(new ByteArrayInputStream(pkg));
      if (report.ok()) {
        assertThat(report.pieces()).isNotEmpty();
      } else {
        assertThat(report.problem()).isPresent();
      }
    });
  }

  private static final FuzzInvariants DECRYPTING = FuzzInvariants.of(2 << 20, 32, DecryptionException.class);

  @FuzzTest
  void decrypt(byte[] pkg) {
    DECRYPTING.check(pkg.length, () -> VERIFIER.decrypt(new ByteArrayInputStream(pkg), Optional.of(RECIPIENT),
        SegmentDecryptor.Sink.writingTo(OutputStream.nullOutputStream(), sha256())));
  }

  /** The committed seeds are the test vector, which still verifies, and its recipient's key. */
  @Test
  void seedsVerify() throws IOException {
    assertThat(VERIFIER.verify(Paths.get("src/test/resources/io/custody/seal/PackageFuzzTestInputs/verify/excerpt.cpkg"))
        .ok()).isTrue();
    assertThat(Files.readAllBytes(Paths.get("src/test/resources/io/custody/seal/PackageFuzzTestInputs/decrypt/excerpt.cpkg")))
        .isEqualTo(Files.readAllBytes(PackageVectorsTest.DIR.resolve("excerpt.cpkg")));
    assertThat(RECIPIENT.publicKey().toPem()).isEqualTo(Files.readString(PackageVectorsTest.DIR.resolve("recipient.pub")));
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
