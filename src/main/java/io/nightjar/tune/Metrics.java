package io.nightjar.tune;

import java.util.Map;
import java.util.TreeMap;

/** The metric names tuning knows, and which way is better for each. */
public final class Metrics {
  private static final Map<String, Boolean> BIGGER_IS_BETTER = new TreeMap<>(Map.of(
      "rmse", false, "mse", false, "mae", false, "logloss", false,
      "r2", true, "auc", true, "areaunderpr", true, "accuracy", true, "f1", true));

  private Metrics() {}

  /** Whether a bigger value of {@code metric} is better; unknown names are rejected with the known ones. */
  public static boolean biggerIsBetter(String metric) {
    Boolean bigger = metric == null ? null : BIGGER_IS_BETTER.get(metric.toLowerCase(java.util.Locale.ROOT));
    if (bigger == null) {
      throw new IllegalArgumentException(String.format(
          "unknown tuning metric '%s'; use one of: %s", metric, String.join(", ", BIGGER_IS_BETTER.keySet())));
    }
    return bigger;
  }
}
