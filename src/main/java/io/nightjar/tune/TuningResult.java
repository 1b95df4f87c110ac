package io.nightjar.tune;

import java.util.List;

/**
 * What tuning did.
 *
 * @param method "cv", "holdout" or "path-cv"
 * @param metric the metric optimised ("rmse", "mse", "mae", "r2", "auc", ...)
 * @param biggerIsBetter whether a bigger metric is better (r2, auc) or a smaller one (rmse, mae)
 * @param folds folds of the cross-validation; 1 for the holdout method
 * @param points every grid point with its scores, in grid order
 * @param best the chosen point: the best mean score, the first such point on a tie
 * @param seconds wall-clock seconds spent tuning
 */
public record TuningResult(String method, String metric, boolean biggerIsBetter, int folds, List<GridPoint> points,
    GridPoint best, double seconds) {
  public TuningResult {
    points = List.copyOf(points);
  }

  /** Index of the best mean score among {@code points} (NaN scores never win); -1 when every score is NaN. */
  static int bestIndex(List<GridPoint> points, boolean biggerIsBetter) {
    int best = -1;
    for (int i = 0; i < points.size(); i++) {
      double m = points.get(i).mean();
      if (Double.isNaN(m)) {
        continue;
      }
      if (best < 0 || (biggerIsBetter ? m > points.get(best).mean() : m < points.get(best).mean())) {
        best = i;
      }
    }
    return best;
  }
}
