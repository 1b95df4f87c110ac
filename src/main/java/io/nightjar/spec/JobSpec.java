package io.nightjar.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * One nightly job: what to train on, how, where the model goes, and what predict mode scores.
 *
 * @param name the job's name, also the model's name in the store
 * @param kind which pipeline to build
 * @param input the training data
 * @param columns the role of each input column
 * @param params estimator params by their Spark names, applied to the ALS or LinearRegression estimator
 * @param seed the one seed behind every random choice (holdout split, ALS initialisation)
 * @param evaluation how the model is evaluated before saving
 * @param biases the ALS baseline (ALS jobs only; defaults otherwise unused)
 * @param model the model store and its policies
 * @param maxRejectedFraction the share of bad input rows (excluded from training, rejected at scoring) above which
 *     the run fails
 * @param predict batch scoring settings, or null when the job has none
 * @param family elasticnet only: gaussian (LinearRegression), binomial (LogisticRegression) or auto (detected)
 * @param tuning how params are tuned before the final fit, or null to use {@code params} as given
 * @param gate when a new version may become CURRENT
 * @param recommend top-K recommendation settings (ALS jobs), or null when the job has none
 */
public record JobSpec(
    String name,
    ModelKind kind,
    InputSpec input,
    ColumnsSpec columns,
    Map<String, JsonNode> params,
    long seed,
    EvaluationSpec evaluation,
    BiasSpec biases,
    ModelSpec model,
    double maxRejectedFraction,
    PredictSpec predict,
    Family family,
    TuningSpec tuning,
    GateSpec gate,
    RecommendSpec recommend) {

  public static final long DEFAULT_SEED = 42L;
  public static final double DEFAULT_MAX_REJECTED_FRACTION = 0.01;
  static final Set<String> KEYS = Set.of("name", "kind", "input", "columns", "params", "seed", "evaluation",
      "biases", "model", "maxRejectedFraction", "predict", "family", "tuning", "gate", "recommend");

  public JobSpec {
    params = Map.copyOf(params);
  }

  /** The same job with other training input and model store (paths resolved against an environment's roots). */
  public JobSpec withPaths(InputSpec newInput, ModelSpec newModel, PredictSpec newPredict) {
    return withPaths(newInput, newModel, newPredict, recommend);
  }

  /** The same job with other paths, recommend settings included. */
  public JobSpec withPaths(InputSpec newInput, ModelSpec newModel, PredictSpec newPredict,
      RecommendSpec newRecommend) {
    return new JobSpec(name, kind, newInput, columns, params, seed, evaluation, biases, newModel, maxRejectedFraction,
        newPredict, family, tuning, gate, newRecommend);
  }

  /** The model store root. */
  public String modelStore() {
    return model.store();
  }

  public AlsColumns alsColumns() {
    return (AlsColumns) columns;
  }

  public TabularColumns tabularColumns() {
    return (TabularColumns) columns;
  }
}
