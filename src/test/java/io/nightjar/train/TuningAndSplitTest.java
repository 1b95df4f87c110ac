package io.nightjar.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tuning picks params on the training rows and records every grid point; the holdout can be the most recent rows. */
class TuningAndSplitTest extends SparkTestBase {
  @TempDir
  static Path dir;

  @BeforeAll
  static void writeData() {
    Fixtures.homes(spark, 800, 11).write().parquet(dir.resolve("homes").toString());
    Fixtures.homes(spark, 800, 13).withColumn("expensive", expr("cast(price > 200000 as double)")).drop("price")
        .write().parquet(dir.resolve("expensive").toString());
    Dataset<Row> ratings = Fixtures.ratings(spark, 30, 20, 0.6, 12)
        .withColumn("rated_at", expr("date_add(DATE'2026-01-01', cast(abs(hash(user_id, item_id)) % 100 as int))"));
    ratings.write().parquet(dir.resolve("ratings").toString());
  }

  private static JobSpec homes(String extra) {
    return JobSpecLoader.load("test", """
        name: homes
        kind: elasticnet
        input: {path: %1$s/homes}
        columns: {label: price}
        model: {store: %1$s/models-homes}
        %2$s
        """.formatted(dir, extra), List.of());
  }

  @Test
  void elasticNetTunesAlongTheRegParamPathAndFitsTheChosenPoint() {
    TrainResult result = new Trainer(spark, null).train(homes("tuning: {folds: 3}"));
    JsonNode tuning = result.manifest().tuning();
    assertEquals("rmse", tuning.get("metric").asText());
    assertEquals(3, tuning.get("folds").asInt());
    assertTrue(tuning.get("points").size() >= 100, "a whole path per elasticNetParam: " + tuning.get("points").size());
    JsonNode best = tuning.get("best").get("params");
    assertEquals(best.get("regParam").asDouble(), result.manifest().params().get("regParam").asDouble(), 1e-12,
        "the published model was fitted at the chosen point");
    assertEquals(best.get("elasticNetParam").asDouble(),
        result.manifest().params().get("elasticNetParam").asDouble(), 1e-12);
    double bestScore = tuning.get("best").get("mean").asDouble();
    for (JsonNode point : tuning.get("points")) {
      assertTrue(point.get("mean").asDouble() >= bestScore - 1e-9, "best has the lowest mean CV RMSE");
    }
  }

  @Test
  void alsTunesAGridByHoldoutAndRecordsEveryPoint() {
    JobSpec spec = JobSpecLoader.load("test", """
        name: r
        kind: als
        input: {path: %1$s/ratings}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {maxIter: 3, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models-als}
        tuning: {method: holdout, grid: {rank: [2, 4], regParam: [0.05, 5.0]}, parallelism: 2}
        """.formatted(dir), List.of());
    TrainResult result = new Trainer(spark, null).train(spec);
    JsonNode tuning = result.manifest().tuning();
    assertEquals("holdout", tuning.get("method").asText());
    assertEquals(4, tuning.get("points").size());
    JsonNode best = tuning.get("best").get("params");
    assertEquals(best.get("rank").asInt(), result.manifest().params().get("rank").asInt());
    assertEquals(best.get("regParam").asDouble(), result.manifest().params().get("regParam").asDouble(), 1e-12);
  }

  @Test
  void aBadGridValueNamesTheTuningKey() {
    JobSpecException e = assertThrows(JobSpecException.class, () -> new Trainer(spark, null).train(homes(
        "tuning: {grid: {regParam: [0.1, -1]}}")));
    assertTrue(e.getMessage().contains("tuning.grid.regParam"), e.getMessage());
  }

  @Test
  void aTimeColumnHoldsOutTheMostRecentRows() {
    JobSpec spec = JobSpecLoader.load("test", """
        name: r
        kind: als
        input: {path: %1$s/ratings}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 2, maxIter: 2, numUserBlocks: 2, numItemBlocks: 2}
        evaluation: {holdout: 0.25, timeColumn: rated_at}
        model: {store: %1$s/models-time}
        """.formatted(dir), List.of());
    TrainResult result = new Trainer(spark, null).train(spec);
    String from = (String) result.manifest().settings().get("holdoutFrom");
    Dataset<Row> all = spark.read().parquet(dir.resolve("ratings").toString());
    long recent = all.where(col("rated_at").geq(java.sql.Date.valueOf(from))).count();
    assertEquals(recent, result.manifest().input().holdoutRows(), "the holdout is every row from the cut-off on");
    assertEquals(all.count() - recent, result.manifest().input().trainingRows());
    double share = (double) recent / all.count();
    assertTrue(share > 0.2 && share < 0.3, "about a quarter held out: " + share);
  }

  @Test
  void aTimeColumnOfTheWrongTypeSaysWhatToDo() {
    JobSpec spec = homes("evaluation: {timeColumn: region}");
    InputDataException e = assertThrows(InputDataException.class, () -> new Trainer(spark, null).train(spec));
    assertTrue(e.getMessage().contains("evaluation.timeColumn 'region' has type string; it must be a date"),
        e.getMessage());
  }

  @Test
  void aZeroOneLabelTrainsALogisticModelEvaluatedBesideThePositiveRate() throws java.io.IOException {
    JobSpec spec = JobSpecLoader.load("test", """
        name: expensive
        kind: elasticnet
        input: {path: %1$s/expensive}
        columns: {label: expensive}
        params: {regParam: 0.001}
        model: {store: %1$s/models-expensive}
        """.formatted(dir), List.of());
    TrainResult result = new Trainer(spark, null).train(spec);
    var evaluation = result.manifest().evaluation();
    assertEquals("auc", evaluation.metric());
    assertEquals("positive_rate", evaluation.reference());
    assertEquals(0.5, evaluation.referenceValue(), 1e-12);
    assertTrue(evaluation.modelValue() > 0.9, "price is a clean function of the features: " + evaluation.scores());
    assertEquals("binomial", result.manifest().settings().get("family"));
    assertTrue(result.published(), result.gate().summary());
    java.nio.file.Path version = java.nio.file.Path.of(java.net.URI.create(result.location()));
    String html = java.nio.file.Files.readString(version.resolve("report.html"));
    assertEquals(3, html.split("<svg", -1).length - 1, "coefficients, confusion matrix and ROC curve");
    assertTrue(java.nio.file.Files.readString(version.resolve("metrics.json")).contains("\"truePositives\""));
  }
}
