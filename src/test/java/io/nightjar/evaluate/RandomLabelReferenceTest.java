package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RandomLabelReferenceTest extends SparkTestBase {
  private static final StructType ROWS = new StructType()
      .add("id", DataTypes.IntegerType).add("y", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType);

  /** Rows id = 0..n-1 with label y(id) and prediction p(id). */
  private static Dataset<Row> rows(int n, java.util.function.IntToDoubleFunction y,
      java.util.function.IntToDoubleFunction p) {
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      rows.add(RowFactory.create(k, y.applyAsDouble(k), p.applyAsDouble(k)));
    }
    return spark.createDataFrame(rows, ROWS);
  }

  @Test
  void drawsFromTrainingLabelsWithHandCheckableErrors() {
    // Training labels: half 0, half 10 (mean 5). Holdout labels all 5: every draw is 0 or 10, so every random error is
    // exactly 5: RMSE 5, MAE 5, whatever was drawn. The model predicts 5 exactly: RMSE 0.
    Dataset<Row> training = rows(400, k -> k % 2 == 0 ? 0.0 : 10.0, k -> 0.0);
    Dataset<Row> holdout = rows(300, k -> 5.0, k -> 5.0);
    try (RandomLabelReference random = RandomLabelReference.fromTraining(training, "y", 42)) {
      assertEquals(400, random.sampleSize(), "fewer labels than the bound: all of them");
      assertEquals(200, Arrays.stream(random.sample()).filter(v -> v == 10.0).count());
      RegressionHoldout result = RegressionEvaluation.evaluate(holdout, "y", "prediction", 5.0, random);
      assertEquals(5.0, result.randomLabel().rmse(), 1e-12);
      assertEquals(5.0, result.randomLabel().mae(), 1e-12);
      assertEquals(0.0, result.evaluation().model().rmse(), 1e-12);
      assertEquals(0.0, result.evaluation().trainingMean().rmse(), 1e-12);
      assertEquals(400, result.randomLabelSample());
      assertEquals(1.0, result.rmseLiftOverRandomLabel(), 1e-12);
    }
  }

  @Test
  void drawsAreSeededAndIndependentOfPartitioning() {
    // Training labels 0..999; holdout labels y = id mod 7, predictions y + 1.
    Dataset<Row> training = rows(1000, k -> k, k -> 0.0);
    Dataset<Row> holdout = rows(2000, k -> k % 7, k -> k % 7 + 1);
    RegressionHoldout a;
    RegressionHoldout b;
    RegressionHoldout c;
    try (RandomLabelReference one = RandomLabelReference.fromTraining(training.repartition(1), "y", 7, 100);
        RandomLabelReference seven = RandomLabelReference.fromTraining(training.repartition(7), "y", 7, 100);
        RandomLabelReference other = RandomLabelReference.fromTraining(training, "y", 8, 100)) {
      assertEquals(100, one.sampleSize(), "bounded sample");
      assertArrayEquals(one.sample(), seven.sample(), "same sample whatever the partitioning");
      assertTrue(Arrays.stream(one.sample()).allMatch(v -> v >= 0 && v < 1000 && v == Math.rint(v)));
      assertEquals(100, Arrays.stream(one.sample()).distinct().count(), "a sample without replacement");
      a = RegressionEvaluation.evaluate(holdout.repartition(1), "y", "prediction", 499.5, one);
      b = RegressionEvaluation.evaluate(holdout.repartition(5), "y", "prediction", 499.5, seven);
      c = RegressionEvaluation.evaluate(holdout, "y", "prediction", 499.5, other);
    }
    // The draws match exactly; sums of squares may differ in the last bits with the summation order.
    assertEquals(a.randomLabel().mae(), b.randomLabel().mae(), 0.0);
    assertEquals(a.randomLabel().rmse(), b.randomLabel().rmse(), 1e-9);
    assertEquals(a.evaluation().model().rmse(), b.evaluation().model().rmse(), 1e-9);
    assertTrue(a.randomLabel().rmse() != c.randomLabel().rmse(), "another seed draws differently");
    // The model is off by exactly 1 everywhere.
    assertEquals(1.0, a.evaluation().model().rmse(), 1e-12);
    assertEquals(1.0, a.evaluation().model().mae(), 1e-12);
    // In expectation over the draws, the random predictor's MSE is the mean over holdout rows and sampled labels s of
    // (y - s)^2; the realised draw of 2000 independent rows lands within 4% of its square root (about 3 sd).
    double[] sample = sampleOf(training, 7);
    double expectedMse = 0;
    for (int k = 0; k < 2000; k++) {
      for (double s : sample) {
        expectedMse += Math.pow(k % 7 - s, 2) / (2000.0 * sample.length);
      }
    }
    assertEquals(Math.sqrt(expectedMse), a.randomLabel().rmse(), 0.04 * Math.sqrt(expectedMse));
  }

  private static double[] sampleOf(Dataset<Row> training, long seed) {
    try (RandomLabelReference random = RandomLabelReference.fromTraining(training, "y", seed, 100)) {
      return random.sample();
    }
  }

  @Test
  void theOriginalEvaluateIsUnchangedAndLeavesTheRandomReferenceOut() {
    Dataset<Row> holdout = rows(4, k -> k, k -> k + 2);
    HoldoutEvaluation plain = RegressionEvaluation.evaluate(holdout, "y", "prediction", 1.5);
    // Labels 0..3, predictions off by 2: RMSE 2, MAE 2; the mean 1.5 is off by 1.5, 0.5, 0.5, 1.5: RMSE sqrt(1.25).
    assertEquals(2.0, plain.model().rmse(), 1e-12);
    assertEquals(Math.sqrt(1.25), plain.trainingMean().rmse(), 1e-12);
    RegressionHoldout none = RegressionEvaluation.evaluate(holdout, "y", "prediction", 1.5, null);
    assertEquals(plain, none.evaluation());
    assertNull(none.randomLabel());
    assertTrue(Double.isNaN(none.rmseLiftOverRandomLabel()));
  }

  @Test
  void nullLabelsAreNotDrawn() {
    Dataset<Row> training = rows(10, k -> k < 5 ? 3.0 : Double.NaN, k -> 0.0)
        .withColumn("y", org.apache.spark.sql.functions.when(col("id").equalTo(9), null).otherwise(col("y")));
    try (RandomLabelReference random = RandomLabelReference.fromTraining(training, "y", 1)) {
      assertArrayEquals(new double[] {3, 3, 3, 3, 3}, random.sample());
    }
  }
}
