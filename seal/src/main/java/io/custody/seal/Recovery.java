package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import io.custody.crypto.Signer;
import io.custody.json.Json;
import io.custody.storage.StorageFullException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Repairs a segment whose sealer died mid-way (power cut, crash), on the device that sealed it,
 * with its signing key (docs/FORMAT.md §9). The device cannot decrypt; it does not need to: it
 * keeps every record up to the last complete fragment, after checking the header and the chain
 * against every signed checkpoint, and signs a manifest marked {@code recovered} over them.
 *
 * <p>The original is never modified: the repaired segment is written to a new file (through a
 * temporary name, renamed when complete). A segment that fails for any reason other than being cut
 * short (an altered record, a bad signature) is refused: that is tampering, not a crash.
 * Recovering needs room for the repaired copy (at most the damaged segment's size); on a full disk
 * it raises {@link StorageFullException} and leaves nothing but the untouched original.
 */
public final class Recovery {
  /** Verification failures that a crash can cause: the object simply ends early. */
  private static final Set<String> CRASH_DAMAGE = Set.of("truncated", "incomplete", "footer");

  private Recovery() {}

  /**
   * Writes the repaired form of {@code damaged} to {@code repaired} (which must not exist). A
   * segment that turns out complete (the crash fell after its last byte) is copied unchanged and
   * reported as not repaired.
   *
   * @throws VerificationFailedException if the damage is not a crash's (see above)
   * @throws SealedFormatException {@link SealedFormatException.Reason#TRUNCATED} if the cut fell
   *     inside the header: there is nothing to recover
   * @throws FileAlreadyExistsException if {@code repaired} exists
   */
  public static RecoveryReport recover(Path damaged, Path repaired, Signer device) throws IOException {
    long size = Files.size(damaged);
    VerificationReport report = new Verifier(device.publicKey()).verify(damaged);
    if (report.status() == VerificationReport.Status.COMPLETE) {
      // Complete already (the crash fell between its last byte and its rename): copy it as it is.
      if (Files.exists(repaired)) {
        throw new FileAlreadyExistsException(repaired.toString());
      }
      Path part = repaired.resolveSibling("." + repaired.getFileName() + ".recovering");
      try {
        Files.copy(damaged, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, repaired, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.deleteIfExists(part);
        throw StorageFullException.onLocalDisk(e, part);
      }
      return new RecoveryReport(false, size, size, 0, report.fragments(), false);
    }
    String check = report.problem().orElseThrow().check();
    if (!CRASH_DAMAGE.contains(check)) {
      throw new VerificationFailedException(report);
    }
    if (Files.exists(repaired)) {
      throw new FileAlreadyExistsException(repaired.toString());
    }

    // Find the cut: just after the last complete fragment's FRAGMENT_INFO (and its CHECKPOINT).
    SegmentHeader header;
    long cut;
    int keptRecords;
    byte[] chainAtCut = new byte[HASH];
    long initLength = -1;
    long plaintextAtCut = 0;
    boolean partial = false;
    List<Map<String, Object>> fragments = new ArrayList<>();
    // Hashes of the records from the last kept checkpoint (or record 0) to the cut.
    List<String> tail = new ArrayList<>();
    List<String> unkept = new ArrayList<>();
    long videoSamples = 0;
    long videoDuration = 0;
    long videoBase = 0;
    long videoTimescale = 0;
    long lastWallClock = -1;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(damaged), 1 << 16)) {
      RecordReader r = new RecordReader(in);
      header = r.readHeader();
      cut = r.offset();
      keptRecords = 0;
      System.arraycopy(r.chain, 0, chainAtCut, 0, HASH);
      long plaintext = 0;
      int firstSeq = -1;
      long fragmentOffset = 0;
      while (true) {
        boolean more;
        try {
          more = r.next();
        } catch (SealedFormatException e) {
          // cut inside a fragment's records, its first one included
          partial |= e.reason() == SealedFormatException.Reason.TRUNCATED
              && (firstSeq >= 0 || r.kind == KIND_DATA || r.kind == KIND_DATA_END);
          break;
        }
        if (!more) {
          break;
        }
        int kind = r.kind;
        boolean keep = false;
        if (kind == KIND_INIT) {
          initLength = (long) r.bodyLength - TAG;
          plaintext += initLength;
          keep = true;
        } else if (kind == KIND_DATA || kind == KIND_DATA_END) {
          if (firstSeq < 0) {
            firstSeq = r.seq;
            fragmentOffset = plaintext;
          }
          plaintext += r.bodyLength - TAG;
        } else if (kind == KIND_FRAGMENT_INFO) {
          FragmentInfoRecord info = FragmentInfoRecord.decode(r.body, 0);
          // Unsigned after the last checkpoint: kept only if it states the records before it (as
          // Verifier checks); one that does not is altered, not cut short, so it is refused.
          if (!FragmentInfoRecord.wellFormed(r.body, 0, r.bodyLength) || firstSeq < 0
              || !info.describes(fragments.size(), firstSeq, fragmentOffset, plaintext - fragmentOffset)) {
            throw new VerificationFailedException(new VerificationReport(VerificationReport.Status.FAILED,
                Optional.of(new VerificationReport.Problem("fragment-info", r.seq, r.recordOffset,
                    "fragment info disagrees with the records before it")),
                Optional.of(header), Optional.empty(), r.seq, fragments.size(), 0, r.offset()));
          }
          fragments.add(info.manifestEntry(r.seq, hex(r.chain)));
          if (fragments.size() == 1) {
            videoBase = info.videoDecodeTime();
          }
          videoDuration += info.videoDuration();
          videoTimescale = info.videoTimescale();
          videoSamples += info.videoSamples();
          lastWallClock = info.wallClockMillis();
          firstSeq = -1;
          plaintextAtCut = plaintext;
          keep = true;
        } else if (kind == KIND_CHECKPOINT) {
          keep = keptRecords == r.seq; // right after a kept record
        } else {
          break; // END or MANIFEST: the sealer was finishing; keep the fragments
        }
        unkept.add(hex(r.recordHash));
        if (keep) {
          if (kind == KIND_CHECKPOINT) {
            tail.clear();
          }
          tail.addAll(unkept);
          unkept.clear();
          cut = r.offset();
          keptRecords = r.seq + 1;
          System.arraycopy(r.chain, 0, chainAtCut, 0, HASH);
          if (kind == KIND_INIT) {
            plaintextAtCut = plaintext;
          }
        }
      }
      partial |= firstSeq >= 0;
    }

    Map<String, Object> context = descriptor(header);
    List<String> recipients = new ArrayList<>();
    header.recipients().forEach(x -> recipients.add(x.keyIdHex()));
    List<Map<String, Object>> tracks = new ArrayList<>();
    if (videoTimescale > 0) {
      Map<String, Object> video = new LinkedHashMap<>();
      video.put("kind", "video");
      video.put("timescale", videoTimescale);
      video.put("samples", videoSamples);
      video.put("base_decode_time", videoBase);
      video.put("duration", videoDuration);
      tracks.add(video);
    }
    Instant start = Instant.ofEpochMilli(header.createdMillis());
    Instant end = videoTimescale > 0
        ? Manifests.end(start, videoDuration, videoTimescale)
        : lastWallClock >= 0 ? Instant.ofEpochMilli(lastWallClock) : start;
    String previousHeader = (String) context.get("previous_header_sha256");
    @SuppressWarnings("unchecked")
    Map<String, Object> trigger = (Map<String, Object>) context.get("trigger");
    String json = new Manifests.Fields()
        .segment(header.recordingId(), header.segmentIndex(), (String) context.get("previous_recording_id"))
        .previousHeaderSha256(previousHeader == null ? null : java.util.HexFormat.of().parseHex(previousHeader))
        .people((String) context.get("device_id"), (String) context.get("operator_id"))
        .deviceKeyId(header.deviceKeyIdHex())
        .trigger(trigger)
        .recipients(recipients)
        .span(start, end)
        .chain(keptRecords, hex(chainAtCut), tail)
        .fragments(fragments)
        .plaintext(initLength, plaintextAtCut, null)
        .tracks(tracks)
        .recovered(size - cut)
        .framesLost(framesLost(context))
        .json();

    Path part = repaired.resolveSibling("." + repaired.getFileName() + ".recovering");
    try (InputStream in = Files.newInputStream(damaged);
        OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long left = cut;
      byte[] buf = new byte[1 << 16];
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("the damaged segment shrank while being recovered");
        }
        out.write(buf, 0, n);
        left -= n;
      }
      byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
      byte[] body = new byte[jsonBytes.length + SIGNATURE];
      System.arraycopy(jsonBytes, 0, body, 0, jsonBytes.length);
      byte[] message = Manifests.manifestMessage(chainAtCut, jsonBytes);
      device.sign(message, 0, message.length, body, jsonBytes.length);
      byte[] framing = new byte[FRAMING];
      framing[0] = (byte) KIND_MANIFEST;
      putInt(framing, 1, keptRecords);
      putInt(framing, 5, body.length);
      out.write(framing);
      out.write(body);
      byte[] footer = new byte[FOOTER_LENGTH];
      System.arraycopy(FOOTER_MAGIC, 0, footer, 0, 8);
      putLong(footer, 8, cut);
      out.write(footer);
      try (var channel = java.nio.channels.FileChannel.open(part, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(part, repaired, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      if (e instanceof IOException io) {
        throw StorageFullException.onLocalDisk(io, part);
      }
      throw e;
    }
    return new RecoveryReport(true, size, cut, size - cut, fragments.size(), partial);
  }

  /** The losses the header's descriptor recorded, or null when it recorded none. */
  @SuppressWarnings("unchecked")
  private static List<Object> framesLost(Map<String, Object> context) {
    return context.get("frames_lost") instanceof List<?> l ? (List<Object>) l : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> descriptor(SegmentHeader header) throws SealedFormatException {
    try {
      return (Map<String, Object>) Json.parse(header.descriptorJson());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new SealedFormatException(SealedFormatException.Reason.MALFORMED,
          "the header's descriptor is not a JSON object", -1);
    }
  }
}
