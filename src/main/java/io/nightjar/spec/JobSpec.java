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
    RecommendSpec recommend) {

  public static final long DEFAULT_SEED = 42L;
  public static final double DEFAULT_MAX_REJECTED_FRACTION = 0.01;
  static final Set<String> KEYS = Set.of("name", "kind", "input", "columns", "params", "seed", "evaluation",
      "biases", "model", "maxRejectedFraction", "predict", "recommend");

  public JobSpec {
    params = Map.copyOf(params);
  }

  /** A job without recommend settings. */
  public JobSpec(String name, ModelKind kind, InputSpec input, ColumnsSpec columns, Map<String, JsonNode> params,
      long seed, EvaluationSpec evaluation, BiasSpec biases, ModelSpec model, double maxRejectedFraction,
      PredictSpec predict) {
    this(name, kind, input, columns, params, seed, evaluation, biases, model, maxRejectedFraction, predict, null);
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
