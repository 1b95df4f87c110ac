package io.nightjar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.cli.Main;
import io.nightjar.testing.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster. A master and one worker run on 127.0.0.1 as child JVMs, started from a
 * temporary SPARK_HOME whose {@code jars/} links to the Spark jars Maven resolved (no Spark download), with Spark's
 * own launcher building every JVM command, as in a distribution. {@code scripts/submit.sh} submits {@code train} in
 * client deploy mode and {@code predict} in cluster deploy mode through Spark's real {@code SparkSubmit}. The results
 * are then compared with a local-mode run of the same job. The cluster is shut down after the tests, pass or fail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Path PROJECT = Path.of(System.getProperty("nightjar.project.dir", ".")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The same smaller job in every run, so the two cores of a CI machine finish it in reasonable time. */
  private static final List<String> SMALLER_JOB = List.of(
      "--set", "params.maxIter=5", "--set", "params.numUserBlocks=2", "--set", "params.numItemBlocks=2");

  @TempDir
  static Path work;

  private static Path sparkHome;
  private static Path logs;
  private static Path workerDir;
  private static String masterUrl;
  private static URI masterJson;
  private static final List<Process> daemons = new ArrayList<>();
  private static final Thread KILL_ON_EXIT = new Thread(StandaloneClusterIT::stopCluster, "stop-test-cluster");

  /** The sample data and jobs, a SPARK_HOME, the environment configs, then the cluster. */
  @BeforeAll
  static void startCluster() throws Exception {
    TestFiles.copyTree(PROJECT.resolve("data"), work.resolve("data"));
    TestFiles.copyTree(PROJECT.resolve("jobs"), work.resolve("jobs"));
    sparkHome = makeSparkHome(work.resolve("spark-home"));
    logs = Files.createDirectories(work.resolve("logs"));
    workerDir = Files.createDirectories(work.resolve("worker"));
    // One job spec for both runs; the environment configs say where the data is and where each run's models go.
    for (String side : List.of("cluster", "local")) {
      Files.writeString(work.resolve(side + ".yaml"), """
          spark:
            master: local[2]          # the local run's master; on the cluster, spark-submit's applies
            conf:
              spark.sql.shuffle.partitions: "2"
              spark.default.parallelism: "2"
              spark.ui.enabled: "false"
          dataRoot: %s
          modelRoot: %s
          """.formatted(work, work.resolve(side)));
    }

    Runtime.getRuntime().addShutdownHook(KILL_ON_EXIT);
    int masterPort = freePort();
    int masterUiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;
    masterJson = URI.create("http://127.0.0.1:" + masterUiPort + "/json/");
    daemons.add(startDaemon("master", "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
    awaitMaster(master -> master.path("status").asText().equals("ALIVE"), "the master to start");
    // Two cores: one for an executor, and one for the driver that cluster deploy mode runs on the worker.
    daemons.add(startDaemon("worker", "org.apache.spark.deploy.worker.Worker", masterUrl,
        "--host", "127.0.0.1", "--cores", "2", "--memory", "2g", "--work-dir", workerDir.toString(),
        "--webui-port", String.valueOf(freePort())));
    awaitMaster(master -> master.path("aliveworkers").asInt() == 1, "the worker to register");
  }

  @AfterAll
  static void shutDown() {
    stopCluster();
    try {
      Runtime.getRuntime().removeShutdownHook(KILL_ON_EXIT);
    } catch (IllegalStateException e) {
      // the JVM is already exiting; the hook runs anyway
    }
  }

  @Test
  @Order(1)
  void trainRunsOnTheClusterInClientDeployMode() throws Exception {
    // The driver runs here, so the executor may take both of the worker's cores.
    Run train = submit("--deploy-mode", "client", "--conf", "spark.executor.cores=2", "--conf", "spark.cores.max=2",
        "--", "train", "--job", "jobs/ratings-als.yaml", "--conf", "cluster.yaml");
    assertEquals(0, train.exitCode(), train.describe());
    String version = current("cluster");
    assertTrue(train.out().contains("trained ratings-als (als): version " + version + ", now CURRENT"),
        train.describe());

    JsonNode app = onlyOne(master().path("completedapps"), "nightjar train ratings-als");
    assertEquals("FINISHED", app.path("state").asText(), app.toString());
    String appId = app.path("id").asText();
    assertTrue(Files.isDirectory(workerDir.resolve(appId).resolve("0")),
        "an executor of " + appId + " ran on the worker: " + listing(workerDir));
  }

  @Test
  @Order(2)
  void predictRunsOnTheClusterInClusterDeployMode() throws Exception {
    // Standalone cluster mode cannot ship local files to the driver, so the spec and config are given as Hadoop
    // paths every node can read (file:// on this one machine; hdfs:// on a real cluster).
    // The driver takes one of the worker's cores, the executor the other.
    Run predict = submit("--deploy-mode", "cluster", "--conf", "spark.standalone.submit.waitAppCompletion=true",
        "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=1", "--", "predict", "--job", work.resolve("jobs/ratings-als.yaml").toUri().toString(),
        "--conf", work.resolve("cluster.yaml").toUri().toString(), "--all-partitions",
        "--set", "predict.output.path=output/cluster/ratings-als");
    assertEquals(0, predict.exitCode(), predict.describe());

    JsonNode driver = onlyOne(master().path("completeddrivers"), null);
    assertEquals("FINISHED", driver.path("state").asText(), "the driver's exit code was 0: " + driver);
    Path driverDir = workerDir.resolve(driver.path("id").asText());
    String driverOut = Files.readString(driverDir.resolve("stdout"));
    assertTrue(driverOut.contains("scored ratings-als with model version " + current("cluster")
        + ": 3 partition(s) (2026-11-20 .. 2026-11-22), 2982 rows in, 2982 scored, 0 rejected"),
        driverOut + Files.readString(driverDir.resolve("stderr")));
    String command = Files.readString(driverDir.resolve("stderr")).lines().findFirst().orElse("");
    assertTrue(command.contains("-Dspark.submit.deployMode=cluster") && command.contains("DriverWrapper"), command);
    assertEquals("FINISHED", onlyOne(master().path("completedapps"), "nightjar predict ratings-als")
        .path("state").asText());
  }

  /**
   * The same job in local mode, in this JVM, gives the same model and the same scores: the holdout split and the
   * training mean exactly, the metrics and scores up to floating-point summation order (ALS sums its normal
   * equations in whatever order the shuffle delivers). And the scores the cluster wrote are those of the
   * cluster-trained model loaded back here.
   */
  @Test
  @Order(3)
  void aLocalModeRunOfTheSameJobGivesTheSameModelAndScores() throws Exception {
    List<String> train = new ArrayList<>(List.of("train", "--job", work.resolve("jobs/ratings-als.yaml").toString(),
        "--conf", work.resolve("local.yaml").toString()));
    train.addAll(SMALLER_JOB);
    assertEquals(0, Main.run(train.toArray(String[]::new)));
    assertEquals(0, Main.run("predict", "--job", work.resolve("jobs/ratings-als.yaml").toString(),
        "--conf", work.resolve("local.yaml").toString(), "--all-partitions",
        "--set", "predict.output.path=output/local/ratings-als"));

    JsonNode cluster = manifest("cluster");
    JsonNode local = manifest("local");
    assertEquals(local.path("input"), cluster.path("input"), "same rows read, excluded, trained on, held out");
    assertEquals(local.path("params"), cluster.path("params"));
    // Sums over partitions add up in another order on the cluster: equal up to the last bits, not bit for bit.
    assertEquals(local.path("metrics").path("trainingMeanValue").asDouble(),
        cluster.path("metrics").path("trainingMeanValue").asDouble(), 1e-12);
    for (String model : List.of("model", "trainingMean")) {
      assertEquals(local.path("metrics").path(model).path("rows").asLong(),
          cluster.path("metrics").path(model).path("rows").asLong(), model + " rows");
      for (String metric : List.of("rmse", "mae", "r2")) {
        assertEquals(local.path("metrics").path(model).path(metric).asDouble(),
            cluster.path("metrics").path(model).path(metric).asDouble(), 1e-9, model + " " + metric);
      }
    }

    SparkSession spark = SparkSession.builder().master("local[2]").appName("cluster-it-check")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      List<Row> clusterScores = scores(spark.read().parquet(work.resolve("output/cluster/ratings-als").toString()));
      PipelineModel clusterModel = PipelineModel.load(
          work.resolve("cluster/models/ratings-als").resolve(current("cluster")).resolve("pipeline").toString());
      List<Row> reloaded = scores(clusterModel.transform(
          spark.read().parquet(work.resolve("data/ratings/batches").toString())));
      List<Row> localScores = scores(spark.read().parquet(work.resolve("output/local/ratings-als").toString()));

      assertEquals(2982, clusterScores.size());
      assertEquals(0.0, maxDifference(clusterScores, reloaded), 1e-9,
          "the cluster's scores are those of its saved model");
      // ALS keeps its factors in single precision, so a different summation order may move a score by one float
      // ULP (1.2e-7 to 4.8e-7 for scores between 1 and 5); a different split or seed would move it by far more.
      assertEquals(0.0, maxDifference(clusterScores, localScores), 2e-6,
          "the cluster-trained and the local-trained model score alike");
    } finally {
      spark.stop();
    }
  }

  // ---- the cluster -------------------------------------------------------------------------------------------

  /** A SPARK_HOME made of the Spark jars Maven resolved, without our own dependencies (the job jar has them). */
  private static Path makeSparkHome(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String jar : Files.readString(PROJECT.resolve("target/spark-classpath.txt")).trim()
        .split(java.io.File.pathSeparator)) {
      if (!jar.contains("/picocli/") && !jar.contains("/jackson-dataformat-yaml/")
          && !jar.contains("/org/yaml/snakeyaml/")) {
        Files.createSymbolicLink(jars.resolve(Path.of(jar).getFileName()), Path.of(jar));
      }
    }
    for (String file : List.of("bin/spark-class", "bin/spark-submit", "conf/log4j2.properties")) {
      Path target = home.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = StandaloneClusterIT.class.getResourceAsStream("/spark-home/" + file)) {
        Files.copy(in, target);
      }
      if (file.startsWith("bin/")) {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return home;
  }

  private static Map<String, String> clusterEnvironment() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_DAEMON_MEMORY", "512m", "JAVA_HOME", System.getProperty("java.home"));
  }

  private static Process startDaemon(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    builder.environment().putAll(clusterEnvironment());
    return builder.start();
  }

  /** Stops the worker (and the executors and drivers it started), then the master; kills what does not stop. */
  private static synchronized void stopCluster() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process daemon = daemons.get(i);
      List<ProcessHandle> children = daemon.descendants().toList();
      daemon.destroy();
      try {
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
    daemons.clear();
  }

  private static JsonNode master() throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(masterJson).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static void awaitMaster(Predicate<JsonNode> condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (Process daemon : daemons) {
        if (!daemon.isAlive()) {
          fail("a cluster process exited with " + daemon.exitValue() + " while waiting for " + what + "\n" + logs());
        }
      }
      try {
        if (condition.test(master())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    fail("timed out waiting for " + what + "\n" + logs());
  }

  /** The one entry of {@code nodes} whose name is {@code name} (any entry when name is null). */
  private static JsonNode onlyOne(JsonNode nodes, String name) {
    List<JsonNode> found = new ArrayList<>();
    nodes.forEach(node -> {
      if (name == null || name.equals(node.path("name").asText())) {
        found.add(node);
      }
    });
    assertEquals(1, found.size(), "one entry named " + name + " in " + nodes);
    return found.get(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // ---- runs and results ---------------------------------------------------------------------------------------

  private record Run(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr (last lines)\n" + tail(err, 60);
    }
  }

  /**
   * Runs scripts/submit.sh against the test cluster: {@code options} follow the master and memory settings (deploy
   * mode, executor cores, then -- and the command); the smaller job's overrides are appended.
   */
  private static Run submit(String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", PROJECT.resolve("scripts/submit.sh").toString(),
        "--master", masterUrl, "--driver-memory", "1g", "--conf", "spark.executor.memory=640m",
        "--conf", "spark.driver.host=127.0.0.1"));
    command.addAll(Arrays.asList(options));
    command.addAll(SMALLER_JOB);
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    builder.environment().putAll(clusterEnvironment());
    Path err = Files.createTempFile(logs, "submit-", ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(8, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("spark-submit did not finish in time\n" + Files.readString(err));
    }
    return new Run(process.exitValue(), out, Files.readString(err));
  }

  private static String current(String side) throws IOException {
    return Files.readString(work.resolve(side).resolve("models/ratings-als/CURRENT")).trim();
  }

  private static JsonNode manifest(String side) throws IOException {
    return JSON.readTree(work.resolve(side).resolve("models/ratings-als").resolve(current(side))
        .resolve("manifest.json").toFile());
  }

  /** The scores in a stable order: by date, user and item (repeated pairs within a date score alike). */
  private static List<Row> scores(Dataset<Row> scored) {
    return scored.select("ds", "user_id", "item_id", "prediction").orderBy("ds", "user_id", "item_id")
        .collectAsList();
  }

  private static double maxDifference(List<Row> a, List<Row> b) {
    assertEquals(a.size(), b.size(), "as many rows");
    double max = 0;
    for (int i = 0; i < a.size(); i++) {
      for (int field = 0; field < 3; field++) {
        assertEquals(a.get(i).get(field), b.get(i).get(field), "row " + i);
      }
      max = Math.max(max, Math.abs(a.get(i).getDouble(3) - b.get(i).getDouble(3)));
    }
    return max;
  }

  private static String logs() {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path log : (Iterable<Path>) files.sorted()::iterator) {
        text.append("--- ").append(log.getFileName()).append('\n').append(tail(Files.readString(log), 40));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String listing(Path dir) throws IOException {
    Set<String> names = new HashSet<>();
    try (Stream<Path> files = Files.walk(dir, 2)) {
      files.forEach(file -> names.add(dir.relativize(file).toString()));
    }
    return names.toString();
  }
}
