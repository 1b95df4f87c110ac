package io.nightjar.tune;

import java.util.Locale;

/**
 * How {@link GridTuner} validates each grid point.
 *
 * @param method "cv" (k-fold cross-validation) or "holdout" (one seeded validation split)
 * @param folds folds for "cv", at least 2 (ignored by "holdout")
 * @param validationFraction share of rows held out for "holdout", above 0 and below 1 (ignored by "cv")
 * @param metric the metric name, which says whether bigger is better (see {@link Metrics})
 * @param parallelism how many fits run at once, at least 1
 * @param seed drives the fold assignment
 */
public record TuningSettings(String method, int folds, double validationFraction, String metric, int parallelism,
    long seed) {
  public TuningSettings {
    method = method == null ? null : method.toLowerCase(Locale.ROOT);
    if (!"cv".equals(method) && !"holdout".equals(method)) {
      throw new IllegalArgumentException(String.format(
          "tuning method '%s' is not known; use cv (k-fold cross-validation) or holdout", method));
    }
    if ("cv".equals(method) && folds < 2) {
      throw new IllegalArgumentException(String.format(
          "tuning folds = %d is too small; cross-validation needs at least 2 folds", folds));
    }
    if ("holdout".equals(method) && !(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "tuning validationFraction = %s must be above 0 and below 1 (for example 0.2)", validationFraction));
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException(String.format(
          "tuning parallelism = %d must be at least 1", parallelism));
    }
    Metrics.biggerIsBetter(metric);
  }

  /** k-fold cross-validation. */
  public static TuningSettings cv(int folds, String metric, int parallelism, long seed) {
    return new TuningSettings("cv", folds, 0.0, metric, parallelism, seed);
  }

  /** One seeded holdout of {@code validationFraction} of the rows. */
  public static TuningSettings holdout(double validationFraction, String metric, int parallelism, long seed) {
    return new TuningSettings("holdout", 1, validationFraction, metric, parallelism, seed);
  }
}
