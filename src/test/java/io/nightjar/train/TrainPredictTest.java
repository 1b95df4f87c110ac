package io.nightjar.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.InputDataException;
import io.nightjar.pipeline.ColdStartCounts;
import io.nightjar.predict.PredictResult;
import io.nightjar.predict.Predictor;
import io.nightjar.run.RunReport;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.store.ModelStore;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train mode then predict mode on data written to disk, as the nightly job runs them. */
class TrainPredictTest extends SparkTestBase {
  private static final LocalDate DAY1 = LocalDate.parse("2026-11-20");
  private static final LocalDate DAY2 = LocalDate.parse("2026-11-21");

  @TempDir
  static Path dir;

  private static JobSpec spec;
  private static TrainResult trained;

  @BeforeAll
  static void trainOnce() {
    Dataset<Row> ratings = Fixtures.ratings(spark, 40, 30, 0.5, 21);
    ratings.coalesce(1).write().option("header", "true").csv(dir.resolve("train").toString());
    // Two days of pairs to score: known pairs plus unseen users and items.
    Dataset<Row> pairs = ratings.select("user_id", "item_id").limit(60)
        .union(spark.sql("SELECT 'newcomer' AS user_id, 'm001' AS item_id"))
        .union(spark.sql("SELECT 'u001' AS user_id, 'brand-new' AS item_id"));
    pairs.withColumn("ds", lit(DAY1.toString()))
        .union(pairs.limit(30).withColumn("ds", lit(DAY2.toString())))
        .write().partitionBy("ds").parquet(dir.resolve("batches").toString());
    spec = JobSpecLoader.load("test", """
        name: ratings
        kind: als
        input: {path: %1$s/train, format: csv}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 4, maxIter: 5, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models}
        predict:
          input: {path: %1$s/batches}
          output: {path: %1$s/output}
        """.formatted(dir), List.of());
    trained = new Trainer(spark, null).train(spec);
  }

  private static Dataset<Row> output(LocalDate day) {
    return spark.read().parquet(dir.resolve("output").resolve("ds=" + day).toString());
  }

