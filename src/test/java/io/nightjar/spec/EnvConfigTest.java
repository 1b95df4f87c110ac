package io.nightjar.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.JobSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The environment config's data and model roots, which let one job spec serve a laptop and a cluster. */
class EnvConfigTest {
  private static final String SPEC = """
      name: ratings
      kind: als
      input: {path: data/ratings/train, format: csv}
      columns: {user: u, item: i, rating: r}
      model: {store: models/ratings}
      predict:
        input: {path: ./data/ratings/batches}
        output: {path: output/ratings}
      """;

  private static JobSpec spec(String... overrides) {
    return JobSpecLoader.load("job.yaml", SPEC, List.of(overrides));
  }

  @Test
  void relativeSpecPathsResolveAgainstTheRoots() {
    EnvConfig env = EnvConfig.load("env.yaml", """
        dataRoot: hdfs://namenode:8020/warehouse/nightjar
        modelRoot: s3a://models-bucket/
        """);
    JobSpec resolved = env.resolve(spec());
    assertEquals("hdfs://namenode:8020/warehouse/nightjar/data/ratings/train", resolved.input().path());
    assertEquals("csv", resolved.input().format());
    assertEquals("hdfs://namenode:8020/warehouse/nightjar/data/ratings/batches", resolved.predict().input().path());
    assertEquals("hdfs://namenode:8020/warehouse/nightjar/output/ratings", resolved.predict().outputPath());
    assertEquals("s3a://models-bucket/models/ratings", resolved.modelStore());
    assertEquals(spec().alsColumns(), resolved.alsColumns());
  }

  @Test
  void absolutePathsAndPathsWithASchemeAreLeftAsTheyAre() {
    EnvConfig env = EnvConfig.load("env.yaml", "dataRoot: /srv/nightjar\nmodelRoot: /srv/models\n");
    JobSpec resolved = env.resolve(spec("input.path=/landing/ratings", "model.store=file:///mnt/models/r",
        "predict.output.path=s3a://scores/ratings"));
    assertEquals("/landing/ratings", resolved.input().path());
    assertEquals("file:///mnt/models/r", resolved.modelStore());
    assertEquals("s3a://scores/ratings", resolved.predict().outputPath());
    assertEquals("/srv/nightjar/data/ratings/batches", resolved.predict().input().path());
  }

  @Test
  void withoutRootsRelativePathsStayRelativeToTheWorkingDirectory() {
    EnvConfig env = EnvConfig.embeddedDefault();
    assertNull(env.dataRoot());
    assertNull(env.modelRoot());
    JobSpec resolved = env.resolve(spec());
    assertEquals("data/ratings/train", resolved.input().path());
    assertEquals("models/ratings", resolved.modelStore());
    assertEquals("./data/ratings/batches", resolved.predict().input().path());
  }

  @Test
  void aJobWithoutPredictSectionResolvesToo() {
    JobSpec noPredict = JobSpecLoader.load("job.yaml", SPEC.substring(0, SPEC.indexOf("predict:")), List.of());
    JobSpec resolved = EnvConfig.load("env.yaml", "modelRoot: /srv/models").resolve(noPredict);
    assertNull(resolved.predict());
    assertEquals("/srv/models/models/ratings", resolved.modelStore());
    assertSame(noPredict.input().path(), resolved.input().path());
  }

  @Test
  void aRelativeRootIsRejected() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> EnvConfig.load("env.yaml", "dataRoot: nightjar/data\n"));
    assertEquals("env.yaml: key 'dataRoot' is 'nightjar/data'; it must be an absolute Hadoop directory such as "
        + "hdfs://namenode:8020/nightjar, s3a://bucket/nightjar or /srv/nightjar", e.getMessage());
  }

  /** Every documented example under conf/ is a valid environment config; the cluster ones size their executors. */
  @Test
  void everyExampleUnderConfParses() throws IOException {
    Path confDir = Path.of(System.getProperty("nightjar.project.dir", ".")).resolve("conf");
    List<Path> examples;
    try (Stream<Path> files = Files.list(confDir)) {
      examples = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
    List<String> names = examples.stream().map(file -> file.getFileName().toString()).toList();
    assertTrue(names.containsAll(List.of("local.yaml", "cluster-standalone.yaml", "yarn.yaml", "kubernetes.yaml")),
        names.toString());
    for (Path example : examples) {
      EnvConfig env = EnvConfig.load(example.toString(), Files.readString(example));
      assertNotNull(env.master(), example + " documents its master");
      if (!example.endsWith("local.yaml")) {
        assertTrue(env.sparkConf().containsKey("spark.executor.memory"), example + " sizes its executors");
        assertTrue(env.sparkConf().containsKey("spark.sql.shuffle.partitions"), example + " sets shuffle partitions");
        assertNotNull(env.dataRoot(), example + " sets dataRoot");
        assertNotNull(env.modelRoot(), example + " sets modelRoot");
      }
    }
  }
}
