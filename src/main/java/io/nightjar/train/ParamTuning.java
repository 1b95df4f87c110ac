package io.nightjar.train;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.error.JobSpecException;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.pipeline.EstimatorParams;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.ModelKind;
import io.nightjar.spec.TuningSpec;
import io.nightjar.tune.ElasticNetPathTuner;
import io.nightjar.tune.GridTuner;
import io.nightjar.tune.PathSettings;
import io.nightjar.tune.ScoreFunction;
import io.nightjar.tune.TuningResult;
import io.nightjar.tune.TuningSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Picks the learner's params on the training rows (never the holdout) as the job's {@code tuning} section says, and
 * returns the pipeline to fit with them.
 *
 * <p>A gaussian ElasticNet tuned by cross-validation on RMSE or R² over regParam and elasticNetParam only takes the
 * fast path: one Spark pass per fold for the sufficient statistics, then coordinate descent along the whole regParam
 * path on the driver ({@link ElasticNetPathTuner}). Everything else fits the pipeline per grid point and fold
 * ({@link GridTuner}).
 */
final class ParamTuning {
  private static final double[] DEFAULT_ELASTIC_NET = {0.1, 0.5, 0.9, 1.0};
  private static final int DEFAULT_PATH_LENGTH = 100;
  /** The final fit at a point the path tuner chose converges this far (Spark's defaults stop short). */
  static final int FINAL_FIT_MAX_ITER = 1000;
  static final double FINAL_FIT_TOL = 1e-10;
  private static final List<Object> DEFAULT_ALS_REG = List.of(0.01, 0.05, 0.1, 0.2);

  private ParamTuning() {}

  /**
   * @param pipeline the job's unfitted pipeline
   * @param learnerIndex the index of the stage the grid's params belong to
   * @param reserved params Nightjar sets itself, refused in the grid too
   */
  static Tuned tune(JobSpec spec, Pipeline pipeline, int learnerIndex, Map<String, String> reserved,
      Dataset<Row> training, String label, String metric, boolean binomial) {
    TuningSpec tuning = spec.tuning();
    if (tuning == null) {
      return new Tuned(pipeline, null);
    }
    if (spec.kind() == ModelKind.ALS && implicit(spec)) {
      throw new JobSpecException("tuning of implicit-feedback ALS (params.implicitPrefs: true) is not supported: "
          + "ranking metrics need recommendations per fold; remove the tuning section and set params directly");
    }
    PipelineStage learner = pipeline.getStages()[learnerIndex];
    Map<String, List<Object>> grid = grid(spec, tuning, (Params) learner, reserved);
    if (fastPath(spec, tuning, grid, metric, binomial)) {
      Tuned tuned = new Tuned(pipeline, pathTune(spec, tuning, pipeline, learnerIndex, training, label, grid, metric))
          .withBestApplied(learnerIndex);
      // Spark's defaults (maxIter 100, tol 1e-6) stop short of the optimum the path found when features are
      // correlated; converge unless the job set its own limits.
      Map<String, Object> converge = new LinkedHashMap<>();
      if (!spec.params().containsKey("maxIter")) {
        converge.put("maxIter", FINAL_FIT_MAX_ITER);
      }
      if (!spec.params().containsKey("tol")) {
        converge.put("tol", FINAL_FIT_TOL);
      }
      return converge.isEmpty() ? tuned
          : new Tuned(withLearnerParams(tuned.pipeline(), learnerIndex, converge), tuned.result());
    }
    // GridTuner fits the stages before the last once per fold: cut the pipeline after the learner, and apply the
    // transformers after it (the ALS prediction combiner) when scoring.
    PipelineStage[] stages = pipeline.getStages();
    Pipeline upToLearner = new Pipeline().setStages(Arrays.copyOf(stages, learnerIndex + 1));
    List<Transformer> after = new ArrayList<>();
    for (int k = learnerIndex + 1; k < stages.length; k++) {
      if (!(stages[k] instanceof Transformer transformer)) {
        throw new IllegalStateException("stage " + k + " after the learner is not a transformer");
      }
      after.add(transformer);
    }
    ScoreFunction base = score(metric, label);
    ScoreFunction score = scored -> {
      Dataset<Row> complete = scored;
      for (Transformer t : after) {
        complete = t.transform(complete);
      }
      return base.score(complete);
    };
    TuningSettings settings = new TuningSettings(tuning.method(), tuning.folds(), tuning.validationFraction(),
        tunerMetric(metric), tuning.parallelism(), tuning.seed());
    TuningResult result = GridTuner.tune(upToLearner, training, grid, settings, score,
        PipelineFactory.prefixFitter(spec));
    return new Tuned(pipeline, result).withBestApplied(learnerIndex);
  }

  private static boolean implicit(JobSpec spec) {
    JsonNode value = spec.params().get("implicitPrefs");
    return value != null && value.asBoolean(false);
  }

  private static boolean fastPath(JobSpec spec, TuningSpec tuning, Map<String, List<Object>> grid, String metric,
      boolean binomial) {
    return spec.kind() == ModelKind.ELASTICNET && !binomial && "cv".equals(tuning.method())
        && Set.of("rmse", "r2").contains(metric)
        && Set.of("regParam", "elasticNetParam").containsAll(grid.keySet())
        && !spec.params().containsKey("weightCol");
  }

