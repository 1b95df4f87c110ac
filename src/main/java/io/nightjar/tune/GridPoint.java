package io.nightjar.tune;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One grid point: the params set on the learner (by their Spark names) and its validation scores.
 *
 * @param params the learner params of this point, in grid order
 * @param mean mean of the fold scores (the one holdout score for the holdout method)
 * @param stdDev sample standard deviation of the fold scores (0 with a single fold)
 * @param foldScores the score on each fold, in fold order
 */
public record GridPoint(Map<String, Object> params, double mean, double stdDev, double[] foldScores) {
  public GridPoint {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    foldScores = foldScores.clone();
  }

  /** A point whose mean and standard deviation are computed from {@code foldScores}. */
  static GridPoint of(Map<String, Object> params, double[] foldScores) {
    double sum = 0;
    for (double s : foldScores) {
      sum += s;
    }
    double mean = sum / foldScores.length;
    double ss = 0;
    for (double s : foldScores) {
      ss += (s - mean) * (s - mean);
    }
    double sd = foldScores.length > 1 ? Math.sqrt(ss / (foldScores.length - 1)) : 0.0;
    return new GridPoint(params, mean, sd, foldScores);
  }

  @Override
  public double[] foldScores() {
    return foldScores.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GridPoint g && params.equals(g.params) && Double.compare(mean, g.mean) == 0
        && Double.compare(stdDev, g.stdDev) == 0 && Arrays.equals(foldScores, g.foldScores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(params, mean, stdDev, Arrays.hashCode(foldScores));
  }

  @Override
  public String toString() {
    return "GridPoint" + params + " mean=" + mean + " sd=" + stdDev + " folds=" + Arrays.toString(foldScores);
  }
}
