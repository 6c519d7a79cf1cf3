package io.custody.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The clips made by testdata/make-clips.sh and their ffprobe oracles. */
public final class Clips {
  private Clips() {}

  public static Path dir() {
    String configured = System.getProperty("custody.testdata");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("../testdata/clips");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test clips not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  public static Path path(String name) {
    return dir().resolve(name);
  }

  public static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(path(name));
  }

  public static JsonNode expected(String name) throws IOException {
    String base = name.substring(0, name.lastIndexOf('.'));
    return new ObjectMapper().readTree(dir().resolve(base + ".expected.json").toFile());
  }
}
