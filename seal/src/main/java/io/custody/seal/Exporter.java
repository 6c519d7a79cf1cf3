package io.custody.seal;

import io.custody.crypto.DevicePublicKey;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a sealed segment for disclosure: the plain MP4 (byte-identical to what the recorder
 * produced, playable anywhere) and a JSON document with the signed manifest and the chain of
 * custody (key ids, chain value, verification result, the plaintext hash recomputed on export).
 *
 * <p>Both files are written under temporary names and renamed only when the plaintext has been
 * fully authenticated, so a failed export leaves nothing that looks complete.
 */
public final class Exporter {
  private final Clock clock;

  public Exporter() {
    this(Clock.systemUTC());
  }

  public Exporter(Clock clock) {
    this.clock = clock;
  }

  /** What was exported. */
  public record Result(Path mp4, Path custody, long bytes, String plaintextSha256, SegmentManifest manifest) {}

  /**
   * Verifies {@code sealed} with {@code device}, decrypts it with {@code key} and writes {@code mp4}
   * and {@code custodyJson}.
   *
   * @throws VerificationFailedException if the segment does not verify
   * @throws DecryptionException if it cannot be decrypted with the key
   */
  public Result export(Path sealed, RecipientPrivateKey key, DevicePublicKey device, Path mp4, Path custodyJson)
      throws IOException, DecryptionException {
    Path mp4Part = mp4.resolveSibling("." + mp4.getFileName() + ".part");
    Path jsonPart = custodyJson.resolveSibling("." + custodyJson.getFileName() + ".part");
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      VerificationReport report;
      // One pass: verified and decrypted as it is read, written under a temporary name.
      try (InputStream in = Files.newInputStream(sealed);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(mp4Part), 1 << 16)) {
        report = new SegmentDecryptor(key, device).decrypt(in, SegmentDecryptor.Sink.writingTo(out, sha));
      }
      if (report.status() != VerificationReport.Status.COMPLETE) {
        throw new VerificationFailedException(report);
      }
      SegmentManifest m = report.manifest().orElseThrow();
      String hash = SealFormat.hex(sha.digest());
      // The MP4 is the segment's whole plaintext, so its hash is the one the manifest signs.
      if (m.plaintextSha256().isPresent() && !m.plaintextSha256().get().equals(hash)) {
        throw new DecryptionException(DecryptionException.Reason.PLAINTEXT_MISMATCH,
            "the plaintext does not hash to the manifest's plaintext_sha256");
      }
      Files.writeString(jsonPart, custody(report, key, hash), StandardCharsets.UTF_8);
      Files.move(mp4Part, mp4, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(jsonPart, custodyJson, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Result(mp4, custodyJson, Files.size(mp4), hash, m);
    } finally {
      Files.deleteIfExists(mp4Part);
      Files.deleteIfExists(jsonPart);
    }
  }

  private String custody(VerificationReport v, RecipientPrivateKey key, String sha) {
    SegmentManifest m = v.manifest().orElseThrow();
    SegmentHeader h = v.header().orElseThrow();
    List<String> recipients = new ArrayList<>();
    h.recipients().forEach(r -> recipients.add(r.keyIdHex()));
    Map<String, Object> verification = new LinkedHashMap<>();
    verification.put("ok", v.status() == VerificationReport.Status.COMPLETE);
    verification.put("records", (long) v.records());
    verification.put("fragments", (long) v.fragments());
    verification.put("bytes", v.bytes());
    return Json.object()
        .put("format", "custody-export/1")
        .put("exported_at", clock.instant().toString())
        .put("recording_id", m.recordingId())
        .put("segment_index", (long) m.segmentIndex())
        .put("mp4_sha256", sha)
        .put("manifest_sha256", m.sha256Hex())
        .put("chain_of_custody", Json.object()
            .put("device_key_id", h.deviceKeyIdHex())
            .put("recipients", recipients)
            .put("decrypted_with_key_id", key.publicKey().keyIdHex())
            .put("chain_sha256", m.chainSha256())
            .put("plaintext_sha256_signed", m.plaintextSha256().orElse(null))
            .put("plaintext_sha256_recomputed", sha)
            .put("recovered", m.recovered()))
        .put("verification", verification)
        .put("manifest", Json.parse(m.json()))
        .toString();
  }

  /**
   * The concatenated {@code stsd} boxes of an init part ({@code ftyp} + {@code moov}): what a
   * decoder needs to be the same for fragments to follow one another in one MP4. Segments of a
   * recording whose init parts give the same bytes here can be joined (docs/FORMAT.md).
   */
  public static byte[] sampleDescriptions(byte[] init) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 4; i + 4 <= init.length; i++) {
      if (init[i] == 's' && init[i + 1] == 't' && init[i + 2] == 's' && init[i + 3] == 'd') {
        int size = ((init[i - 4] & 0xff) << 24) | ((init[i - 3] & 0xff) << 16) | ((init[i - 2] & 0xff) << 8)
            | (init[i - 1] & 0xff);
        if (size >= 8 && i - 4 + size <= init.length) {
          out.write(init, i - 4, size);
          i += size - 5;
        }
      }
    }
    return out.toByteArray();
  }
}
