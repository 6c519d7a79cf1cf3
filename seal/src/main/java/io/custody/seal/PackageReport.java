package io.custody.seal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a disclosure package proves (docs/FORMAT.md §12), or the first reason it does not: {@link
 * PackageVerifier}'s answer. Everything here but {@link #description()} is proven by the device's
 * signatures; the description is the exporter's, and the verifier has checked every claim in it
 * that the records can prove.
 *
 * @param problem the first failed check, empty when the package verifies
 * @param recordingId the recording (from the signed headers; empty if not reached)
 * @param deviceId the camera, as its signed header names it
 * @param operatorId the officer, as its signed header names it
 * @param deviceKeyId the hex key id of the device key that signed
 * @param pieces the runs of fragments, one per segment, in order
 * @param from the wall-clock time of the first fragment's first frame ({@code prft})
 * @param to the wall-clock end of the last fragment (its {@code prft} time plus its video duration)
 * @param fromSeconds the first fragment's start from the recording's first frame (video decode time)
 * @param toSeconds the last fragment's end from the recording's first frame
 * @param startsRecording whether the excerpt begins with the recording's first fragment
 * @param endsRecording whether it ends with the recording's last fragment
 * @param recipientKeyId the hex key id the content keys are wrapped to; empty when they are open
 * @param description the package's description as parsed (empty if it does not parse)
 */
public record PackageReport(Optional<Problem> problem, String recordingId, String deviceId, String operatorId,
    String deviceKeyId, List<Piece> pieces, Optional<Instant> from, Optional<Instant> to,
    Optional<BigDecimal> fromSeconds, Optional<BigDecimal> toSeconds, boolean startsRecording,
    boolean endsRecording, Optional<String> recipientKeyId, Map<String, Object> description) {

  public PackageReport {
    pieces = List.copyOf(pieces);
    description = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(description));
  }

  /**
   * A run of fragments of one segment.
   *
   * @param segmentIndex the segment
   * @param firstFragment its first fragment in the package
   * @param lastFragment its last
   * @param startsSegment whether the run begins with the segment's first fragment
   * @param endsSegment whether it ends with the segment's last fragment (proven by its manifest)
   * @param headerSha256 the hex SHA-256 of the segment's signed header (what the next segment names)
   * @param fragmentChains the hex chain value just after each fragment's FRAGMENT_INFO, first to
   *     last: what the segment's manifest lists as each fragment's {@code chain_sha256}
   */
  public record Piece(int segmentIndex, int firstFragment, int lastFragment, boolean startsSegment,
      boolean endsSegment, String headerSha256, List<String> fragmentChains) {
    public Piece {
      fragmentChains = List.copyOf(fragmentChains);
    }

    @Override
    public String toString() {
      return (firstFragment == lastFragment ? "fragment " + firstFragment
          : "fragments " + firstFragment + " to " + lastFragment) + " of segment " + segmentIndex;
    }
  }

  /**
   * Why a package does not verify, and where.
   *
   * @param piece the piece (from 0), or -1 for the package as a whole
   * @param segmentIndex its segment, or -1
   * @param record the record (its seq, which is its position in the segment), or -1
   * @param check a short name of the failed check
   * @param message what is wrong
   */
  public record Problem(int piece, int segmentIndex, int record, String check, String message) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      if (piece >= 0) {
        b.append("piece ").append(piece).append(" (segment ").append(segmentIndex).append(')');
        if (record >= 0) {
          b.append(", record ").append(record);
        }
        b.append(": ");
      }
      return b.append(message).append(" [").append(check).append(']').toString();
    }
  }

  /** Whether the package verifies. */
  public boolean ok() {
    return problem.isEmpty();
  }

  /** Lines for a person: what is proven, or why not. */
  public List<String> summary() {
    if (problem.isPresent()) {
      return List.of("FAILED: " + problem.get());
    }
    StringBuilder span = new StringBuilder();
    for (Piece p : pieces) {
      span.append(span.length() == 0 ? "" : ", then ").append(p);
    }
    return List.of(
        "recording " + recordingId + ", device " + (deviceId.isEmpty() ? "(no id)" : deviceId) + " (key "
            + deviceKeyId + "), operator " + (operatorId.isEmpty() ? "(no id)" : operatorId),
        "proven: " + span + (pieces.size() > 1 ? ", contiguous across segments" : ", contiguous"),
        "span: " + time(from.orElseThrow()) + " to " + time(to.orElseThrow()) + " ("
            + fromSeconds.orElseThrow().toPlainString() + " s to " + toSeconds.orElseThrow().toPlainString()
            + " s from the recording's start)",
        (startsRecording ? "starts the recording" : "does not start the recording") + "; "
            + (endsRecording ? "ends the recording" : "does not end the recording"),
        "keys: " + recipientKeyId.map(k -> "wrapped to recipient " + k).orElse("open (anyone can decrypt)"));
  }

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** An instant as ISO 8601 UTC with exactly three decimals, as a package's description holds it. */
  public static String time(Instant t) {
    return MILLIS.format(t);
  }
}
