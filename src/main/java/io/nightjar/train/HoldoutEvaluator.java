package io.nightjar.train;

import io.nightjar.evaluate.HoldoutEvaluation;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.evaluate.RegressionEvaluation;
import io.nightjar.evaluate.RegressionMetrics;
import io.nightjar.pipeline.Columns;
import io.nightjar.spec.JobSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Evaluates a fitted pipeline on the holdout beside the references that fit its kind. */
final class HoldoutEvaluator {
  static final String TRAINING_MEAN = "training_mean";

  private final JobSpec spec;
  private final String label;

  HoldoutEvaluator(JobSpec spec, String label) {
    this.spec = spec;
    this.label = label;
  }

  /** The primary metric tuning optimises and the gate compares. */
  String metric() {
    return spec.tuning() != null && spec.tuning().metric() != null ? spec.tuning().metric() : "rmse";
  }

  /**
   * Every metric of the model and its references.
   *
   * @param scoredHoldout the holdout rows the fitted pipeline transformed
   * @param trainingMean the constant the training-mean reference predicts
   */
  Result evaluate(Dataset<Row> scoredHoldout, Dataset<Row> training, double trainingMean) {
    HoldoutEvaluation regression = RegressionEvaluation.evaluate(scoredHoldout, label, Columns.PREDICTION,
        trainingMean);
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    scores.put(ModelEvaluation.MODEL, regressionScores(regression.model()));
    scores.put(TRAINING_MEAN, regressionScores(regression.trainingMean()));
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("holdoutRows", regression.model().rows());
    String metric = metric();
    ModelEvaluation evaluation = new ModelEvaluation(metric, biggerIsBetter(metric), TRAINING_MEAN, scores, counts,
        Map.of("trainingMean", trainingMean));
    return new Result(evaluation, regression);
  }

  /** The model's primary metric on the holdout: used to score CURRENT on tonight's holdout. */
  double primary(PipelineModel model, Dataset<Row> holdout, double trainingMean) {
    HoldoutEvaluation regression = RegressionEvaluation.evaluate(model.transform(holdout), label, Columns.PREDICTION,
        trainingMean);
    return regressionScores(regression.model()).get(metric());
  }

  private static boolean biggerIsBetter(String metric) {
    return io.nightjar.spec.TuningSpec.biggerIsBetter(metric);
  }

  private static Map<String, Double> regressionScores(RegressionMetrics metrics) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("rmse", metrics.rmse());
    scores.put("mae", metrics.mae());
    scores.put("r2", metrics.r2());
    return scores;
  }

  /**
   * @param evaluation every metric, for the manifest and the gate
   * @param regression the regression metrics beside the training mean, for the console summary; null for kinds
   *     that are not scored as regression
   */
  record Result(ModelEvaluation evaluation, HoldoutEvaluation regression) {}
}
