package io.custody.recorder;

import io.custody.mp4.SegmentOutput;
import io.custody.mp4.FragmentInfo;
import io.custody.mp4.FragmentSink;
import io.custody.mp4.SegmentInfo;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Test outputs that pass everything on to another, running a hook before each fragment. */
final class InterceptedOutput {
  private InterceptedOutput() {}

  /** Runs before a fragment is passed on: it may wait, or fail the write. */
  @FunctionalInterface
  interface BeforeFragment {
    void run() throws IOException;
  }

  /** {@code delegate}, with {@code hook} run before every fragment of every segment. */
  static SegmentOutput of(SegmentOutput delegate, BeforeFragment hook) {
    return segment -> {
      FragmentSink sink = delegate.open(segment);
      return new FragmentSink() {
        @Override
        public void init(ByteBuffer ftypMoov) throws IOException {
          sink.init(ftypMoov);
        }

        @Override
        public void fragment(ByteBuffer prftMoofMdat, FragmentInfo info) throws IOException {
          hook.run();
          sink.fragment(prftMoofMdat, info);
        }

        @Override
        public void end(SegmentInfo info, boolean lastInRecording) throws IOException {
          sink.end(info, lastInRecording);
        }

        @Override
        public void abort() throws IOException {
          sink.abort();
        }
      };
    };
  }
}
