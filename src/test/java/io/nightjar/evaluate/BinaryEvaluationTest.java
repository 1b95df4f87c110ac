package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.InputDataException;
import io.nightjar.evaluate.BinaryEvaluation.BinaryHoldout;
import io.nightjar.evaluate.BinaryEvaluation.BinaryMetrics;
import io.nightjar.evaluate.BinaryEvaluation.ConfusionMatrix;
import io.nightjar.evaluate.BinaryEvaluation.CurvePoint;
import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class BinaryEvaluationTest extends SparkTestBase {
  private static final StructType SCORED = new StructType()
      .add("p", DataTypes.DoubleType).add("y", DataTypes.IntegerType);

  private static Dataset<Row> scored(double[] p, int[] y) {
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < p.length; k++) {
      rows.add(RowFactory.create(p[k], y[k]));
    }
    return spark.createDataFrame(rows, SCORED);
  }

  /** Six rows, positives scored {0.9, 0.8, 0.4}, negatives {0.8, 0.6, 0.2}: one tie across the classes. */
  private static Dataset<Row> six() {
    return scored(new double[] {0.9, 0.8, 0.8, 0.6, 0.4, 0.2}, new int[] {1, 1, 0, 0, 1, 0});
  }

  @Test
  void handCheckedSmallExample() {
    BinaryHoldout holdout = BinaryEvaluation.evaluate(six(), "y", col("p"), 0.25);
    BinaryMetrics m = holdout.model();
    assertEquals(6, m.rows());
    assertEquals(0.5, m.positiveRate(), 1e-12);
    // AUC-ROC over the 9 (positive, negative) pairs: 0.9 beats all 3 (3); 0.8 ties 0.8 (0.5) and beats 0.6 and 0.2
    // (2); 0.4 beats 0.2 (1). 6.5 / 9.
    assertEquals(6.5 / 9, m.aucRoc(), 1e-12);
    // PR points by descending score group (recall, precision): start (0, 1); 0.9 -> (1/3, 1); 0.8 -> (2/3, 2/3);
    // 0.6 -> (2/3, 1/2); 0.4 -> (1, 3/5); 0.2 -> (1, 1/2). Trapezoids: 1/3 + (1/3)(5/3)/2 + 0 + (1/3)(11/10)/2 + 0
    // = 60/180 + 50/180 + 33/180 = 143/180.
    assertEquals(143.0 / 180, m.aucPr(), 1e-12);
    // Log-loss: -(ln .9 + ln .8 + ln .2 + ln .4 + ln .4 + ln .8) / 6.
    double logLoss = -(Math.log(0.9) + 2 * Math.log(0.8) + Math.log(0.2) + 2 * Math.log(0.4)) / 6;
    assertEquals(logLoss, m.logLoss(), 1e-12);
    assertEquals(0.6656112, m.logLoss(), 1e-6);
    // Threshold 0.5 (positive when p > 0.5): 0.9/1 TP, 0.8/1 TP, 0.8/0 FP, 0.6/0 FP, 0.4/1 FN, 0.2/0 TN.
    assertEquals(new ConfusionMatrix(2, 2, 1, 1), m.confusion());
    assertEquals(0.5, m.accuracy(), 1e-12);
    assertEquals(List.of(new CurvePoint(1.0, 0, 0), new CurvePoint(0.9, 0, 1.0 / 3),
        new CurvePoint(0.8, 1.0 / 3, 2.0 / 3), new CurvePoint(0.6, 2.0 / 3, 2.0 / 3),
        new CurvePoint(0.4, 2.0 / 3, 1), new CurvePoint(0.2, 1, 1)), m.roc());
    assertEquals(new CurvePoint(0.4, 1, 0.6), m.pr().get(4));

    // Reference: the constant 0.25. Log-loss -(3 ln .25 + 3 ln .75) / 6; all tied, so AUC-ROC 0.5 and AUC-PR the
    // holdout positive rate 0.5; 0.25 is not above 0.5, so it predicts 0 (the training majority class) everywhere.
    BinaryMetrics r = holdout.reference();
    assertEquals(-(Math.log(0.25) + Math.log(0.75)) / 2, r.logLoss(), 1e-12);
    assertEquals(0.5, r.aucRoc(), 1e-12);
    assertEquals(0.5, r.aucPr(), 1e-12);
    assertEquals(new ConfusionMatrix(0, 0, 3, 3), r.confusion());
    assertEquals(0.5, r.accuracy(), 1e-12);
    assertEquals(1 - m.logLoss() / r.logLoss(), holdout.logLossLiftOverReference(), 1e-12);
  }

  @Test
  void thresholdIsStrictAndReferenceFollowsTheMajority() {
    // p > 0.8: only the 0.9 row is predicted positive: TP 1, FP 0, TN 3, FN 2.
    BinaryHoldout at = BinaryEvaluation.evaluate(six(), "y", col("p"), 0.7, 0.8);
    assertEquals(new ConfusionMatrix(1, 0, 3, 2), at.model().confusion());
    assertEquals(4.0 / 6, at.model().accuracy(), 1e-12);
    // 0.7 is below 0.8: the reference predicts 0 everywhere. At 0.5 it predicts 1 everywhere.
    assertEquals(new ConfusionMatrix(0, 0, 3, 3), at.reference().confusion());
    BinaryHoldout half = BinaryEvaluation.evaluate(six(), "y", col("p"), 0.7);
    assertEquals(new ConfusionMatrix(3, 3, 0, 0), half.reference().confusion());
  }

  @Test
  void booleanLabelsWork() {
    Dataset<Row> bools = six().withColumn("y", col("y").equalTo(1));
    assertEquals(6.5 / 9, BinaryEvaluation.evaluate(bools, "y", col("p"), 0.5).model().aucRoc(), 1e-12);
  }

  @Test
  void matchesSparkOnRandomTiedScoresAndDownsamplesTheCurves() {
    Random random = new Random(3);
    int n = 3000;
    double[] p = new double[n];
    int[] y = new int[n];
    for (int k = 0; k < n; k++) {
      y[k] = random.nextDouble() < 0.3 ? 1 : 0;
      p[k] = Math.min(1.0, Math.max(0.0, Math.rint((0.35 + 0.2 * y[k] + random.nextGaussian() * 0.2) * 500) / 500));
    }
    Dataset<Row> data = scored(p, y).withColumn("label", col("y").cast("double")).cache();
    BinaryMetrics m = BinaryEvaluation.evaluate(data, "y", col("p"), 0.3).model();
    BinaryClassificationEvaluator spark = new BinaryClassificationEvaluator().setRawPredictionCol("p")
        .setLabelCol("label").setNumBins(0);
    assertEquals(spark.setMetricName("areaUnderROC").evaluate(data), m.aucRoc(), 1e-12);
    assertEquals(spark.setMetricName("areaUnderPR").evaluate(data), m.aucPr(), 1e-12);
    assertTrue(m.roc().size() <= BinaryEvaluation.MAX_CURVE_POINTS && m.roc().size() > 100, "" + m.roc().size());
    assertEquals(new CurvePoint(1.0, 0, 0), m.roc().get(0));
    CurvePoint last = m.roc().get(m.roc().size() - 1);
    assertEquals(1.0, last.x(), 1e-12);
    assertEquals(1.0, last.y(), 1e-12);
    assertEquals(1.0, m.pr().get(m.pr().size() - 1).x(), 1e-12);

    // Above the distinct-score limit the scores go on a 1e-5 grid: the areas barely move.
    BinaryMetrics bucketed = BinaryEvaluation.evaluate(data, "y", col("p"), 0.3, 0.5, 10).model();
    assertEquals(m.aucRoc(), bucketed.aucRoc(), 1e-9);
    // Continuous scores (no ties): the 1e-5 grid ties only rows within 1e-5 of each other.
    double[] smooth = new double[n];
    for (int k = 0; k < n; k++) {
      smooth[k] = Math.min(1.0, Math.max(0.0, 0.35 + 0.2 * y[k] + random.nextGaussian() * 0.2));
    }
    Dataset<Row> continuous = scored(smooth, y);
    BinaryMetrics exact = BinaryEvaluation.evaluate(continuous, "y", col("p"), 0.3).model();
    BinaryMetrics grid = BinaryEvaluation.evaluate(continuous, "y", col("p"), 0.3, 0.5, 10).model();
    assertEquals(exact.aucRoc(), grid.aucRoc(), 1e-4);
    assertEquals(exact.aucPr(), grid.aucPr(), 1e-3);
    assertEquals(exact.logLoss(), grid.logLoss(), 0.0);
  }

  @Test
  void badLabelsAndProbabilitiesAreNamed() {
    Dataset<Row> twos = scored(new double[] {0.1, 0.2}, new int[] {0, 2});
    InputDataException label = assertThrows(InputDataException.class,
        () -> BinaryEvaluation.evaluate(twos, "y", col("p"), 0.5));
    assertEquals("1 of 2 holdout rows have a label 'y' that is missing or not 0/1; a binomial model needs 0/1 "
        + "labels: recode or drop those rows", label.getMessage());
    Dataset<Row> nan = scored(new double[] {Double.NaN, 0.2, 1.5}, new int[] {0, 1, 1});
    IllegalStateException probability = assertThrows(IllegalStateException.class,
        () -> BinaryEvaluation.evaluate(nan, "y", col("p"), 0.5));
    assertEquals("2 of 3 holdout probabilities are missing, not finite or outside [0, 1]", probability.getMessage());
    Dataset<Row> ones = scored(new double[] {0.3, 0.7}, new int[] {1, 1});
    BinaryMetrics oneClass = BinaryEvaluation.evaluate(ones, "y", col("p"), 0.5).model();
    assertTrue(Double.isNaN(oneClass.aucRoc()), "AUC-ROC is undefined with one class");
    assertEquals(1.0, oneClass.aucPr(), 1e-12);
  }

  @Test
  void downsampleKeepsEndsAndBound() {
    int[] picked = BinaryEvaluation.downsample(1001);
    assertEquals(200, picked.length);
    assertEquals(0, picked[0]);
    assertEquals(1000, picked[199]);
    assertEquals(3, BinaryEvaluation.downsample(3).length);
  }
}
