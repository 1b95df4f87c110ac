package io.nightjar.predict;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.contract.RowRules;
import io.nightjar.error.ExitCode;
import io.nightjar.error.InputDataException;
import io.nightjar.error.NightjarException;
import io.nightjar.run.OutputLayout;
import io.nightjar.run.RunLock;
import io.nightjar.run.RunReport;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.testing.TestFiles;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predict mode never loses a row and never publishes wrongly, whatever the batch holds. */
class PredictSafetyTest extends SparkTestBase {
  private static final String DAY = "2026-11-20";
  private static final StructType PAIRS = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("item_id", DataTypes.StringType);

  @TempDir
  static Path dir;

  private static JobSpec als;
  private static JobSpec homes;

  @BeforeAll
  static void trainBothKinds() {
    Fixtures.ratings(spark, 30, 20, 0.5, 31).write().parquet(dir.resolve("ratings").toString());
    Fixtures.homes(spark, 300, 32).write().parquet(dir.resolve("homes").toString());
    als = spec("""
        name: ratings
        kind: als
        input: {path: %1$s/ratings}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 3, maxIter: 4, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models/ratings}
        maxRejectedFraction: 0.5
        predict: {input: {path: %1$s/unused}, output: {path: %1$s/unused-out}}
        """);
    homes = spec("""
        name: homes
        kind: elasticnet
        input: {path: %1$s/homes}
        columns: {label: price}
        model: {store: %1$s/models/homes}
        maxRejectedFraction: 0.5
        predict: {input: {path: %1$s/unused}, output: {path: %1$s/unused-out}}
        """);
    new Trainer(spark, null).train(als);
    new Trainer(spark, null).train(homes);
  }

  private static JobSpec spec(String template) {
    return JobSpecLoader.load("test", template.formatted(dir), List.of());
  }

  /** The job, scoring batches under {@code <dir>/<name>/in} into {@code <dir>/<name>/out}. */
  private static JobSpec batchJob(JobSpec job, String name, String... overrides) {
    List<String> all = new java.util.ArrayList<>(List.of(
        "predict.input.path=" + dir.resolve(name).resolve("in"),
        "predict.output.path=" + dir.resolve(name).resolve("out")));
    all.addAll(List.of(overrides));
    String yaml = """
        name: %s
        kind: %s
        input: {path: %s}
        columns: %s
        model: {store: %s}
        maxRejectedFraction: %s
        predict: {input: {path: x}, output: {path: y}}
        """.formatted(job.name(), job.kind().specName(), job.input().path(), columnsYaml(job), job.modelStore(),
        job.maxRejectedFraction());
    return JobSpecLoader.load("test", yaml, all);
  }

  private static String columnsYaml(JobSpec job) {
    return switch (job.kind()) {
      case ALS -> "{user: user_id, item: item_id, rating: rating}";
      case ELASTICNET -> "{label: price}";
    };
  }

  private static void writeBatch(Dataset<Row> rows, String name, String day) {
    rows.write().parquet(dir.resolve(name).resolve("in").resolve("ds=" + day).toString());
  }

  private static PredictResult predict(JobSpec job, String day) {
    return new Predictor(spark, Optional.empty()).predict(job, Optional.of(LocalDate.parse(day)), Optional.empty());
  }

  private static Dataset<Row> rejected(String name, String day) {
    return spark.read().parquet(dir.resolve(name).resolve("out").resolve(OutputLayout.REJECTED)
        .resolve("ds=" + day).toString());
  }

  @Test
  void nullIdsAreRejectedWithAReasonAndEveryRowIsAccountedFor() {
    writeBatch(spark.createDataFrame(List.of(
        RowFactory.create("u001", "m001"),
        RowFactory.create(null, "m001"),
        RowFactory.create("u002", null),
        RowFactory.create("stranger", "m003")), PAIRS), "nullids", DAY);
    RunReport report = predict(batchJob(als, "nullids"), DAY).report();
    assertEquals(4, report.rowsRead());
    assertEquals(2, report.rowsScored());
    assertEquals(2, report.rowsRejected());
    assertEquals(Map.of("null_user_id", 1L, "null_item_id", 1L), report.rejectedByReason());
    List<Row> bad = rejected("nullids", DAY).orderBy(RowRules.REJECT_REASON).collectAsList();
    assertEquals(2, bad.size());
    assertEquals("null_item_id", bad.get(0).getAs(RowRules.REJECT_REASON));
    assertEquals("u002", bad.get(0).getAs("user_id"));
    assertTrue(Files.exists(dir.resolve("nullids/out/ds=" + DAY).resolve(OutputLayout.MARKER)), "marker written");
    assertTrue(Files.exists(dir.resolve("nullids/out/_runs").resolve(report.runId() + ".json")), "report written");
  }

