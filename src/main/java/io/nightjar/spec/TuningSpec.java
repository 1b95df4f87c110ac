package io.nightjar.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How train mode picks estimator params before the final fit. Tuning sees the training rows only, never the holdout.
 *
 * @param method {@code cv} (k-fold cross-validation) or {@code holdout} (one seeded train/validation split)
 * @param folds folds for {@code cv}
 * @param validationFraction the validation share for {@code holdout}
 * @param metric the metric to optimise, or null for the kind's default (rmse; auc for binomial)
 * @param parallelism how many grid points are fitted at once
 * @param grid values to try per estimator param, by Spark name; empty means the kind's default grid
 * @param seed the seed of the fold assignment
 */
public record TuningSpec(String method, int folds, double validationFraction, String metric, int parallelism,
    Map<String, List<JsonNode>> grid, long seed) {
  public static final List<String> METHODS = List.of("cv", "holdout");
  public static final List<String> METRICS = List.of("rmse", "mae", "r2", "auc", "aucPR", "logLoss", "accuracy");
  public static final int DEFAULT_FOLDS = 3;
  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
  static final Set<String> KEYS = Set.of("method", "folds", "validation", "metric", "parallelism", "grid", "seed");

  public TuningSpec {
    grid = Collections.unmodifiableMap(new LinkedHashMap<>(grid));
  }

  /** Whether a metric is better when larger. */
  public static boolean biggerIsBetter(String metric) {
    return !List.of("rmse", "mae", "logLoss").contains(metric);
  }

  static TuningSpec read(SpecNode node, long jobSeed) {
    if (node == null) {
      return null;
    }
    String method = node.optionalChoice("method", "cv", METHODS);
    long folds = node.optionalLong("folds", DEFAULT_FOLDS);
    if (folds < 2 || folds > 20) {
      throw node.invalid("folds", String.valueOf(folds), "a whole number from 2 to 20, such as 3 or 5");
    }
    double validation = node.optionalDouble("validation", DEFAULT_VALIDATION_FRACTION);
    if (!(validation > 0.0 && validation < 0.5)) {
      throw node.invalid("validation", String.valueOf(validation), "a fraction above 0 and below 0.5, such as 0.2");
    }
    String metric = node.optionalChoice("metric", null, METRICS);
    long parallelism = node.optionalLong("parallelism", 1);
    if (parallelism < 1 || parallelism > 64) {
      throw node.invalid("parallelism", String.valueOf(parallelism), "a whole number from 1 to 64");
    }
    Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.optionalJsonMap("grid").entrySet()) {
      JsonNode values = entry.getValue();
      List<JsonNode> list = new ArrayList<>();
      if (values.isArray()) {
        values.forEach(list::add);
      } else if (values.isValueNode() && !values.isNull()) {
        list.add(values);
      }
      if (list.isEmpty() || list.stream().anyMatch(v -> !v.isValueNode() || v.isNull())) {
        throw node.invalid("grid." + entry.getKey(), values.toString(),
            "a non-empty list of values to try, such as [0.01, 0.1, 1.0]");
      }
      grid.put(entry.getKey(), List.copyOf(list));
    }
    return new TuningSpec(method, (int) folds, validation, metric, (int) parallelism, grid,
        node.optionalLong("seed", jobSeed));
  }

  /** The number of grid points. */
  public int gridSize() {
    return grid.values().stream().mapToInt(List::size).reduce(1, (a, b) -> a * b);
  }
}
