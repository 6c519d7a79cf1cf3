package io.custody.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class list the {@code ./custody} launcher adds to its start-up archive (the classes an upload
 * to S3 loads, {@code cli/cds/upload.classlist}) still names this build's classes. The archive
 * quietly skips a class the jar lacks, so a dependency upgrade that renames the S3 SDK's classes
 * would only make uploads start slower; this test says so instead. The JDK's own classes in the
 * list are not checked: they differ between JDKs, and the dump skips those a JDK lacks.
 */
class CdsClassListTest {
  static final Path LIST = Path.of("cds", "upload.classlist");

  @Test
  void everyClassOfTheJarsInTheListLoads() throws Exception {
    List<String> lines = Files.readAllLines(LIST, StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (String line : lines) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("@")) {
        continue;
      }
      String name = line.replace('/', '.');
      if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
          || name.startsWith("sun.") || name.startsWith("com.sun.")) {
        continue;
      }
      checked++;
      try {
        Class.forName(name, false, CdsClassListTest.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(name);
      }
    }
    assertThat(checked).as("classes of the jar in %s", LIST).isGreaterThan(1000);
    assertThat(missing)
        .as("classes in %s that this build lacks: make it again with benchmarks/run-upload.sh --classlist", LIST)
        .isEmpty();
  }
}