  @Test
  void infiniteFeaturesAreRejectedWhileNaNAndNullAreImputedAndScored() {
    writeBatch(spark.createDataFrame(List.of(
        RowFactory.create(1500.0, 10, 0.0, "north", null),
        RowFactory.create(Double.NaN, 10, 0.0, "south", null),
        RowFactory.create(null, 12, 0.1, "east", null),
        RowFactory.create(Double.POSITIVE_INFINITY, 10, 0.0, "north", null),
        RowFactory.create(1200.0, 10, Double.NEGATIVE_INFINITY, "north", null)), Fixtures.HOMES).drop("price"),
        "infinite", DAY);
    RunReport report = predict(batchJob(homes, "infinite"), DAY).report();
    assertEquals(5, report.rowsRead());
    assertEquals(3, report.rowsScored());
    assertEquals(Map.of("infinite_sqft", 1L, "infinite_noise", 1L), report.rejectedByReason());
    Dataset<Row> scored = spark.read().parquet(dir.resolve("infinite/out/ds=" + DAY).toString());
    assertEquals(0, scored.where("isnan(prediction) OR prediction IS NULL").count());
  }

  @Test
  void tooManyBadRowsFailTheRunAfterWritingThemAndPublishNothing() {
    Dataset<Row> mostlyNull = spark.createDataFrame(List.of(
        RowFactory.create(null, "m001"), RowFactory.create(null, "m002"), RowFactory.create("u001", "m001")), PAIRS);
    writeBatch(mostlyNull, "toomany", DAY);
    InputDataException e = assertThrows(InputDataException.class,
        () -> predict(batchJob(als, "toomany", "maxRejectedFraction=0.1"), DAY));
    assertEquals(ExitCode.INPUT_DATA, e.exitCode());
    assertTrue(e.getMessage().startsWith("2 of 3 batch rows cannot be scored ({null_user_id=2}), more than "
        + "maxRejectedFraction 0.1 allows; nothing was scored"), e.getMessage());
    assertEquals(2, rejected("toomany", DAY).count(), "rejected rows kept for inspection");
    assertFalse(Files.exists(dir.resolve("toomany/out/ds=" + DAY)), "no scores published");
  }

  @Test
  void aMissingColumnIsNamedWithItsExpectedType() {
    writeBatch(Fixtures.homes(spark, 5, 1).drop("price", "age"), "missingcol", DAY);
    InputDataException e = assertThrows(InputDataException.class, () -> predict(batchJob(homes, "missingcol"), DAY));
    assertTrue(e.getMessage().contains("column 'age' (numeric, expected type int) is missing"), e.getMessage());
  }

  @Test
  void aBatchOfTheWrongShapeLeavesTheEarlierOutputAndItsMarkerAlone() throws IOException {
    writeBatch(Fixtures.homes(spark, 5, 1).drop("price"), "shape", DAY);
    predict(batchJob(homes, "shape"), DAY);
    List<String> before = listNames(dir.resolve("shape/out/ds=" + DAY));
    TestFiles.deleteTree(dir.resolve("shape/in/ds=" + DAY));
    writeBatch(Fixtures.homes(spark, 5, 1).drop("price", "region"), "shape", DAY);
    assertThrows(InputDataException.class, () -> predict(batchJob(homes, "shape"), DAY));
    assertEquals(before, listNames(dir.resolve("shape/out/ds=" + DAY)), "scores and marker as they were");
    assertTrue(before.contains(OutputLayout.MARKER));
  }

  @Test
  void aColumnOfTheWrongTypeIsNamedWithBothTypes() {
    writeBatch(Fixtures.homes(spark, 5, 1).drop("price").withColumn("sqft", lit("big")), "wrongtype", DAY);
    InputDataException e = assertThrows(InputDataException.class, () -> predict(batchJob(homes, "wrongtype"), DAY));
    assertTrue(e.getMessage().contains("column 'sqft' (numeric) has type string, expected double"), e.getMessage());
  }

  @Test
  void extraColumnsPassThroughUntouched() {
    writeBatch(spark.createDataFrame(List.of(RowFactory.create("u001", "m001")), PAIRS)
        .withColumn("request_id", lit("r-1")), "extra", DAY);
    predict(batchJob(als, "extra"), DAY);
    Row row = spark.read().parquet(dir.resolve("extra/out/ds=" + DAY).toString()).first();
    assertEquals("r-1", row.getAs("request_id"));
  }

