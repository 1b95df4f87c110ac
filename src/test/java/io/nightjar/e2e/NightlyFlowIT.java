package io.nightjar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The product as a user meets it: the packaged job jar run through {@code scripts/nightly.sh} and
 * {@code scripts/nightjar} in child JVMs, on a copy of the sample data, then checked from a separate Spark session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyFlowIT {
  @TempDir
  static Path work;

  private static SparkSession spark;

  @BeforeAll
  static void copyProject() throws IOException {
    TestFiles.workingCopy(work);
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private record Run(int exitCode, String out) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(command));
    args.set(0, work.resolve(args.get(0)).toString());
    ProcessBuilder builder = new ProcessBuilder(args).directory(work.toFile()).redirectErrorStream(true);
    builder.environment().put("NIGHTJAR_JAVA_OPTS", "-Xmx1500m");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "finished in time");
    return new Run(process.exitValue(), out);
  }

  @Test
  @Order(1)
  void nightlyScriptTrainsEveryJobAndScoresEveryBatch() throws Exception {
    Run nightly = run("scripts/nightly.sh");
    assertEquals(0, nightly.exitCode(), nightly.out());
    assertTrue(nightly.out().contains("trained ratings-als (als): version"), nightly.out());
    assertTrue(nightly.out().contains("trained homes-elasticnet (elasticnet): version"), nightly.out());
    assertTrue(nightly.out().contains("2982 rows in, 2982 scored, 0 rejected"), nightly.out());
    assertTrue(nightly.out().contains("1206 rows in, 1206 scored, 0 rejected"), nightly.out());
    for (String day : List.of("2026-11-20", "2026-11-21", "2026-11-22")) {
      assertTrue(Files.isDirectory(work.resolve("output/ratings-als/ds=" + day)), day);
      assertTrue(Files.isDirectory(work.resolve("output/homes-elasticnet/ds=" + day)), day);
    }
    assertTrue(nightly.out().contains("gate       passed the quality gate"), nightly.out());
    assertTrue(nightly.out().contains("cold start "), "ALS reports its cold-start rows: " + nightly.out());
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    assertTrue(Files.exists(work.resolve("output/ratings-als-top10/ds=" + today + "/_NIGHTJAR_SUCCESS")),
        "the ALS job's top-10 recommendations were written for the run date");
    for (String job : List.of("ratings-als", "homes-elasticnet")) {
      String current = Files.readString(work.resolve("models/" + job + "/CURRENT")).trim();
      assertTrue(Files.exists(work.resolve("models/" + job + "/" + current + "/report.html")), job);
      assertTrue(Files.exists(work.resolve("models/" + job + "/" + current + "/metrics.json")), job);
    }
    // The launcher's class-data archive: written as the first run exits, checked and put in place by a later one.
    try (Stream<Path> archives = Files.list(work.resolve("target/cds"))) {
      assertTrue(archives.anyMatch(p -> p.getFileName().toString().endsWith(".jsa")),
          "the nightly's later runs start from a class-data archive in target/cds");
    }
  }

  @Test
  @Order(2)
  void savedModelLoadedInAnotherSessionGivesTheWrittenScores() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("nightjar-it")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    for (String job : List.of("ratings-als", "homes-elasticnet")) {
      Path store = work.resolve("models").resolve(job);
      String version = Files.readString(store.resolve("CURRENT")).trim();
      PipelineModel model = PipelineModel.load(store.resolve(version).resolve("pipeline").toString());
      String batchDir = job.equals("ratings-als") ? "data/ratings/batches" : "data/homes/batches";
      Dataset<Row> batch = spark.read().parquet(work.resolve(batchDir).resolve("ds=2026-11-21").toString());
      Dataset<Row> written = spark.read().parquet(work.resolve("output").resolve(job).resolve("ds=2026-11-21")
          .toString());
      assertEquals(batch.count(), written.count(), job + ": rows in = rows out");
      // Predict scores with the pipeline compiled to Spark SQL: ALS bit for bit, ElasticNet up to the order of the
      // additions, so the comparison allows a relative 1e-9.
      Map<Long, List<Double>> expected = predictionsByRow(model.transform(batch), batch.columns());
      Map<Long, List<Double>> actual = predictionsByRow(written, batch.columns());
      assertEquals(expected.keySet(), actual.keySet(), job);
      for (Map.Entry<Long, List<Double>> row : expected.entrySet()) {
        List<Double> want = row.getValue();
        List<Double> got = actual.get(row.getKey());
        assertEquals(want.size(), got.size(), job);
        for (int k = 0; k < want.size(); k++) {
          assertEquals(want.get(k), got.get(k), 1e-9 * Math.max(1.0, Math.abs(want.get(k))), job);
        }
      }
    }
  }

  /** Each row's prediction(s), keyed by a hash of the batch's own columns, sorted. */
  private static Map<Long, List<Double>> predictionsByRow(Dataset<Row> scored, String[] batchColumns) {
    org.apache.spark.sql.Column[] key = java.util.Arrays.stream(batchColumns)
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
    Map<Long, List<Double>> rows = new java.util.TreeMap<>();
    for (Row row : scored.select(org.apache.spark.sql.functions.xxhash64(key), scored.col("prediction").cast("double"))
        .collectAsList()) {
      rows.computeIfAbsent(row.getLong(0), k -> new java.util.ArrayList<>()).add(row.getDouble(1));
    }
    rows.values().forEach(java.util.Collections::sort);
    return rows;
  }

  @Test
  @Order(3)
  void predictWorksAfterTheTrainingDataIsGoneAndRerunsOnlyItsDate() throws Exception {
    TestFiles.deleteTree(work.resolve("data/ratings/train"));
    long untouched = Files.getLastModifiedTime(firstFile(work.resolve("output/ratings-als/ds=2026-11-20"))).toMillis();
    Run rerun = run("scripts/nightjar", "predict", "--job", "jobs/ratings-als.yaml", "--run-date", "2026-11-22");
    assertEquals(0, rerun.exitCode(), rerun.out());
    assertTrue(rerun.out().contains("1 partition(s) (2026-11-22), 978 rows in, 978 scored, 0 rejected"), rerun.out());
    assertEquals(untouched,
        Files.getLastModifiedTime(firstFile(work.resolve("output/ratings-als/ds=2026-11-20"))).toMillis());
  }

  @Test
  @Order(4)
  void modelsListMarksTheCurrentVersion() throws Exception {
    Run list = run("scripts/nightjar", "models", "list", "--job", "jobs/ratings-als.yaml");
    assertEquals(0, list.exitCode(), list.out());
    String current = Files.readString(work.resolve("models/ratings-als/CURRENT")).trim();
    assertTrue(list.out().lines().anyMatch(line -> line.startsWith(current) && line.endsWith("*")), list.out());
  }

  @Test
  @Order(5)
  void aMissingPartitionExitsWithTheInputDataCode() throws Exception {
    Run missing = run("scripts/nightjar", "predict", "--job", "jobs/ratings-als.yaml", "--run-date", "2031-01-01");
    assertEquals(3, missing.exitCode(), missing.out());
    assertTrue(missing.out().contains("no partition ds=2031-01-01"), missing.out());
  }

  private static Path firstFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }
}
