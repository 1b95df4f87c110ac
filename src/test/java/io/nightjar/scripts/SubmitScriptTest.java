package io.nightjar.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How scripts/submit.sh turns its arguments into a spark-submit command, checked with a stand-in spark-submit that
 * prints the arguments it receives, one per line. (The cluster IT runs the script against Spark's real one.)
 */
class SubmitScriptTest {
  private static final Path PROJECT = Path.of(System.getProperty("nightjar.project.dir", ".")).toAbsolutePath();
  private static final Path SCRIPT = PROJECT.resolve("scripts/submit.sh");

  @TempDir
  Path dir;

  private Path sparkHome;
  private Path jar;
  private Path job;
  private Path env;

  @BeforeEach
  void fakeSparkAndFiles() throws IOException {
    sparkHome = dir.resolve("spark");
    Path submit = sparkHome.resolve("bin/spark-submit");
    Files.createDirectories(submit.getParent());
    Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.writeString(dir.resolve("nightjar-9.9.jar"), "not really a jar");
    Files.createDirectories(dir.resolve("jobs"));
    job = Files.writeString(dir.resolve("jobs/ratings.yaml"), "name: ratings\n");
    Files.createDirectories(dir.resolve("conf"));
    env = Files.writeString(dir.resolve("conf/yarn.yaml"), "spark: {master: yarn}\n");
  }

  private record Result(int exitCode, List<String> args, String err) {}

  private Result submit(Map<String, String> environment, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("SPARK_HOME");
    builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    builder.environment().putAll(environment);
    Path errFile = dir.resolve("stderr.txt");
    builder.redirectError(errFile.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new Result(process.exitValue(), out.lines().toList(), Files.readString(errFile));
  }

  private Result submit(String... arguments) throws Exception {
    return submit(Map.of("SPARK_HOME", sparkHome.toString()), arguments);
  }

  @Test
  void helpExplainsTheUsage() throws Exception {
    Result help = submit("--help");
    assertEquals(0, help.exitCode());
    assertTrue(String.join("\n", help.args()).contains("Usage: scripts/submit.sh [--deploy-mode client|cluster]"),
        help.args().toString());
  }

  @Test
  void clientModePassesSparkOptionsThroughAndLocalFilesAsAbsolutePaths() throws Exception {
    Result result = submit("--jar", jar.toString(), "--master", "spark://m:7077", "--conf", "spark.executor.memory=2g",
        "--executor-cores", "2", "--", "train", "--job", "jobs/ratings.yaml", "--conf=conf/yarn.yaml",
        "--set", "params.rank=3");
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(List.of("--master", "spark://m:7077", "--conf", "spark.executor.memory=2g", "--executor-cores", "2",
        "--deploy-mode", "client", "--name", "nightjar train ratings", jar.toString(), "train", "--job", job.toString(),
        "--conf", env.toString(),
        "--set", "params.rank=3"), result.args());
  }

  @Test
  void clusterModeShipsLocalFilesAndTheJobReadsThemByName() throws Exception {
    Result result = submit("--deploy-mode", "cluster", "--jar", jar.toString(), "--master", "yarn",
        "--files", "hdfs:///lookup.csv", "--", "predict", "--job", "jobs/ratings.yaml", "--conf", "conf/yarn.yaml",
        "--run-date", "2026-11-20");
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(List.of("--master", "yarn", "--deploy-mode", "cluster", "--name", "nightjar predict ratings",
        "--files", "hdfs:///lookup.csv," + job + "," + env, jar.toString(),
        "predict", "--job", "ratings.yaml", "--conf", "yarn.yaml", "--run-date", "2026-11-20"), result.args());
  }

  @Test
  void hadoopPathsRideAlongAsTheyAreInEitherMode() throws Exception {
    for (String mode : List.of("client", "cluster")) {
      Result result = submit("--deploy-mode=" + mode, "--jar", "hdfs:///apps/nightjar.jar", "--master",
          "spark://m:7077", "--", "models", "list", "--job", "hdfs://nn:8020/jobs/ratings.yaml",
          "--conf", "file:///shared/conf/standalone.yaml");
      assertEquals(0, result.exitCode(), result.err());
      assertEquals(List.of("--master", "spark://m:7077", "--deploy-mode", mode, "--name",
          "nightjar models list ratings", "hdfs:///apps/nightjar.jar",
          "models", "list", "--job", "hdfs://nn:8020/jobs/ratings.yaml",
          "--conf", "file:///shared/conf/standalone.yaml"), result.args(), mode);
    }
  }

  @Test
  void withoutTheSeparatorNightjarsArgumentsStartAtTheCommand() throws Exception {
    Result result = submit("--jar", jar.toString(), "--name", "nightly", "train", "--job", job.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(List.of("--name", "nightly", "--deploy-mode", "client", jar.toString(), "train", "--job",
        job.toString()), result.args());
  }

  @Test
  void standaloneClusterModeRefusesLocalFilesItCannotShip() throws Exception {
    Result result = submit("--deploy-mode", "cluster", "--jar", jar.toString(), "--master", "spark://m:7077", "--",
        "train", "--job", "jobs/ratings.yaml");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("standalone cluster mode does not ship local files to the driver"),
        result.err());
    assertEquals(List.of(), result.args(), "spark-submit is not run");
  }

  @Test
  void mistakesAreUsageErrorsWithAClearMessage() throws Exception {
    Result missingSpec = submit("--jar", jar.toString(), "--", "train", "--job", "jobs/nope.yaml");
    assertEquals(2, missingSpec.exitCode());
    assertTrue(missingSpec.err().contains("--job jobs/nope.yaml: no such file"), missingSpec.err());

    Result badMode = submit("--deploy-mode", "local", "--jar", jar.toString(), "--", "train", "--job", "x");
    assertEquals(2, badMode.exitCode());
    assertTrue(badMode.err().contains("--deploy-mode must be client or cluster, not 'local'"), badMode.err());

    Result noCommand = submit("--jar", jar.toString(), "--master", "yarn");
    assertEquals(2, noCommand.exitCode());
    assertTrue(noCommand.err().contains("no Nightjar command"), noCommand.err());

    Files.writeString(dir.resolve("ratings.yaml"), "spark: {}\n");
    Result sameName = submit("--deploy-mode", "cluster", "--master", "yarn", "--jar", jar.toString(), "--",
        "train", "--job", "jobs/ratings.yaml", "--conf", "ratings.yaml");
    assertEquals(2, sameName.exitCode());
    assertTrue(sameName.err().contains("cannot ship two files named ratings.yaml"), sameName.err());
  }

  @Test
  void withoutSparkSubmitItSaysWhereToGetOne() throws Exception {
    Result result = submit(Map.of(), "--jar", jar.toString(), "--", "train", "--job", job.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("cannot find spark-submit: set SPARK_HOME"), result.err());
  }
}
