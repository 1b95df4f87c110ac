package io.nightjar.pipeline;

import io.nightjar.error.JobSpecException;
import io.nightjar.pipeline.stage.BiasEstimator;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.pipeline.stage.BlendedAls;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.pipeline.stage.ResidualFit;
import io.nightjar.spec.AlsColumns;
import io.nightjar.spec.JobSpec;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlsPipeline.class);
  /** Params Nightjar sets itself, with what to set in the job spec instead. */
  static final Map<String, String> RESERVED = Map.of(
      "userCol", "columns.user",
      "itemCol", "columns.item",
      "ratingCol", "columns.rating",
      "predictionCol", "nothing: the output column is always 'prediction'",
      "seed", "seed (top level)",
      "coldStartStrategy", "nothing: unseen users and items fall back to the baseline",
      "rawRatingCol", "columns.rating",
      "userOffsetCol", "nothing: the bias stage supplies it",
      "itemOffsetCol", "nothing: the bias stage supplies it");

  private AlsPipeline() {}

  /**
   * True when the job asks ALS for implicit preferences ({@code params.implicitPrefs: true}): ratings are then
   * counts or clicks read as confidence, a bias baseline means nothing, and the bias stage passes them through.
   */
  static boolean implicitPrefs(JobSpec spec) {
    com.fasterxml.jackson.databind.JsonNode value = spec.params().get("implicitPrefs");
    return value != null && value.asBoolean(false);
  }

  /**
   * True when the job may blend raw-rating fits in ({@code blendMembers} or {@code autoencoderUnits} in
   * {@code params} above 0, or in the tuning grid): only then does the bias stage output the two offset columns the blend needs.
   */
  static boolean blendRequested(JobSpec spec) {
    return requested(spec, "blendMembers") || requested(spec, "autoencoderUnits");
  }

  /** True when {@code params.<name>} is above 0, or the tuning grid holds {@code name}. */
  private static boolean requested(JobSpec spec, String name) {
    com.fasterxml.jackson.databind.JsonNode value = spec.params().get(name);
    boolean inParams = value != null && value.asInt(0) > 0;
    boolean inGrid = spec.tuning() != null && spec.tuning().grid() != null
        && spec.tuning().grid().containsKey(name);
    return inParams || inGrid;
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
    if (blendRequested(spec) && implicitPrefs(spec)) {
      throw new JobSpecException("params.blendMembers and params.autoencoderUnits blend in fits of explicit ratings "
          + "and do not apply with params.implicitPrefs: true; remove them (from tuning.grid too) or set "
          + "implicitPrefs to false");
    }
    if (blendRequested(spec)) {
      biases.setOffsetCols(Columns.USER_OFFSET, Columns.ITEM_OFFSET);
    }
    BlendedAls als = EstimatorParams.apply(new BlendedAls(), spec.params(), RESERVED);
    als.setBlendInputCols(columns.rating(), Columns.USER_OFFSET, Columns.ITEM_OFFSET)
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

  /**
   * Fits the pipeline {@link #build} made exactly as {@code Pipeline.fit} would (the same stages, each fitted on the
   * previous ones' output), but reads the rows fewer times. The ids are indexed once, without the indexer's
   * per-row string conversion and lookups: whole-number ids in memory, in the one read that makes the bias fit's
   * compact copy ({@link IdIndexing#inMemory}); string ids by an aggregation and a join feeding that copy
   * ({@link IdIndexing#index}). ALS then learns the residuals computed from that same copy ({@link ResidualFit}),
   * where {@code Pipeline.fit} would index the ids again, join the biases back onto the rows and copy them a second
   * time. Any other pipeline is fitted with {@code Pipeline.fit}.
   */
  static PipelineModel fit(Pipeline pipeline, Dataset<Row> training) {
    PipelineStage[] stages = pipeline.getStages();
    if (stages.length != 4 || !(stages[0] instanceof StringIndexer indexer)
        || !(stages[1] instanceof BiasEstimator biases) || !(stages[2] instanceof BlendedAls als)
        || !(stages[3] instanceof PredictionCombiner combiner) || !ResidualFit.chains(biases, als)) {
      return pipeline.fit(training);
    }
    long start = System.nanoTime();
    String rating = biases.getOrDefault(biases.ratingCol());
    Optional<IdIndexing.InMemory> inMemory = IdIndexing.inMemory(indexer, training, rating);
    StringIndexerModel indices;
    ResidualFit.Fitted fitted;
    long indexed;
    if (inMemory.isPresent()) {
      indices = inMemory.get().model();
      indexed = System.nanoTime();
      fitted = ResidualFit.fit(biases, als, training.sparkSession(), inMemory.get().ratings());
    } else {
      IdIndexing.Indexed indexing = IdIndexing.index(indexer, training, rating);
      indices = indexing.model();
      indexed = System.nanoTime();
      fitted = ResidualFit.fit(biases, als, indexing.rows());
    }
    LOG.info("ALS pipeline fitted: ids indexed in {} s ({}), then biases and ALS on one copy of the indexed rows "
        + "in {} s", seconds(indexed - start), inMemory.isPresent() ? "whole numbers, counted and indexed in memory"
        : "by an aggregation and a join", seconds(System.nanoTime() - indexed));
    PipelineModel model = new PipelineModel(pipeline.uid(),
        new Transformer[] {indices, fitted.biases(), fitted.factors(), combiner});
    model.setParent(pipeline);
    return model;
  }

  /**
   * Tuning's fit of the stages before ALS on one fold ({@link io.nightjar.tune.PrefixFitter}): the same indexer and
   * bias models as {@code Pipeline.fit}, with the ids indexed by {@link IdIndexing}; the training rows come back as
   * ALS reads them (indices, rating, baseline and residual).
   */
  static io.nightjar.tune.PrefixFitter.Fitted fitPrefix(PipelineStage[] prefix, Dataset<Row> train) {
    if (prefix.length != 2 || !(prefix[0] instanceof StringIndexer indexer)
        || !(prefix[1] instanceof BiasEstimator biases)) {
      return io.nightjar.tune.PrefixFitter.standard().fit(prefix, train);
    }
    IdIndexing.Indexed indexing = IdIndexing.index(indexer, train, biases.getOrDefault(biases.ratingCol()));
    BiasModel fittedBiases = biases.fit(indexing.rows());
    PipelineModel model = new PipelineModel(Identifiable.randomUID("pipeline"),
        new Transformer[] {indexing.model(), fittedBiases});
    return new io.nightjar.tune.PrefixFitter.Fitted(model, fittedBiases.transform(indexing.rows()));
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }
}
