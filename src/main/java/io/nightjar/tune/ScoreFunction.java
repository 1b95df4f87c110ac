package io.nightjar.tune;

import java.util.Locale;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Scores the validation rows a fitted pipeline has transformed, for example the RMSE of label vs prediction. */
@FunctionalInterface
public interface ScoreFunction {
  double score(Dataset<Row> scoredValidationRows);

  /** A regression metric (rmse, mse, mae or r2) of {@code labelCol} against {@code predictionCol}. */
  static ScoreFunction regression(String metric, String labelCol, String predictionCol) {
    String name = metric == null ? "" : metric.toLowerCase(Locale.ROOT);
    if (!java.util.Set.of("rmse", "mse", "mae", "r2").contains(name)) {
      throw new IllegalArgumentException(String.format(
          "regression tuning metric '%s' is not supported; use rmse, mse, mae or r2", metric));
    }
    RegressionEvaluator evaluator = new RegressionEvaluator()
        .setMetricName(name).setLabelCol(labelCol).setPredictionCol(predictionCol);
    return evaluator::evaluate;
  }
}
