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

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Computes the model's and the reference's metrics in one pass over the scored holdout. */
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
    Column y = col(label).cast("double");
    Column p = col(prediction).cast("double");
    Column modelError = y.minus(p);
    Column referenceError = y.minus(lit(trainingMean));
    Column bad = p.isNull().or(isnan(p)).or(p.equalTo(Double.POSITIVE_INFINITY))
        .or(p.equalTo(Double.NEGATIVE_INFINITY));
    Row row = scored.agg(
            count(lit(1)),
            sum(when(bad, 1).otherwise(0)),
            sum(pow(modelError, 2)),
            sum(abs(modelError)),
            sum(pow(referenceError, 2)),
            sum(abs(referenceError)),
            var_pop(y))
        .first();
    long rows = row.getLong(0);
    if (rows == 0) {
      throw new IllegalStateException("the holdout is empty; the input has too few rows to evaluate a model");
    }
    long nonFinite = row.getLong(1);
    if (nonFinite > 0) {
      throw new IllegalStateException(nonFinite + " of " + rows + " holdout predictions are missing or not finite");
    }
    double totalVariance = row.getDouble(6) * rows;
    return new HoldoutEvaluation(
        metrics(rows, row.getDouble(2), row.getDouble(3), totalVariance),
        metrics(rows, row.getDouble(4), row.getDouble(5), totalVariance),
        trainingMean);
  }

  private static RegressionMetrics metrics(long rows, double squaredError, double absoluteError, double variance) {
    double r2 = variance == 0.0 ? 0.0 : 1.0 - squaredError / variance;
    return new RegressionMetrics(rows, Math.sqrt(squaredError / rows), absoluteError / rows, r2);
  }
}
