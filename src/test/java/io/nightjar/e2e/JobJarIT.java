package io.nightjar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged job jar as a cluster receives it: our classes and our relocated dependencies only, a manifest that
 * names the main class, and no reference to a class the cluster's own (different) Jackson, SnakeYAML, Guava or
 * protobuf would have to supply.
 */
class JobJarIT {
  private static final Path PROJECT = Path.of(System.getProperty("nightjar.project.dir", ".")).toAbsolutePath();
  private static final Path JAR = Path.of(System.getProperty("nightjar.jar", "target/nightjar-0.1.0.jar"));
  private static final String SHADED = "io/nightjar/shaded/";

  /**
   * Internal names of classes the jar must not use unrelocated: our bundled dependencies (which must resolve to the
   * copies under io/nightjar/shaded/) and libraries whose cluster copies we must not lean on (Guava, protobuf).
   */
  private static final Pattern UNRELOCATED = Pattern.compile(
      "(?<!io/nightjar/shaded/)(com/fasterxml/jackson/|org/yaml/snakeyaml/|picocli/[A-Z]|org/jfree/"
          + "|com/google/common/|com/google/protobuf/)");

  @Test
  void theManifestNamesTheMainClassAndVersion() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Manifest manifest = jar.getManifest();
      assertEquals("io.nightjar.cli.Main", manifest.getMainAttributes().getValue("Main-Class"));
      String version = manifest.getMainAttributes().getValue("Implementation-Version");
      assertTrue(JAR.getFileName().toString().equals("nightjar-" + version + ".jar"), version);
    }
  }

  @Test
  void everyClassIsOursAndOurDependenciesAreRelocated() throws IOException {
    List<String> foreign = new ArrayList<>();
    List<String> shadedPackages = new ArrayList<>();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        String name = entry.getName();
        if (name.endsWith(".class") && !name.startsWith("io/nightjar/")) {
          foreign.add(name);
        }
        if (name.startsWith("META-INF/services/") && !entry.isDirectory()
            && !name.startsWith("META-INF/services/io.nightjar.")) {
          foreign.add(name);
        }
        if (name.startsWith(SHADED) && entry.isDirectory() && name.chars().filter(c -> c == '/').count() == 4) {
          shadedPackages.add(name.substring(SHADED.length(), name.length() - 1));
        }
      }
    }
    assertEquals(List.of(), foreign, "classes and service files that are not Nightjar's own");
    shadedPackages.sort(null);
    assertEquals(List.of("jackson", "jfree", "picocli", "snakeyaml"), shadedPackages);
  }

  @Test
  void noClassReferencesAnUnrelocatedCopyOfAClashingLibrary() throws IOException {
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        if (!entry.getName().endsWith(".class")) {
          continue;
        }
        classes++;
        try (InputStream in = jar.getInputStream(entry)) {
          // Class names sit in the constant pool as (modified) UTF-8; ISO-8859-1 keeps every byte as one char.
          String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
          Matcher matcher = UNRELOCATED.matcher(bytes);
          if (matcher.find()) {
            offenders.add(entry.getName() + " -> " + matcher.group(1));
          }
        }
      }
    }
    assertTrue(classes > 1000, "read " + classes + " classes");
    assertEquals(List.of(), offenders);
  }

  /**
   * Runs the jar with the cluster's jars only (Spark's classpath without picocli, jackson-dataformat-yaml and
   * SnakeYAML, which a Spark cluster need not have): the command line and YAML parsing come from the jar itself.
   */
  @Test
  void theJarRunsOnSparksClasspathWithoutOurDependencies() throws Exception {
    String sparkClasspath = Arrays.stream(Files.readString(PROJECT.resolve("target/spark-classpath.txt")).trim()
            .split(java.io.File.pathSeparator))
        .filter(jar -> !jar.contains("/picocli/") && !jar.contains("/jackson-dataformat-yaml/")
            && !jar.contains("/org/yaml/snakeyaml/"))
        .collect(Collectors.joining(java.io.File.pathSeparator));
    assertTrue(sparkClasspath.contains("spark-core_"), "Spark is on the classpath");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", JAR + java.io.File.pathSeparator + sparkClasspath, "io.nightjar.cli.Main",
        "models", "list", "--job", PROJECT.resolve("jobs/ratings-als.yaml").toString(),
        "--set", "model.store=" + PROJECT.resolve("target/job-jar-it/no-models"))
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), out);
    assertTrue(out.contains("no model versions in file:" + PROJECT.resolve("target/job-jar-it/no-models")), out);
  }
}
