package io.nightjar.train;

import io.nightjar.evaluate.BinaryEvaluation;
import io.nightjar.evaluate.HoldoutEvaluation;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.evaluate.RandomLabelReference;
import io.nightjar.evaluate.RegressionEvaluation;
import io.nightjar.evaluate.RegressionHoldout;
import io.nightjar.evaluate.RegressionMetrics;
import io.nightjar.pipeline.ColdStartCounts;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.TuningSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates a fitted pipeline on the holdout beside the references that fit its kind: the training mean and a
 * random draw from the training labels for a numeric target; the constant training positive rate for a binary one.
 */
final class HoldoutEvaluator {
  static final String TRAINING_MEAN = "training_mean";
  static final String RANDOM_LABEL = "random_label";
  static final String POSITIVE_RATE = "positive_rate";

  private final JobSpec spec;
  private final String label;
  private final boolean binomial;

  HoldoutEvaluator(JobSpec spec, String label, boolean binomial) {
    this.spec = spec;
    this.label = label;
    this.binomial = binomial;
  }

  /** The primary metric tuning optimises and the gate compares. */
  String metric() {
    if (implicit()) {
      return "precisionAtK";
    }
    if (spec.tuning() != null && spec.tuning().metric() != null) {
      return spec.tuning().metric();
    }
    return binomial ? "auc" : "rmse";
  }

  /** Implicit-feedback ALS predicts preferences, not ratings: it is judged by its ranking against popularity. */
  private boolean implicit() {
    com.fasterxml.jackson.databind.JsonNode value = spec.params().get("implicitPrefs");
    return spec.kind() == io.nightjar.spec.ModelKind.ALS && value != null && value.asBoolean(false);
  }

  /**
   * Every metric of the model and its references.
   *
   * @param scoredHoldout the holdout rows the fitted pipeline transformed
   * @param trainingMean the training label mean (for a binary label, the training positive rate)
   */
  Result evaluate(PipelineModel model, Dataset<Row> scoredHoldout, Dataset<Row> training, Dataset<Row> holdout,
      double trainingMean) {
    return binomial ? binary(scoredHoldout, trainingMean)
        : regression(model, scoredHoldout, training, holdout, trainingMean);
  }

  private Result regression(PipelineModel model, Dataset<Row> scored, Dataset<Row> training, Dataset<Row> holdout,
      double trainingMean) {
    RegressionHoldout result;
    try (RandomLabelReference random = RandomLabelReference.fromTraining(training, label, spec.seed())) {
      result = RegressionEvaluation.evaluate(scored, label, Columns.PREDICTION, trainingMean, random);
    }
    HoldoutEvaluation regression = result.evaluation();
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    scores.put(ModelEvaluation.MODEL, regressionScores(regression.model()));
    scores.put(TRAINING_MEAN, regressionScores(regression.trainingMean()));
    scores.put(RANDOM_LABEL, regressionScores(result.randomLabel()));
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("holdoutRows", regression.model().rows());
    if (spec.kind() == io.nightjar.spec.ModelKind.ALS) {
      ColdStartCounts cold = ColdStartCounts.of(scored);
      counts.put("coldStartRows", cold.coldStart());
      counts.put("coldStartUserUnseen", cold.userUnseen());
      counts.put("coldStartItemUnseen", cold.itemUnseen());
      counts.put("coldStartBothUnseen", cold.bothUnseen());
      int k = spec.evaluation().rankingK();
      scores.get(ModelEvaluation.MODEL).putAll(RankingCheck.model(model, spec.alsColumns(), training, holdout, k));
      scores.put(RankingCheck.POPULARITY, RankingCheck.popularity(spec.alsColumns(), training, holdout, k));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("trainingMean", trainingMean);
    details.put("randomLabelSample", result.randomLabelSample());
    details.put("rankingK", spec.evaluation().rankingK());
    String metric = metric();
    return new Result(new ModelEvaluation(metric, TuningSpec.biggerIsBetter(metric),
        implicit() ? RankingCheck.POPULARITY : TRAINING_MEAN, scores, counts, details), regression, null);
  }

  private Result binary(Dataset<Row> scored, double positiveRate) {
    BinaryEvaluation.BinaryHoldout holdout = BinaryEvaluation.evaluate(scored, label,
        ElasticNetPipeline.positiveProbability(), positiveRate);
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    scores.put(ModelEvaluation.MODEL, binaryScores(holdout.model()));
    scores.put(POSITIVE_RATE, binaryScores(holdout.reference()));
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("holdoutRows", holdout.model().rows());
    BinaryEvaluation.ConfusionMatrix confusion = holdout.model().confusion();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("trainingPositiveRate", positiveRate);
    details.put("threshold", holdout.model().threshold());
    details.put("confusionMatrix", Map.of("truePositives", confusion.truePositives(), "falsePositives",
        confusion.falsePositives(), "trueNegatives", confusion.trueNegatives(), "falseNegatives",
        confusion.falseNegatives()));
    String metric = metric();
    return new Result(new ModelEvaluation(metric, TuningSpec.biggerIsBetter(metric), POSITIVE_RATE, scores, counts,
        details), null, holdout);
  }

  /** The model's primary metric on the holdout: used to score CURRENT on tonight's holdout. */
  double primary(PipelineModel model, Dataset<Row> training, Dataset<Row> holdout) {
    if (implicit()) {
      return RankingCheck.model(model, spec.alsColumns(), training, holdout, spec.evaluation().rankingK())
          .get("precisionAtK");
    }
    return ParamTuning.score(metric(), label).score(model.transform(holdout));
  }

  private static Map<String, Double> regressionScores(RegressionMetrics metrics) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("rmse", metrics.rmse());
    scores.put("mae", metrics.mae());
    scores.put("r2", metrics.r2());
    return scores;
  }

  private static Map<String, Double> binaryScores(BinaryEvaluation.BinaryMetrics metrics) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("auc", metrics.aucRoc());
    scores.put("aucPR", metrics.aucPr());
    scores.put("logLoss", metrics.logLoss());
    scores.put("accuracy", metrics.accuracy());
    return scores;
  }

  /**
   * @param evaluation every metric, for the manifest and the gate
   * @param regression the regression metrics beside the training mean (null for a binary label)
   * @param binary the binary metrics and curves (null for a numeric label)
   */
  record Result(ModelEvaluation evaluation, HoldoutEvaluation regression, BinaryEvaluation.BinaryHoldout binary) {
    /** The ROC curve and confusion matrix for the report, or null. */
    io.nightjar.report.TrainingReport.Binary reportSection() {
      if (binary == null) {
        return null;
      }
      BinaryEvaluation.ConfusionMatrix c = binary.model().confusion();
      List<io.nightjar.report.TrainingReport.RocPoint> roc = binary.model().roc().stream()
          .map(p -> new io.nightjar.report.TrainingReport.RocPoint(p.x(), p.y())).toList();
      return new io.nightjar.report.TrainingReport.Binary(c.truePositives(), c.falsePositives(), c.trueNegatives(),
          c.falseNegatives(), binary.model().threshold(), roc, binary.model().aucRoc());
    }
  }
}
