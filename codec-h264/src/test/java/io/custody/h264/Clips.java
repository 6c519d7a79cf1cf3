package io.custody.h264;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The clips made by testdata/make-clips.sh and their ffprobe oracles. */
final class Clips {
  private Clips() {}

  static Path dir() {
    String configured = System.getProperty("custody.testdata");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("../testdata/clips");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test clips not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  /** Every H.264 clip, by file name. */
  static List<String> h264() {
    try (Stream<Path> files = Files.list(dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".h264"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(dir().resolve(name));
  }

  static JsonNode expected(String name) throws IOException {
    String base = name.substring(0, name.lastIndexOf('.'));
    return new ObjectMapper().readTree(dir().resolve(base + ".expected.json").toFile());
  }
}
