package io.custody.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What an access unit says of the decoder's parameter-set state and of POC resets, on the
 * conformance streams that need it: PPS redefined between pictures, parameter sets switched by id,
 * and memory management operation 5.
 */
class ParameterSetStateTest {
  static final Path CONFORMANCE = Paths.get(System.getProperty("custody.conformance", "../testdata/conformance"));

  static List<AccessUnit> units(String name) throws Exception {
    return AccessUnitAssembler.readAll(Files.readAllBytes(CONFORMANCE.resolve(name)));
  }

  @Test
  void aPpsRedefinedBeforeEveryPictureChangesTheGenerationEachTime() throws Exception {
    List<AccessUnit> units = units("CVFC1_Sony_C.jsv");
    assertThat(units).hasSize(50);
    // Counted from the bytes: pictures whose PPS unit differs from the last one sent before them
    int redefined = 0;
    byte[] lastPps = null;
    for (AccessUnit au : units) {
      for (int n = 0; n < au.nalUnitCount(); n++) {
        if (au.nalUnitType(n) == NalUnitType.PPS) {
          byte[] pps = java.util.Arrays.copyOfRange(au.data(), au.nalUnitOffset(n),
              au.nalUnitOffset(n) + au.nalUnitLength(n));
          if (lastPps != null && !java.util.Arrays.equals(pps, lastPps) && au.decodeIndex() > 0) {
            redefined++;
          }
          lastPps = pps;
        }
      }
    }
    int changes = 0;
    for (int i = 1; i < units.size(); i++) {
      if (units.get(i).parameterSetGeneration() != units.get(i - 1).parameterSetGeneration()) {
        changes++;
        assertThat(units.get(i).pps()).isNotSameAs(units.get(i - 1).pps());
      }
    }
    assertThat(redefined).isPositive();
    assertThat(changes).isEqualTo(redefined);
    AvcDecoderConfigurationRecord last = units.get(49).decoderConfiguration();
    assertThat(last.pictureParameterSets()).hasSize(1);
    assertThat(last.pictureParameterSets().get(0).sameBytes(units.get(49).pps())).isTrue();
  }

  @Test
  void theDecoderConfigurationHoldsEveryParameterSetSwitchedById() throws Exception {
    List<AccessUnit> units = units("MPS_MW_A.264");
    Set<Integer> spsUsed = new TreeSet<>();
    Set<Integer> ppsUsed = new TreeSet<>();
    for (AccessUnit au : units) {
      spsUsed.add(au.sps().id());
      ppsUsed.add(au.pps().id());
    }
    assertThat(ppsUsed).hasSizeGreaterThan(1);
    AvcDecoderConfigurationRecord c = units.get(units.size() - 1).decoderConfiguration();
    assertThat(c.sequenceParameterSets()).extracting(SequenceParameterSet::id).containsAll(spsUsed).isSorted();
    assertThat(c.pictureParameterSets()).extracting(PictureParameterSet::id).containsAll(ppsUsed).isSorted();
    // the record survives its own bytes
    AvcDecoderConfigurationRecord again = AvcDecoderConfigurationRecord.parse(c.toByteArray());
    assertThat(again.toByteArray()).isEqualTo(c.toByteArray());
    // a detached copy keeps the state it had
    AccessUnit first = units.get(0);
    assertThat(first.decoderConfiguration().toByteArray()).isEqualTo(first.copy().decoderConfiguration().toByteArray());
  }

  @Test
  void memoryManagementOperation5IsFlaggedOnlyWhereTheStreamHasIt() throws Exception {
    List<AccessUnit> units = units("MR2_TANDBERG_E.264");
    long resets = units.stream().filter(AccessUnit::hasMemoryManagementReset).count();
    assertThat(resets).isEqualTo(2); // as ffmpeg's trace_headers counts them
    assertThat(units.stream().filter(u -> u.isIdr() && u.hasMemoryManagementReset())).isEmpty();
    assertThat(units("BA_MW_D.264").stream().filter(AccessUnit::hasMemoryManagementReset)).isEmpty();
  }

  @Test
  void aRecordOfSeveralSetsRefusesWhatAnAvcCCannotHold() throws Exception {
    AvcDecoderConfigurationRecord c = units("MPS_MW_A.264").get(149).decoderConfiguration();
    List<SequenceParameterSet> sps = c.sequenceParameterSets();
    List<PictureParameterSet> pps = c.pictureParameterSets();
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.of(List.of(), pps))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.of(sps, List.of(pps.get(1), pps.get(0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
  }
}
