package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Computes the model's and the references' metrics in one pass over the scored holdout. */
public final class RegressionEvaluation {
  private RegressionEvaluation() {}

  /**
   * Evaluates scored holdout rows.
   *
   * @param scored holdout rows with a label and a prediction column
   * @param trainingMean the constant the reference model predicts
   * @throws IllegalStateException if any prediction is missing or not finite: the pipelines promise finite scores
   */
  public static HoldoutEvaluation evaluate(Dataset<Row> scored, String label, String prediction, double trainingMean) {
    return evaluate(scored, label, prediction, trainingMean, null).evaluation();
  }

  /**
   * Evaluates scored holdout rows beside both references, in the same single aggregation: the training mean, and a
   * label drawn at random from the training labels.
   *
   * @param random the random-label reference; its draw hashes the scored rows' own columns. Null leaves it out
   *     ({@link RegressionHoldout#randomLabel()} is then null)
   * @throws IllegalStateException if any prediction is missing or not finite: the pipelines promise finite scores
   */
  public static RegressionHoldout evaluate(Dataset<Row> scored, String label, String prediction, double trainingMean,
      RandomLabelReference random) {
    Column y = col(label).cast("double");
    Column p = col(prediction).cast("double");
    Column modelError = y.minus(p);
    Column referenceError = y.minus(lit(trainingMean));
    Column bad = p.isNull().or(isnan(p)).or(p.equalTo(Double.POSITIVE_INFINITY))
        .or(p.equalTo(Double.NEGATIVE_INFINITY));
    List<Column> sums = new ArrayList<>(List.of(
        sum(when(bad, 1).otherwise(0)),
        sum(pow(modelError, 2)),
        sum(abs(modelError)),
        sum(pow(referenceError, 2)),
        sum(abs(referenceError)),
        var_pop(y)));
    if (random != null) {
      Column randomError = y.minus(random.prediction(scored));
      sums.add(sum(pow(randomError, 2)));
      sums.add(sum(abs(randomError)));
    }
    Row row = scored.agg(count(lit(1)), sums.toArray(Column[]::new)).first();
    long rows = row.getLong(0);
    if (rows == 0) {
      throw new IllegalStateException("the holdout is empty; the input has too few rows to evaluate a model");
    }
    long nonFinite = row.getLong(1);
    if (nonFinite > 0) {
      throw new IllegalStateException(nonFinite + " of " + rows + " holdout predictions are missing or not finite");
    }
    double totalVariance = row.getDouble(6) * rows;
    HoldoutEvaluation evaluation = new HoldoutEvaluation(
        metrics(rows, row.getDouble(2), row.getDouble(3), totalVariance),
        metrics(rows, row.getDouble(4), row.getDouble(5), totalVariance),
        trainingMean);
    if (random == null) {
      return new RegressionHoldout(evaluation, null, 0);
    }
    return new RegressionHoldout(evaluation, metrics(rows, row.getDouble(7), row.getDouble(8), totalVariance),
        random.sampleSize());
  }

  private static RegressionMetrics metrics(long rows, double squaredError, double absoluteError, double variance) {
    double r2 = variance == 0.0 ? 0.0 : 1.0 - squaredError / variance;
    return new RegressionMetrics(rows, Math.sqrt(squaredError / rows), absoluteError / rows, r2);
  }
}