  private static TuningResult pathTune(JobSpec spec, TuningSpec tuning, Pipeline pipeline, int learnerIndex,
      Dataset<Row> training, String label, Map<String, List<Object>> grid, String metric) {
    PipelineStage[] stages = pipeline.getStages();
    PipelineModel features = new Pipeline().setStages(Arrays.copyOf(stages, learnerIndex)).fit(training);
    Dataset<Row> assembled = features.transform(training).select(col(Columns.FEATURES), col(label));
    LinearRegression regression = (LinearRegression) stages[learnerIndex];
    PathSettings settings = PathSettings.defaults(tuning.seed())
        .withFolds(tuning.folds())
        .withMetric(metric)
        .withStandardization(regression.getStandardization())
        .withFitIntercept(regression.getFitIntercept())
        .withElasticNetParams(grid.containsKey("elasticNetParam") ? doubles(grid.get("elasticNetParam"))
            : spec.params().containsKey("elasticNetParam") ? new double[] {regression.getElasticNetParam()}
            : DEFAULT_ELASTIC_NET);
    if (grid.containsKey("regParam")) {
      settings = settings.withRegParams(doubles(grid.get("regParam")));
    } else {
      settings = settings.withPath(DEFAULT_PATH_LENGTH, 0.0);
    }
    return ElasticNetPathTuner.tune(assembled, Columns.FEATURES, label, settings);
  }

  /** The spec's grid, each value checked by the learner's own validators; the kind's default when empty. */
  private static Map<String, List<Object>> grid(JobSpec spec, TuningSpec tuning, Params learner,
      Map<String, String> reserved) {
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> entry : tuning.grid().entrySet()) {
      List<Object> values = new ArrayList<>();
      for (JsonNode value : entry.getValue()) {
        try {
          EstimatorParams.apply(learner, Map.of(entry.getKey(), value), reserved);
        } catch (JobSpecException e) {
          throw new JobSpecException(e.getMessage().replace("params." + entry.getKey(),
              "tuning.grid." + entry.getKey()), e);
        }
        values.add(value.isIntegralNumber() ? (Object) value.asLong() : value.isNumber() ? (Object) value.asDouble()
            : value.isBoolean() ? (Object) value.asBoolean() : value.asText());
      }
      grid.put(entry.getKey(), values);
    }
    if (grid.isEmpty() && spec.kind() == ModelKind.ALS) {
      grid.put("regParam", DEFAULT_ALS_REG);
    } else if (grid.isEmpty() && learner.hasParam("elasticNetParam")) {
      // With the fast path the regParam path is computed; otherwise a 10-value log grid stands in for it.
      List<Object> regParams = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        regParams.add(Math.pow(10, -4 + k * 4.0 / 9));
      }
      grid.put("regParam", regParams);
      grid.put("elasticNetParam", Arrays.stream(DEFAULT_ELASTIC_NET).boxed().map(Object.class::cast).toList());
      if (spec.kind() == ModelKind.ELASTICNET && "cv".equals(tuning.method())) {
        grid.remove("regParam");
      }
    }
    return grid;
  }

  private static double[] doubles(List<Object> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  private static String tunerMetric(String metric) {
    return switch (metric) {
      case "aucPR" -> "areaunderpr";
      case "logLoss" -> "logloss";
      default -> metric;
    };
  }

  /** The validation score of one grid point's fitted pipeline. */
  static ScoreFunction score(String metric, String label) {
    return switch (metric) {
      case "rmse", "mae", "r2" -> ScoreFunction.regression(metric, label, Columns.PREDICTION);
      case "auc", "aucPR" -> {
        BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
            .setLabelCol(label).setRawPredictionCol(ElasticNetPipeline.RAW_PREDICTION)
            .setMetricName("auc".equals(metric) ? "areaUnderROC" : "areaUnderPR");
        yield evaluator::evaluate;
      }
      case "logLoss" -> scored -> {
        Column p = least(greatest(positiveProbability(), lit(1e-15)), lit(1 - 1e-15));
        Column loss = when(col(label).equalTo(1.0), log(p).unary_$minus()).otherwise(log(lit(1.0).minus(p))
            .unary_$minus());
        return scored.agg(avg(loss)).first().getDouble(0);
      };
      case "accuracy" -> scored -> scored.agg(avg(when(col(Columns.PREDICTION).equalTo(col(label)), 1.0)
          .otherwise(0.0))).first().getDouble(0);
      default -> throw new JobSpecException("tuning.metric " + metric + " does not apply to this job");
    };
  }

  private static Column positiveProbability() {
    return ElasticNetPipeline.positiveProbability();
  }

  /** A copy of the pipeline with {@code params} set on the stage at {@code index}. */
  static Pipeline withLearnerParams(Pipeline pipeline, int index, Map<String, Object> params) {
    PipelineStage[] stages = pipeline.getStages().clone();
    Pipeline single = new Pipeline().setStages(new PipelineStage[] {stages[index]});
    stages[index] = GridTuner.withParams(single, params).getStages()[0];
    return new Pipeline().setStages(stages);
  }

  /**
   * @param pipeline the pipeline to fit, the chosen params applied
   * @param result every grid point and the chosen one, or null when the job does not tune
   */
  record Tuned(Pipeline pipeline, TuningResult result) {
    Tuned withBestApplied(int learnerIndex) {
      return result == null ? this
          : new Tuned(withLearnerParams(pipeline, learnerIndex, result.best().params()), result);
    }
  }
}