  private static Map<Long, FileTime> modificationTimes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toMap(
          path -> (long) path.toString().hashCode(), path -> {
            try {
              return Files.getLastModifiedTime(path);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }));
    }
  }

  @Test
  void trainPublishesAVersionWithItsManifestAndMetrics() {
    ModelStore store = ModelStore.open(spec.modelStore(), new Configuration());
    assertEquals(Optional.of(trained.version()), store.current());
    var manifest = store.manifest(trained.version());
    assertEquals("ratings", manifest.job());
    assertEquals("als", manifest.kind());
    assertEquals(4, manifest.params().get("rank").asInt());
    assertEquals(spark.version(), manifest.software().get("spark"));
    assertEquals(manifest.input().rows(), manifest.input().trainingRows() + manifest.input().holdoutRows());
    assertTrue(manifest.metrics().model().rmse() < manifest.metrics().trainingMean().rmse(),
        "beats the training mean: " + manifest.metrics());
    assertEquals(manifest.input().holdoutRows(), manifest.metrics().model().rows(), "every holdout row is scored");
  }

  @Test
  void predictScoresEveryRowAfterTheTrainingInputIsGone() throws IOException {
    TestFiles.deleteTree(dir.resolve("train"));
    PredictResult result = new Predictor(spark).predict(spec, Optional.empty(), Optional.of(trained.version()));
    RunReport report = result.report();
    assertEquals(List.of(DAY1.toString(), DAY2.toString()),
        report.partitions().stream().map(RunReport.PartitionReport::value).toList());
    assertEquals(92, report.rowsRead());
    assertEquals(92, report.rowsScored());
    assertEquals(0, report.rowsRejected());
    Dataset<Row> day1 = output(DAY1);
    assertEquals(List.of("user_id", "item_id", "prediction", "model_version"), List.of(day1.columns()));
    assertEquals(0, day1.where(col("prediction").isNull().or(functionsIsNan())).count(), "all finite");
    assertEquals(1, day1.where(col("user_id").equalTo("newcomer")).count());
    assertEquals(trained.version(), day1.select("model_version").distinct().first().getString(0));
  }

  private static org.apache.spark.sql.Column functionsIsNan() {
    return org.apache.spark.sql.functions.isnan(col("prediction"));
  }

  @Test
  void predictionsAndColdStartCountsEqualThoseOfTheSavedPipelineLoadedAgain() {
    // With generated code (no batch is small enough to run interpreted): the checks, the lookups and the scores in
    // one stage, counted with the write.
    RunReport report = new Predictor(spark, Optional.empty(), -1)
        .predict(spec, Optional.of(DAY1), Optional.of(trained.version())).report();
    ModelStore store = ModelStore.open(spec.modelStore(), new Configuration());
    PipelineModel loaded = PipelineModel.load(store.pipelineDir(trained.version()).toString());
    Dataset<Row> batch = spark.read().parquet(dir.resolve("batches").resolve("ds=" + DAY1).toString());
    Dataset<Row> transformed = loaded.transform(batch);
    Dataset<Row> expected = transformed.select("user_id", "item_id", "prediction");
    Dataset<Row> written = output(DAY1).select("user_id", "item_id", "prediction");
    assertEquals(0, expected.exceptAll(written).count());
    assertEquals(0, written.exceptAll(expected).count());
    ColdStartCounts cold = ColdStartCounts.of(transformed);
    assertTrue(cold.userUnseen() >= 1 && cold.itemUnseen() >= 1, "the batch has a new user and a new item: " + cold);
    assertEquals(Map.of("userUnseen", cold.userUnseen(), "itemUnseen", cold.itemUnseen(),
        "bothUnseen", cold.bothUnseen()), report.coldStart());
  }

  @Test
  void rerunningADateReplacesOnlyThatDateWithTheSameRows() throws IOException {
    Predictor predictor = new Predictor(spark);
    predictor.predict(spec, Optional.empty(), Optional.empty());
    List<Row> before = output(DAY1).orderBy("user_id", "item_id").collectAsList();
    Map<Long, FileTime> day2Files = modificationTimes(dir.resolve("output").resolve("ds=" + DAY2));

    PredictResult rerun = predictor.predict(spec, Optional.of(DAY1), Optional.empty());

    assertEquals(1, rerun.report().partitions().size());
    assertEquals(DAY1.toString(), rerun.report().partitions().get(0).value());
    assertEquals(before, output(DAY1).orderBy("user_id", "item_id").collectAsList());
    assertEquals(day2Files, modificationTimes(dir.resolve("output").resolve("ds=" + DAY2)), "day 2 untouched");
    assertEquals(30, output(DAY2).count());
  }

  @Test
  void aMissingRunDateNamesThePartitionsPresent() {
    InputDataException e = assertThrows(InputDataException.class,
        () -> new Predictor(spark).predict(spec, Optional.of(LocalDate.parse("2026-12-31")), Optional.empty()));
    assertTrue(e.getMessage().startsWith("no partition ds=2026-12-31 under "), e.getMessage());
    assertTrue(e.getMessage().contains("(partitions present: 2026-11-20, 2026-11-21)"), e.getMessage());
  }

  @Test
  void aBatchWithoutTheItemColumnIsRejectedByName() {
    spark.sql("SELECT 'u001' AS user_id, 'x' AS other").write().mode(SaveMode.ErrorIfExists)
        .parquet(dir.resolve("bad").resolve("ds=2026-11-20").toString());
    JobSpec bad = withBatch(dir.resolve("bad"));
    InputDataException e = assertThrows(InputDataException.class,
        () -> new Predictor(spark).predict(bad, Optional.of(DAY1), Optional.empty()));
    assertTrue(e.getMessage().contains("does not match the model's input contract: column 'item_id' (item, expected "
        + "type string) is missing"), e.getMessage());
  }

  private static JobSpec withBatch(Path batches) {
    return spec.withPaths(spec.input(), spec.model(),
        new io.nightjar.spec.PredictSpec(new io.nightjar.spec.InputSpec(batches.toString(), "parquet", Map.of(), null),
            dir.resolve("bad-output").toString(), "ds"));
  }

  @Test
  void aSecondTrainAddsANewVersionAndKeepsTheFirst() {
    TrainResult second = new Trainer(spark, null).train(withInput(dir.resolve("train2")));
    ModelStore store = ModelStore.open(spec.modelStore(), new Configuration());
    assertNotEquals(trained.version(), second.version());
    assertTrue(store.versions().containsAll(List.of(trained.version(), second.version())));
    assertEquals(Optional.of(second.version()), store.current());
  }

  private static JobSpec withInput(Path train) {
    Fixtures.ratings(spark, 40, 30, 0.5, 22).write().option("header", "true").csv(train.toString());
    return spec.withPaths(new io.nightjar.spec.InputSpec(train.toString(), "csv", Map.of(), null), spec.model(),
        spec.predict());
  }
}
