package io.custody.seal;

import io.custody.recorder.FileSegmentOutput;
import io.custody.recorder.Recorder;
import io.custody.recorder.RecorderListener;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.SegmentOutput;
import io.custody.recorder.SegmentSummary;
import io.custody.mp4.Trigger;
import io.custody.crypto.DeviceSigningKey;
import io.custody.crypto.Ed25519;
import io.custody.crypto.RecipientPrivateKey;
import io.custody.crypto.Signer;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test support: keys, and a recorder that writes each segment both plain and sealed. */
final class Sealing {
  static final DeviceSigningKey DEVICE = DeviceSigningKey.generate();
  static final RecipientPrivateKey BACK_OFFICE = RecipientPrivateKey.generate();
  static final RecipientPrivateKey ESCROW = RecipientPrivateKey.generate();
  static final Signer SIGNER = Ed25519.signer(DEVICE);

  private Sealing() {}

  /** One recorded segment, in both forms. */
  record Pair(Path plain, Path sealed, SegmentDescriptor descriptor) {}

  /** Writes every call to both sinks. */
  static SegmentOutput tee(SegmentOutput a, SegmentOutput b) {
    return d -> both(a.open(d), b.open(d));
  }

  private static FragmentSink both(FragmentSink x, FragmentSink y) {
    return new FragmentSink() {
      @Override
      public void init(ByteBuffer ftypMoov) throws IOException {
        ByteBuffer copy = ftypMoov.duplicate();
        x.init(ftypMoov);
        y.init(copy);
      }

      @Override
      public void fragment(ByteBuffer f, FragmentInfo info) throws IOException {
        ByteBuffer copy = f.duplicate();
        x.fragment(f, info);
        y.fragment(copy, info);
      }

      @Override
      public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
        x.end(info, lastInRecording);
        y.end(info, lastInRecording);
      }
    };
  }

  /** Records the whole Annex-B stream (trigger at the start) into plain and sealed segments. */
  static List<Pair> record(byte[] annexB, Path dir, Duration segment, int checkpointInterval)
      throws IOException {
    FileSegmentOutput plain = new FileSegmentOutput(dir.resolve("plain"));
    SealedSegmentOutput sealed = new SealedSegmentOutput(dir.resolve("sealed"), SIGNER,
        List.of(BACK_OFFICE.publicKey(), ESCROW.publicKey()), checkpointInterval);
    List<Pair> pairs = new ArrayList<>();
    Recorder r = Recorder.builder(tee(plain, sealed))
        .segmentDuration(segment)
        .streamStart(Instant.parse("2026-11-25T10:00:00Z"))
        .deviceId("CAM-0042")
        .operatorId("PC-1234")
        .listener(new RecorderListener() {
          @Override
          public void segmentClosed(SegmentSummary s) {
            pairs.add(new Pair(plain.pathOf(s.descriptor()), sealed.pathOf(s.descriptor()), s.descriptor()));
          }
        })
        .build();
    r.startRecording(Trigger.button());
    r.feedAnnexB(annexB, 0, annexB.length);
    r.close();
    return pairs;
  }
}
