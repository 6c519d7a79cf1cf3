package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataFileTest {
  @TempDir Path dir;

  private List<Map<String, Object>> read(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return MetadataFile.read(f, e -> {});
  }

  @Test
  void jsonLinesAndCsvGiveTheSameEvents() throws IOException {
    List<Map<String, Object>> json = read("e.jsonl", """
        {"t": 0.5, "type": "gps", "lat": 51.5, "lon": -0.12}

        {"t": 1, "type": "marker", "label": "arrest, made"}
        {"t": 2, "type": "mute", "on": true}
        """);
    List<Map<String, Object>> csv = read("e.csv", """
        t,type,lat,lon,label,on
        0.5,gps,51.5,-0.12,,

         1 , marker ,,,"arrest, made",
        2,mute,,,,true
        """);
    assertThat(csv).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(csv.get(i)).hasSameSizeAs(json.get(i));
      for (Map.Entry<String, Object> e : json.get(i).entrySet()) {
        Object c = csv.get(i).get(e.getKey());
        if (e.getValue() instanceof Number) {
          assertThat(((Number) c).doubleValue()).as(e.getKey()).isEqualTo(((Number) e.getValue()).doubleValue());
        } else {
          assertThat(c).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
    }
  }

  @Test
  void quotedCellsKeepCommasQuotesAndSpaces() {
    assertThat(MetadataFile.cells("1,\"a \"\"b\"\", c\" , d ,")).containsExactly("1", "a \"b\", c", "d", "");
    assertThatThrownBy(() -> MetadataFile.cells("1,\"open")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> MetadataFile.cells("\"a\"b")).hasMessageContaining("after a quoted cell");
  }

  @Test
  void bytesThatAreNotUtf8AreABadLineNamedLikeAnyOther() throws IOException {
    Path f = dir.resolve("latin1.jsonl");
    Files.write(f, "{\"t\": 1, \"type\": \"marker\"}\n{\"t\": 2, \"type\": \"marker\", \"label\": \"caf\u00e9\"}\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> MetadataFile.read(f, e -> {})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2").hasMessageContaining("not UTF-8");
  }

  @Test
  void badLinesAreNamed() {
    assertThatThrownBy(() -> read("a.csv", "t,kind\n1,gps\n")).hasMessageContaining("line 1").hasMessageContaining("t and type");
    assertThatThrownBy(() -> read("b.csv", "t,type,lat\n1,gps,north\n")).hasMessageContaining("line 2")
        .hasMessageContaining("lat is a number");
    assertThatThrownBy(() -> read("c.csv", "t,type\n1,gps,extra\n")).hasMessageContaining("3 cells under a header of 2");
    assertThatThrownBy(() -> read("d.csv", "t,type\n,gps\n")).hasMessageContaining("number \"t\"");
    assertThatThrownBy(() -> read("e.csv", "t,type,on\n1,mute,yes\n")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> read("f.jsonl", "{\"t\": 1, \"type\": \"gps\"}\n{\"t\": 2, \"type\": \"siren\"}\n"))
        .hasMessageContaining("line 2").hasMessageContaining("unknown metadata type: siren");
    assertThatThrownBy(() -> read("g.jsonl", "{\"t\": 1,\n")).hasMessageContaining("line 1");
  }

  @Test
  void theCheckSeesEveryEventAndItsRefusalNamesTheLine() throws IOException {
    Path f = dir.resolve("h.csv");
    Files.writeString(f, "t,type,source\n1,trigger,\n2,trigger,elbow\n");
    assertThatThrownBy(() -> MetadataFile.read(f, e -> {
      if (e.get("source") != null) {
        throw new IllegalArgumentException("no source " + e.get("source"));
      }
    })).hasMessageContaining("line 3: no source elbow");
  }
}
