package io.nightjar.pipeline;

import io.nightjar.pipeline.stage.BiasEstimator;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.spec.AlsColumns;
import io.nightjar.spec.JobSpec;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.recommendation.ALS;

/**
 * The recommender pipeline: index user and item ids (any type, unseen ids to a spare index), fit the baseline
 * biases, let ALS learn the residuals, and add both back together with the baseline standing in where ALS has no
 * factors. Every scored row also gets its cold-start case in {@link Columns#COLD_START}.
 *
 * <p>With {@code params.implicitPrefs: true} (play counts, clicks) the bias stage passes the ratings through
 * unchanged (mean and biases 0), ALS fits preferences with confidence {@code 1 + alpha * r}, and the prediction is
 * ALS's preference score; a user or item not seen in training scores 0 (no preference), never NaN.
 */
final class AlsPipeline {
  /** Params Nightjar sets itself, with what to set in the job spec instead. */
  static final Map<String, String> RESERVED = Map.of(
      "userCol", "columns.user",
      "itemCol", "columns.item",
      "ratingCol", "columns.rating",
      "predictionCol", "nothing: the output column is always 'prediction'",
      "seed", "seed (top level)",
      "coldStartStrategy", "nothing: unseen users and items fall back to the baseline");

  private AlsPipeline() {}

  /**
   * True when the job asks ALS for implicit preferences ({@code params.implicitPrefs: true}): ratings are then
   * counts or clicks read as confidence, a bias baseline means nothing, and the bias stage passes them through.
   */
  static boolean implicitPrefs(JobSpec spec) {
    com.fasterxml.jackson.databind.JsonNode value = spec.params().get("implicitPrefs");
    return value != null && value.asBoolean(false);
  }

  static Pipeline build(JobSpec spec) {
    AlsColumns columns = spec.alsColumns();
    StringIndexer indexer = new StringIndexer()
        .setInputCols(new String[] {columns.user(), columns.item()})
        .setOutputCols(new String[] {Columns.USER_INDEX, Columns.ITEM_INDEX})
        .setHandleInvalid("keep");
    BiasEstimator biases = new BiasEstimator()
        .setUserCol(Columns.USER_INDEX)
        .setItemCol(Columns.ITEM_INDEX)
        .setRatingCol(columns.rating())
        .setBaselineCol(Columns.BASELINE)
        .setResidualCol(Columns.RESIDUAL)
        .setColdStartCol(Columns.COLD_START)
        .setRegParam(spec.biases().regParam())
        .setMaxIter(spec.biases().maxIter())
        .setPassThrough(implicitPrefs(spec));
    ALS als = EstimatorParams.apply(new ALS(), spec.params(), RESERVED)
        .setUserCol(Columns.USER_INDEX)
        .setItemCol(Columns.ITEM_INDEX)
        .setRatingCol(Columns.RESIDUAL)
        .setPredictionCol(Columns.RESIDUAL_PREDICTION)
        .setColdStartStrategy("nan")
        .setSeed(spec.seed());
    PredictionCombiner combiner = new PredictionCombiner()
        .setBaselineCol(Columns.BASELINE)
        .setResidualPredictionCol(Columns.RESIDUAL_PREDICTION)
        .setPredictionCol(Columns.PREDICTION);
    return new Pipeline().setStages(new PipelineStage[] {indexer, biases, als, combiner});
  }
}
