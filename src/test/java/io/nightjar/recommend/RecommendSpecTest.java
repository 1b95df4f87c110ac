package io.nightjar.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.cli.Main;
import io.nightjar.error.JobSpecException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.spec.RecommendSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code recommend} section of the job spec and the command line's checks, without Spark. */
class RecommendSpecTest {
  private static final String JOB = """
      name: ratings
      kind: als
      input: {path: data/train}
      columns: {user: user_id, item: item_id, rating: rating}
      model: {store: models}
      """;

  @TempDir
  Path dir;

  @Test
  void defaultsAndOverrides() {
    JobSpec spec = JobSpecLoader.load("t", JOB + "recommend: {output: {path: out}}\n", List.of());
    RecommendSpec r = spec.recommend();
    assertEquals("out", r.outputPath());
    assertEquals(10, r.k());
    assertTrue(r.excludeSeen());
    assertNull(r.users());
    assertEquals("ds", r.partition());
    assertEquals(RecommendSpec.DEFAULT_MAX_FILES, r.maxFilesPerPartition());

    RecommendSpec set = JobSpecLoader.load("t", JOB + "recommend: {output: {path: out}}\n", List.of(
        "recommend.k=25", "recommend.excludeSeen=false", "recommend.users.path=lists/u",
        "recommend.users.format=csv", "recommend.users.options.sep=;", "recommend.usersColumn=customer",
        "recommend.maxFilesPerPartition=2")).recommend();
    assertEquals(25, set.k());
    assertEquals(false, set.excludeSeen());
    assertEquals("lists/u", set.users().path());
    assertEquals(";", set.users().options().get("sep"));
    assertEquals("customer", set.usersColumn());
    assertEquals(2, set.maxFilesPerPartition());
    assertNull(JobSpecLoader.load("t", JOB, List.of()).recommend());
  }

  @Test
  void relativeRecommendPathsResolveAgainstTheDataRoot() {
    JobSpec spec = JobSpecLoader.load("t", JOB + "recommend: {output: {path: out}, users: {path: lists/u}}\n",
        List.of());
    JobSpec resolved = io.nightjar.spec.EnvConfig.load("env", "dataRoot: hdfs:///nj\nmodelRoot: hdfs:///nj\n")
        .resolve(spec);
    assertEquals("hdfs:///nj/out", resolved.recommend().outputPath());
    assertEquals("hdfs:///nj/lists/u", resolved.recommend().users().path());
    assertEquals(spec.recommend().k(), resolved.recommend().k());
  }

  @Test
  void badValuesAreSpecErrorsNamingKeyAndValue() {
    for (String[] bad : new String[][] {
        {"k: 0", "recommend.k"}, {"k: -1", "recommend.k"}, {"k: 2.5", "recommend.k"}, {"k: 1001", "recommend.k"},
        {"maxFilesPerPartition: 0", "recommend.maxFilesPerPartition"}, {"excludeSeen: maybe", "recommend.excludeSeen"},
        {"partition: 'a b'", "recommend.partition"}, {"usersColumn: c", "recommend.usersColumn"},
        {"colour: red", "colour"}}) {
      JobSpecException e = assertThrows(JobSpecException.class,
          () -> JobSpecLoader.load("t", JOB + "recommend: {output: {path: out}, " + bad[0] + "}\n", List.of()),
          bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> JobSpecLoader.load("t", JOB + "recommend: {k: 5}\n", List.of()));
    assertTrue(e.getMessage().contains("recommend.output"), e.getMessage());
  }

  @Test
  void theCommandRejectsABadKOrDateWithExitCode2BeforeSparkStarts() throws IOException {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, JOB + "recommend: {output: {path: out}}\n");
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run("recommend", "--job", job.toString(), "--run-date", "2026-11-20", "--k", "0"));
      assertEquals(2, Main.run("recommend", "--job", job.toString(), "--run-date", "2026-11-20", "--k", "-4"));
      assertEquals(2, Main.run("recommend", "--job", job.toString(), "--run-date", "20261120"));
      assertEquals(2, Main.run("recommend", "--job", job.toString()));
    } finally {
      System.setErr(saved);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("nightjar: error: --k 0 is not a number of items per user"), text);
    assertTrue(text.contains("--k -4"), text);
    assertTrue(text.contains("--run-date '20261120' is not a date"), text);
    assertTrue(text.contains("Missing required option: '--run-date"), text);
  }
}
