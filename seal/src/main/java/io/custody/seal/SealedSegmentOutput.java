package io.custody.seal;

import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.crypto.RecipientPublicKey;
import io.custody.crypto.Signer;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import io.custody.storage.StorageFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The evidence {@link SegmentOutput}: seals every segment the recorder writes into {@code
 * DIR/RECORDING_ID/NNNNN.sealed} (docs/FORMAT.md) and chains the segments of a recording through
 * their manifest hashes.
 *
 * <p>A segment is written to {@code .NNNNN.sealed.part} (which appears only once its signed header
 * is on disk), forced to storage after every fragment's
 * checkpoint is written (so a power cut loses at most the fragment in progress, which {@link
 * Recovery} then proves), and renamed to its final name when its manifest is written.
 *
 * <p>A full disk raises {@link StorageFullException} from the call that hit it. The segment being
 * written keeps its .part name (never the final one), its file closed, with every fragment
 * completed before; {@code recover} closes it once there is room for the closed copy. A segment
 * whose header did not fit leaves nothing.
 */
public final class SealedSegmentOutput implements SegmentOutput {
  private final Path directory;
  private final Signer signer;
  private final List<RecipientPublicKey> recipients;
  private final int checkpointInterval;
  // Per recording in progress: the SHA-256 of its latest segment header, which its next segment
  // names. The entry goes when that segment ends the recording or is aborted, so a dock that
  // records for months holds only the recordings it is writing.
  private final Map<String, byte[]> lastHeader = new HashMap<>();

  /**
   * An output that seals under {@code directory} with the device's {@code signer}, wrapping each
   * segment's content key for every one of {@code recipients}, and signs a checkpoint after every
   * fragment.
   *
   * @throws io.custody.mp4.InvalidSettingException if there is no recipient
   */
  public SealedSegmentOutput(Path directory, Signer signer, List<RecipientPublicKey> recipients) {
    this(directory, signer, recipients, 1);
  }

  /**
   * As above, signing a checkpoint after every {@code checkpointInterval} fragments.
   *
   * @throws io.custody.mp4.InvalidSettingException if there is no recipient or the interval is
   *     below 1
   */
  public SealedSegmentOutput(Path directory, Signer signer, List<RecipientPublicKey> recipients,
      int checkpointInterval) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.recipients = SealedSegmentWriter.Builder.checkRecipients(recipients);
    this.checkpointInterval = SealedSegmentWriter.Builder.checkCheckpointInterval(checkpointInterval);
  }

  /** Where the segment with this descriptor is once complete. */
  public Path pathOf(SegmentDescriptor segment) {
    return directory.resolve(segment.key(".sealed"));
  }

  @Override
  public FragmentSink open(SegmentDescriptor segment) throws IOException {
    Path target = pathOf(segment);
    Path part = target.resolveSibling("." + target.getFileName() + ".part");
    // The signed header is written under a third name and renamed to .part: so a .part file (what
    // recover works on) always starts with a complete header, wherever a crash falls.
    Path opening = target.resolveSibling("." + target.getFileName() + ".new");
    FileChannel channel;
    try {
      Files.createDirectories(target.getParent());
      channel = FileChannel.open(opening, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw StorageFullException.onLocalDisk(e, opening);
    }
    byte[] previous;
    synchronized (lastHeader) {
      previous = segment.index() == 0 ? null : lastHeader.get(segment.recording().id());
    }
    SealedSegmentWriter writer;
    byte[] headerSha256;
    try {
      writer = SealedSegmentWriter.builder(signer, recipients)
          .checkpointInterval(checkpointInterval)
          .previousHeaderSha256(previous)
          .open(channel, segment);
      channel.force(true);
      Files.move(opening, part, StandardCopyOption.ATOMIC_MOVE);
      headerSha256 = java.util.HexFormat.of().parseHex(writer.header().sha256Hex());
      synchronized (lastHeader) {
        lastHeader.put(segment.recording().id(), headerSha256);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(opening);
      if (e instanceof IOException io) {
        throw StorageFullException.onLocalDisk(io, opening);
      }
      throw e;
    }
    return new FragmentSink() {
      @Override
      public void init(ByteBuffer ftypMoov) throws IOException {
        try {
          writer.init(ftypMoov);
        } catch (IOException | RuntimeException e) {
          abandon(e);
        }
      }

      @Override
      public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
        try {
          writer.fragment(prftMoofMdat, info);
          channel.force(false);
        } catch (IOException | RuntimeException e) {
          abandon(e);
        }
      }

      /** The segment stays as .part, as after a crash, for recovery to close; its file is closed. */
      @Override
      public void abort() throws IOException {
        forget(segment, headerSha256);
        channel.close();
      }

      /**
       * A write failed (e.g. the disk is full, raised as {@link StorageFullException}): the
       * recorder cannot go on with this segment, which stays as .part for recovery.
       */
      private void abandon(Exception e) throws IOException {
        try {
          abort();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof IOException io) {
          throw StorageFullException.onLocalDisk(io, part);
        }
        throw (RuntimeException) e;
      }

      @Override
      public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
        try (FileChannel c = channel) {
          writer.end(info, lastInRecording);
          c.force(true);
          Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw StorageFullException.onLocalDisk(e, part);
        } finally {
          if (lastInRecording) {
            forget(segment, headerSha256);
          }
        }
      }
    };
  }

  /**
   * Forgets the recording of {@code segment} unless a later segment of it was opened since (its
   * header is then the one the next segment names): no segment of it will follow this one.
   */
  private void forget(SegmentDescriptor segment, byte[] headerSha256) {
    synchronized (lastHeader) {
      lastHeader.remove(segment.recording().id(), headerSha256); // by identity: this segment's entry only
    }
  }

  /** How many recordings the output holds state for: those with a segment open or yet to end. */
  int recordingsInProgress() {
    synchronized (lastHeader) {
      return lastHeader.size();
    }
  }
}
