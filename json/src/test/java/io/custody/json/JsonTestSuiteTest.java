package io.custody.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSONTestSuite parsing corpus (github.com/nst/JSONTestSuite, MIT, copied into the test
 * resources with its licence): every {@code y_} file is accepted, every {@code n_} file refused
 * with a {@link JsonFormatException}, and every {@code i_} file decided as {@code
 * i-decisions.txt} says (the package documentation explains the groups).
 */
@Timeout(60)
class JsonTestSuiteTest {
  static final String DIR = "/io/custody/json/JSONTestSuite/";

  static List<String> files(String prefix) throws IOException, URISyntaxException {
    Path dir = Paths.get(JsonTestSuiteTest.class.getResource(DIR).toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted()
          .collect(Collectors.toList());
    }
  }

  static List<String> accepted() throws Exception {
    return files("y_");
  }

  static List<String> refused() throws Exception {
    return files("n_");
  }

  static List<String> decided() throws Exception {
    return files("i_");
  }

  static byte[] bytes(String name) throws IOException {
    try (InputStream in = JsonTestSuiteTest.class.getResourceAsStream(DIR + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void theCorpusIsComplete() throws Exception {
    assertThat(accepted()).hasSize(95);
    assertThat(refused()).hasSize(188);
    assertThat(decided()).hasSize(35);
  }

  /**
   * The two {@code y_} files that repeat a member name. RFC 8259 §4 lets a parser take them, but
   * says names SHOULD be unique and that parsers disagree on which value wins: in a signed
   * manifest or a metadata file that ambiguity is an attack, so Custody refuses them.
   */
  static final List<String> REFUSED_ON_PURPOSE = List.of("y_object_duplicated_key.json",
      "y_object_duplicated_key_and_value.json");

  @Test
  void repeatedMemberNamesAreRefusedThoughTheRfcAllowsThem() throws Exception {
    assertThat(accepted()).containsAll(REFUSED_ON_PURPOSE);
    for (String name : REFUSED_ON_PURPOSE) {
      byte[] input = bytes(name);
      assertThatThrownBy(() -> Json.parse(input)).as(name).isExactlyInstanceOf(JsonFormatException.class)
          .hasMessageContaining("repeated");
    }
  }

  static List<String> acceptedHere() throws Exception {
    return accepted().stream().filter(n -> !REFUSED_ON_PURPOSE.contains(n)).collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("acceptedHere")
  void accepts(String name) throws Exception {
    Object value = Json.parse(bytes(name));
    // What is read writes back to JSON that reads as the same value.
    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refuses(String name) throws Exception {
    byte[] input = bytes(name);
    assertThatThrownBy(() -> Json.parse(input)).isExactlyInstanceOf(JsonFormatException.class);
  }

  static Map<String, String> decisions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = JsonTestSuiteTest.class.getResourceAsStream("/io/custody/json/i-decisions.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cols = line.trim().split("\\s+", 3);
        out.put(cols[0], cols[1]);
      }
    }
    return out;
  }

  @Test
  void everyImplementationDefinedCaseHasADecision() throws Exception {
    assertThat(decisions().keySet()).containsExactlyInAnyOrderElementsOf(decided());
    assertThat(decisions().values()).allMatch(d -> d.equals("accept") || d.equals("reject"));
  }

  @ParameterizedTest
  @MethodSource("decided")
  void decides(String name) throws Exception {
    byte[] input = bytes(name);
    if (decisions().get(name).equals("accept")) {
      Json.parse(input);
    } else {
      assertThatThrownBy(() -> Json.parse(input)).isExactlyInstanceOf(JsonFormatException.class);
    }
  }

  @Test
  void theRulesTheCorpusDoesNotSpellOut() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"b\":{\"c\":2,\"c\":3}}"))
        .isInstanceOfSatisfying(JsonFormatException.class, e -> assertThat(e.offset()).isEqualTo(18));
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":1}")).isInstanceOf(JsonFormatException.class);
    for (String bad : List.of("[01]", "[-01]", "[1.]", "[.5]", "[-]", "[1e]", "[1,]", "{\"a\":1,}",
        "[\"\\u00g1\"]", "[\"\\u０１２３\"]", "[9223372036854775808]", "[1e400]", "\"a\u0001\"")) {
      assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(JsonFormatException.class);
    }
    assertThat(Json.parse("[-0, 0.5e-3, 9223372036854775807]")).isEqualTo(List.of(0L, 0.5e-3, Long.MAX_VALUE));
    assertThat(Json.parse("[" + "[".repeat(63) + "]".repeat(63) + "]")).isNotNull();
    assertThatThrownBy(() -> Json.parse("[".repeat(66) + "]".repeat(66))).isInstanceOf(JsonFormatException.class);
  }
}