  @Test
  void anEmptyPartitionIsACleanRunWithAnEmptyOutputAndAReport() throws IOException {
    Files.createDirectories(dir.resolve("empty/in/ds=" + DAY));
    PredictResult result = predict(batchJob(als, "empty"), DAY);
    assertEquals(0, result.report().rowsRead());
    assertEquals(List.of(new RunReport.PartitionReport(DAY, 0, 0, 0, Map.of())), result.report().partitions());
    assertTrue(Files.exists(dir.resolve("empty/out/ds=" + DAY).resolve(OutputLayout.MARKER)));
  }

  @Test
  void anEmptyRerunReplacesTheDatesEarlierScores() throws IOException {
    writeBatch(spark.createDataFrame(List.of(RowFactory.create("u001", "m001")), PAIRS), "emptied", DAY);
    predict(batchJob(als, "emptied"), DAY);
    assertEquals(1, spark.read().parquet(dir.resolve("emptied/out/ds=" + DAY).toString()).count());
    TestFiles.deleteTree(dir.resolve("emptied/in/ds=" + DAY));
    Files.createDirectories(dir.resolve("emptied/in/ds=" + DAY));
    predict(batchJob(als, "emptied"), DAY);
    try (var files = Files.list(dir.resolve("emptied/out/ds=" + DAY))) {
      assertEquals(List.of(OutputLayout.MARKER), files.map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".")).toList(), "only the marker: no scores left from the earlier run");
    }
  }

  @Test
  void aCorruptParquetFileFailsTheRunAndKeepsTheDatesEarlierOutput() throws IOException {
    writeBatch(spark.createDataFrame(List.of(RowFactory.create("u001", "m001")), PAIRS), "corrupt", DAY);
    predict(batchJob(als, "corrupt"), DAY);
    Path output = dir.resolve("corrupt/out/ds=" + DAY);
    List<String> before = listNames(output);
    Files.write(dir.resolve("corrupt/in/ds=" + DAY).resolve("part-99999-garbage.parquet"),
        "this is not parquet".getBytes());
    Exception e = assertThrows(Exception.class, () -> predict(batchJob(als, "corrupt"), DAY));
    assertTrue(rootMessage(e).contains("part-99999-garbage.parquet is not a Parquet file"), rootMessage(e));
    List<String> after = listNames(output);
    after.removeIf(name -> name.startsWith(".") || name.equals(OutputLayout.MARKER));
    before.removeIf(name -> name.startsWith(".") || name.equals(OutputLayout.MARKER));
    assertEquals(before, after, "the earlier scores of the date are intact");
    assertFalse(Files.exists(output.resolve(OutputLayout.MARKER)), "no marker vouches for a failed run");
  }

  @Test
  void aRunRefusesADateAnotherLiveRunHoldsAndNamesTheHolder() throws IOException {
    writeBatch(spark.createDataFrame(List.of(RowFactory.create("u001", "m001")), PAIRS), "locked", DAY);
    JobSpec job = batchJob(als, "locked");
    try (RunLock held = RunLock.acquire(new org.apache.hadoop.fs.Path(job.predict().outputPath()), "ds",
        List.of(DAY), "other-run", new Configuration())) {
      NightjarException e = assertThrows(NightjarException.class, () -> predict(job, DAY));
      assertEquals(ExitCode.LOCKED, e.exitCode());
      assertTrue(e.getMessage().contains("is held by run other-run, pid " + ProcessHandle.current().pid()),
          e.getMessage());
    }
    assertEquals(1, predict(job, DAY).report().rowsScored(), "runs once the lock is released");
  }

  @Test
  void aStaleLockOfADeadProcessIsTakenOver() throws Exception {
    writeBatch(spark.createDataFrame(List.of(RowFactory.create("u001", "m001")), PAIRS), "stale", DAY);
    JobSpec job = batchJob(als, "stale");
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path lock = dir.resolve("stale/out").resolve("_locks").resolve("ds=" + DAY + ".lock");
    Files.createDirectories(lock.getParent());
    Files.writeString(lock, String.format(
        "{\"runId\":\"crashed\",\"host\":\"%s\",\"pid\":%d,\"startedAt\":\"2026-11-20T03:00:00Z\"}",
        java.net.InetAddress.getLocalHost().getHostName(), dead.pid()));
    assertEquals(1, predict(job, DAY).report().rowsScored());
    assertFalse(Files.exists(lock), "released after the run");
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return new java.util.ArrayList<>(files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
