package io.custody.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Holds the build to the module graph drawn in {@code docs/ARCHITECTURE.md} ("Modules and their
 * graph"): the table there is read, not copied, so the document and the build cannot drift. The
 * command line's test classpath holds every published module's classes (tests excluded).
 */
class ModuleGraphTest {
  private static final Path ROOT = Paths.get(System.getProperty("custody.root", ".."));
  /** Not published, test scope only: the tests' shared helpers. */
  private static final String TEST_SUPPORT = "io.custody.testing";

  record Module(String name, List<String> packages, Set<String> mayUse) {}

  private static Map<String, Module> graph;
  private static JavaClasses classes;

  @BeforeAll
  static void load() throws IOException {
    graph = readGraph(ROOT.resolve("docs/ARCHITECTURE.md"));
    // Test classes are not the product: those of this module's tree, and the test jars others
    // publish (storage-s3's CephRgw, crypto's cross-check signers).
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
        .importPackages("io.custody");
  }

  static Map<String, Module> readGraph(Path doc) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int start = text.indexOf("<!-- module-graph:");
    int end = text.indexOf("<!-- /module-graph -->");
    assertThat(start).as("the module-graph table in %s", doc).isNotNegative();
    Map<String, Module> modules = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (.+?) \\| (.+?) \\|$", Pattern.MULTILINE);
    Matcher m = row.matcher(text.substring(start, end));
    while (m.find()) {
      modules.put(m.group(1), new Module(m.group(1), ticked(m.group(2)), new LinkedHashSet<>(ticked(m.group(3)))));
    }
    assertThat(modules).hasSizeGreaterThan(10);
    return modules;
  }

  private static List<String> ticked(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyModuleUsesOnlyWhatTheGraphAllows() {
    for (Module m : graph.values()) {
      assertThat(graph.keySet()).as("%s may use", m.name()).containsAll(m.mayUse());
      Set<String> forbidden = new TreeSet<>(graph.keySet());
      forbidden.remove(m.name());
      forbidden.removeAll(m.mayUse());
      if (forbidden.isEmpty()) {
        continue;
      }
      // Subpackages of a module's own packages belong to it (io.custody.storage.spi is
      // storage-api's), so a package is matched exactly, not with "..".
      noClasses().that().resideInAnyPackage(m.packages().toArray(String[]::new))
          .should().dependOnClassesThat().resideInAnyPackage(exactPackagesOf(forbidden))
          .as(m.name() + " uses only " + m.mayUse())
          .check(classes);
    }
  }

  private static String[] exactPackagesOf(Set<String> modules) {
    return modules.stream().flatMap(n -> graph.get(n).packages().stream()).toArray(String[]::new);
  }

  @Test
  void everyPackageBelongsToAModule() {
    Set<String> owned = graph.values().stream().flatMap(m -> m.packages().stream()).collect(Collectors.toSet());
    Set<String> unowned = classes.stream().map(JavaClass::getPackageName)
        .filter(p -> !owned.contains(p) && !p.equals(TEST_SUPPORT))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(unowned).as("packages no row of the module graph owns").isEmpty();
  }

  @Test
  void noCyclesBetweenModules() {
    slices().assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        return graph.values().stream().filter(m -> m.packages().contains(c.getPackageName())).findFirst()
            .map(m -> SliceIdentifier.of(m.name())).orElse(SliceIdentifier.ignore());
      }

      @Override
      public String getDescription() {
        return "the modules of docs/ARCHITECTURE.md";
      }
    }).should().beFreeOfCycles().check(classes);
  }

  /**
   * No cycles between packages either, but for the service-provider pattern of storage-api:
   * {@code Storage} finds {@code spi.StorageProvider}s, whose stores implement {@code BlobStore}.
   */
  @Test
  void noCyclesBetweenPackages() {
    slices().matching("io.custody.(**)").should().beFreeOfCycles()
        .ignoreDependency(JavaClass.Predicates.resideInAPackage("io.custody.storage.spi"),
            JavaClass.Predicates.resideInAPackage("io.custody.storage"))
        .check(classes);
  }

  @Test
  void internalPackagesStayInTheirModule() {
    for (Module m : graph.values()) {
      for (String p : m.packages()) {
        if (!p.endsWith(".internal")) {
          continue;
        }
        Set<String> others = new TreeSet<>(graph.keySet());
        others.remove(m.name());
        noClasses().that().resideInAnyPackage(exactPackagesOf(others))
            .should().dependOnClassesThat().resideInAPackage(p + "..")
            .as(p + " is used only inside " + m.name())
            .check(classes);
      }
    }
  }

  @Test
  void everyPomDependsOnlyOnWhatTheGraphAllows() throws Exception {
    for (Module m : graph.values()) {
      Set<String> compile = custodyDependencies(pom(m.name()), false);
      assertThat(m.mayUse()).as("%s's compile-scope Custody dependencies (pom.xml)", m.name()).containsAll(compile);
    }
  }

  @Test
  void theBomListsEveryPublishedModule() throws Exception {
    Set<String> bom = custodyDependencies(ROOT.resolve("bom/pom.xml"), true);
    assertThat(bom).containsExactlyInAnyOrderElementsOf(graph.keySet());
  }

  private static Path pom(String module) {
    Path direct = ROOT.resolve(module).resolve("pom.xml");
    return Files.exists(direct) ? direct : ROOT.resolve("plugins").resolve(module).resolve("pom.xml");
  }

  /** The io.custody artifacts a POM depends on (compile scope), or manages ({@code managed}). */
  private static Set<String> custodyDependencies(Path pom, boolean managed) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(pom.toFile());
    Set<String> out = new TreeSet<>();
    NodeList deps = doc.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      Node parent = d.getParentNode().getParentNode();
      boolean inManagement = parent.getNodeName().equals("dependencyManagement");
      if (inManagement != managed || !"io.custody".equals(text(d, "groupId"))) {
        continue;
      }
      String scope = text(d, "scope");
      if (scope == null && !managed) {
        scope = managedScopes().get(text(d, "artifactId"));
      }
      if (managed || scope == null || scope.equals("compile")) {
        out.add(text(d, "artifactId").replaceFirst("^custody-", ""));
      }
    }
    return out;
  }

  /** Scopes the root POM's dependencyManagement sets (the testkit is test scope by default). */
  private static Map<String, String> managedScopes() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    NodeList deps = f.newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile()).getElementsByTagName("dependency");
    Map<String, String> scopes = new LinkedHashMap<>();
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      String scope = text(d, "scope");
      if (scope != null) {
        scopes.put(text(d, "artifactId"), scope);
      }
    }
    return scopes;
  }

  private static String text(Element e, String child) {
    NodeList l = e.getElementsByTagName(child);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
  }
}
