package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.recorder.Recorder;
import io.custody.mp4.SegmentOutput;
import io.custody.mp4.Trigger;
import io.custody.testing.Clips;
import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The write path allocates nothing per frame: once warm, feeding an access unit that does not
 * close a fragment (scan, assembly, timestamps, muxing, nothing to seal yet) allocates no byte on
 * the feeding thread. Closing a fragment (sealing it, signing a checkpoint) and a segment (key
 * wrap, manifest) do allocate; the write-path benchmark counts them per byte.
 */
class SteadyStateAllocationTest {
  /** Drops what is written, counting it: the sealer writes only when a fragment closes. */
  private static final class NullChannel implements WritableByteChannel {
    long written;

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      src.position(src.limit());
      written += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void framesThatCloseNoFragmentAllocateNothing() throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemoryEnabled()).isTrue();
    NullChannel channel = new NullChannel();
    SealedSegmentWriter.Builder seal =
        SealedSegmentWriter.builder(Sealing.SIGNER, List.of(Sealing.BACK_OFFICE.publicKey()));
    SegmentOutput output = d -> seal.open(channel, d);
    Recorder recorder = Recorder.builder(output)
        .fragmentDuration(Duration.ofSeconds(1))
        .segmentDuration(Duration.ofMinutes(10))
        .build();
    recorder.startRecording(Trigger.button());
    // The 3 s 1080p clip (B-frames, 1 s GOPs), fed one access unit's bytes per call, as an
    // encoder delivers them; each call completes the access unit before it.
    byte[] clip = Clips.bytes("bwc-1080p30-high.h264");
    List<AccessUnit> units = AccessUnitAssembler.readAll(clip);
    int[] starts = new int[units.size() + 1];
    for (int i = 0; i < units.size(); i++) {
      starts[i] = (int) units.get(i).streamOffset();
    }
    starts[0] = 0; // the clip's first start code (the others end the chunk before theirs)
    starts[units.size()] = clip.length;
    for (int pass = 0; pass < 4; pass++) { // warm: every buffer at its largest, code compiled
      recorder.feedAnnexB(clip, 0, clip.length);
    }

    long probe = threads.getCurrentThreadAllocatedBytes();
    long overhead = threads.getCurrentThreadAllocatedBytes() - probe;
    // Three clean passes in a row are required. A pass that allocates starts the count again (up
    // to 12 passes): classes loaded by tests that ran earlier in the same JVM can send compiled
    // code back to the interpreter for a while, which allocates where the compiled code does not;
    // an allocation the code really makes shows up in every pass and never gives three clean ones.
    List<String> allocating = new ArrayList<>();
    int quiet = 0;
    int clean = 0;
    for (int pass = 0; pass < 12 && clean < 3; pass++) {
      List<String> thisPass = new ArrayList<>();
      int quietThisPass = 0;
      for (int i = 0; i < units.size(); i++) {
        long before = channel.written;
        long start = threads.getCurrentThreadAllocatedBytes();
        recorder.feedAnnexB(clip, starts[i], starts[i + 1] - starts[i]);
        long allocated = threads.getCurrentThreadAllocatedBytes() - start - overhead;
        if (channel.written == before) { // closed no fragment
          quietThisPass++;
          if (allocated != 0) {
            thisPass.add("pass " + pass + " unit " + i + ": " + allocated + " B");
          }
        }
      }
      clean = thisPass.isEmpty() ? clean + 1 : 0;
      quiet = quietThisPass;
      allocating = thisPass;
    }
    recorder.close();

    assertThat(quiet).as("at least 3 feeds of a pass closed a fragment").isLessThan(units.size() - 2);
    assertThat(quiet).isGreaterThan(60);
    assertThat(allocating).as("feeds that closed no fragment but allocated").isEmpty();
    assertThat(clean).as("passes in a row without allocating").isEqualTo(3);
  }
}
