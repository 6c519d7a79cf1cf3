package io.custody.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.custody.h264.AccessUnit;
import io.custody.h264.AccessUnitAssembler;
import io.custody.mp4.InvalidSettingException;
import io.custody.mp4.SegmentDescriptor;
import io.custody.mp4.Trigger;
import io.custody.recorder.RecorderStateTest.Memory;
import io.custody.testing.Clips;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The recorder's settings: checked when set, and fixed at {@code build()}. */
class RecorderSettingsTest {
  private static final Memory NOWHERE = new Memory();

  @Test
  void eachInvalidSettingFailsWhenSetNamingIt() {
    assertInvalid("preEvent", b -> b.preEvent(Duration.ofSeconds(-1)));
    assertInvalid("preEvent", b -> b.preEvent(Duration.ofSeconds(121)));
    assertInvalid("preEventMaxBytes", b -> b.preEventMaxBytes(1000));
    assertInvalid("segmentDuration", b -> b.segmentDuration(Duration.ZERO));
    assertInvalid("segmentDuration", b -> b.segmentDuration(Duration.ofMinutes(-1)));
    assertInvalid("segmentMaxBytes", b -> b.segmentMaxBytes(0));
    assertInvalid("maxRecordingDuration", b -> b.maxRecordingDuration(Duration.ZERO));
    assertInvalid("fragmentDuration", b -> b.fragmentDuration(Duration.ofMillis(-1)));
    assertInvalid("frameRate", b -> b.frameRate(0, 1));
    assertInvalid("frameRate", b -> b.frameRate(30, -1));
  }

  private static void assertInvalid(String setting, Consumer<Recorder.Builder> set) {
    InvalidSettingException e =
        catchThrowableOfType(InvalidSettingException.class, () -> set.accept(Recorder.builder(NOWHERE)));
    assertThat(e).as(setting).isNotNull();
    assertThat(e.setting()).isEqualTo(setting);
    assertThat(e).hasMessageStartingWith(setting + ": ");
  }

  /** What a running recorder does is what the builder said at build(), whatever it says later. */
  @Test
  void changingTheBuilderAfterBuildChangesNothing() throws IOException {
    List<AccessUnit> units = AccessUnitAssembler.readAll(Clips.bytes("bwc-720p30-baseline.h264"));
    Memory heard = new Memory();
    Memory later = new Memory();
    List<SegmentDescriptor> opened = new ArrayList<>();
    Recorder.Builder b = Recorder.builder(segment -> {
          opened.add(segment);
          return heard.open(segment);
        })
        .segmentDuration(Duration.ofSeconds(1)).deviceId("CAM-A").listener(heard);
    Recorder r = b.build();
    b.segmentDuration(Duration.ofSeconds(60)).deviceId("CAM-B").operatorId("PC-B").listener(later)
        .preEvent(Duration.ZERO).fragmentDuration(Duration.ofSeconds(30));
    r.startRecording(Trigger.button());
    for (int i = 0; i < units.size(); i++) {
      r.feedAccessUnit(units.get(i), i * 3000L, i * 3000L);
    }
    r.close();
    // keyframes at 0, 30, 60 and 90 (1 s apart): one-second segments, as built
    assertThat(heard.segments).hasSize(4);
    assertThat(heard.frames()).isEqualTo(units.size());
    assertThat(later.segments).isEmpty();
    assertThat(opened).extracting(SegmentDescriptor::deviceId).containsOnly("CAM-A");
    assertThat(opened).extracting(SegmentDescriptor::operatorId).containsOnly("");
  }
}
