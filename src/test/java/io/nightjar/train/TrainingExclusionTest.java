package io.nightjar.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.InputDataException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training leaves bad rows out, counts them by reason in the manifest, and stops when there are too many. */
class TrainingExclusionTest extends SparkTestBase {
  @TempDir
  static Path dir;

  @BeforeAll
  static void writeRatingsWithBadRows() {
    Dataset<Row> good = Fixtures.ratings(spark, 20, 15, 0.6, 41);
    Dataset<Row> bad = spark.createDataFrame(List.of(
        RowFactory.create(null, "m001", 4.0),
        RowFactory.create("u001", null, 3.0),
        RowFactory.create("u002", "m002", null),
        RowFactory.create("u003", "m003", Double.NaN)), Fixtures.RATINGS);
    good.union(bad).write().parquet(dir.resolve("ratings").toString());
  }

  private static JobSpec spec(double maxRejectedFraction) {
    return JobSpecLoader.load("test", """
        name: r
        kind: als
        input: {path: %1$s/ratings}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 2, maxIter: 2, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models-%2$s}
        maxRejectedFraction: %2$s
        """.formatted(dir, maxRejectedFraction), List.of());
  }

  @Test
  void badRowsAreExcludedAndCountedByReason() {
    TrainResult result = new Trainer(spark, null).train(spec(0.1));
    var input = result.manifest().input();
    assertEquals(Map.of("null_user_id", 1L, "null_item_id", 1L, "non_finite_rating", 2L), input.excludedByReason());
    assertEquals(4, input.excludedRows());
    assertEquals(input.rows() - 4, input.trainingRows() + input.holdoutRows());
  }

  @Test
  void tooManyBadRowsStopTheRunBeforeAnythingIsSaved() {
    InputDataException e = assertThrows(InputDataException.class, () -> new Trainer(spark, null).train(spec(0.001)));
    assertTrue(e.getMessage().contains("training rows under " + dir.resolve("ratings") + " are unusable"),
        e.getMessage());
    assertTrue(e.getMessage().contains("more than maxRejectedFraction 0.001 allows"), e.getMessage());
    assertTrue(!dir.resolve("models-0.001").resolve("CURRENT").toFile().exists(), "nothing published");
  }
}
