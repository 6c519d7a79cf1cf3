package io.custody.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.custody.crypto.DeviceSigningKey;
import io.custody.testing.Locales;
import io.custody.testing.TestVectorKeys;
import java.io.ByteArrayInputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the camera writes and signs is the same under every default locale and time zone: the
 * fragmented MP4 (with its timed-metadata track and trigger marker), the header's descriptor and
 * the signed manifest (the segment keys: mp4's SegmentKeyLocaleTest). Two sealings of the same input differ only where the
 * format wants randomness (the key wrap's ephemeral key, and the hashes that cover it), so those
 * members are found by sealing twice under the root locale, and every other member must match.
 */
class LocaleIndependenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("ArrayRecordComponent") // a test value: its bytes are compared, never changed
  record Sealed(byte[] plain, JsonNode descriptor, JsonNode manifest) {}

  static Sealed seal() throws Exception {
    byte[][] out = TestVectorsTest.seal();
    VerificationReport report = new Verifier(DeviceSigningKey.fromSeed(TestVectorKeys.deviceSeed()).publicKey())
        .verify(new ByteArrayInputStream(out[0]));
    assertThat(report.manifest()).as(report.toString()).isPresent();
    return new Sealed(out[1], JSON.readTree(report.header().orElseThrow().descriptorJson()),
        JSON.readTree(report.manifest().orElseThrow().json()));
  }

  @Test
  void whatIsSealedIsTheSameUnderEveryLocale() throws Exception {
    Sealed reference = Locales.underRoot(LocaleIndependenceTest::seal);
    Sealed again = Locales.underRoot(LocaleIndependenceTest::seal);
    for (Locale l : Locales.HOSTILE) {
      Sealed sealed = Locales.under(l, Locales.ODD_ZONE, LocaleIndependenceTest::seal);
      assertThat(sealed.plain()).as("the fragmented MP4 under %s", l).isEqualTo(reference.plain());
      assertSameExceptRandom("descriptor under " + l, sealed.descriptor(), reference.descriptor(), again.descriptor());
      assertSameExceptRandom("manifest under " + l, sealed.manifest(), reference.manifest(), again.manifest());
    }
  }

  /** {@code actual} equals {@code reference} in every member where two root-locale runs agree. */
  private static void assertSameExceptRandom(String what, JsonNode actual, JsonNode reference, JsonNode again) {
    if (!reference.isContainerNode() || !again.isContainerNode()) {
      if (reference.equals(again)) {
        assertThat(actual).as(what).isEqualTo(reference);
      }
      return;
    }
    assertThat(actual.size()).as(what + " size").isEqualTo(reference.size());
    if (reference.isObject()) {
      assertThat(iterable(actual.fieldNames())).as(what + " member names").containsExactlyElementsOf(iterable(reference.fieldNames()));
      for (Map.Entry<String, JsonNode> e : reference.properties()) {
        assertSameExceptRandom(what + "." + e.getKey(), actual.get(e.getKey()), e.getValue(), again.get(e.getKey()));
      }
    } else {
      for (int i = 0; i < reference.size(); i++) {
        assertSameExceptRandom(what + "[" + i + "]", actual.get(i), reference.get(i), again.get(i));
      }
    }
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    java.util.List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
