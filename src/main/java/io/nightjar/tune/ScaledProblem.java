package io.nightjar.tune;

/**
 * The elastic-net least-squares problem of one set of rows, in the scaled space Spark's {@code LinearRegression}
 * (its normal-equation solver, {@code WeightedLeastSquares}) solves, and its coordinate-descent solution.
 *
 * <p>With population standard deviations s_j of the features and s_y of the label, Spark minimises over the scaled
 * coefficients b_j = w_j s_j / s_y
 *
 * <pre>  1/2 b'Cb - c'b + (regParam / s_y) (alpha sum_j r_j |b_j| + (1 - alpha)/2 sum_j r_j^2 b_j^2)</pre>
 *
 * where C and c are the (centred when fitting an intercept) second moments of the features divided by s_j, and of
 * the label divided by s_y, and r_j = 1 with standardization, 1/s_j without. This class solves it by cyclic
 * coordinate descent with covariance updates (as glmnet does), warm-started along a path, and maps the solution back
 * to the original scale: w_j = b_j s_y / s_j, intercept = mean(y) - sum_j w_j mean(x_j).
 */
final class ScaledProblem {
  final int p;
  final boolean fitIntercept;
  final boolean standardization;
  final double[] xMean;
  final double[] xStd;
  final double yMean;
  /** The label scale: its population standard deviation, or |mean| when that is 0 (as Spark), 0 when both are. */
  final double yScale;
  /** p x p, row-major, symmetric; rows and columns of constant features are zero. */
  final double[] gram;
  final double[] xy;

  private ScaledProblem(Moments m, boolean fitIntercept, boolean standardization) {
    this.p = m.dim - 1;
    this.fitIntercept = fitIntercept;
    this.standardization = standardization;
    double n = m.n;
    xMean = new double[p];
    xStd = new double[p];
    for (int j = 0; j < p; j++) {
      xMean[j] = m.mean[j];
      xStd[j] = Math.sqrt(Math.max(m.comoment(j, j) / n, 0.0));
    }
    yMean = m.mean[p];
    double yStd = Math.sqrt(Math.max(m.comoment(p, p) / n, 0.0));
    yScale = yStd > 0 ? yStd : Math.abs(yMean);
    gram = new double[p * p];
    xy = new double[p];
    for (int j = 0; j < p; j++) {
      if (xStd[j] == 0 || yScale == 0) {
        continue;
      }
      double cy = m.comoment(j, p) / n + (fitIntercept ? 0.0 : xMean[j] * yMean);
      xy[j] = cy / (xStd[j] * yScale);
      for (int l = 0; l <= j; l++) {
        if (xStd[l] == 0) {
          continue;
        }
        double c = m.comoment(l, j) / n + (fitIntercept ? 0.0 : xMean[l] * xMean[j]);
        double v = c / (xStd[l] * xStd[j]);
        gram[j * p + l] = v;
        gram[l * p + j] = v;
      }
    }
  }

  static ScaledProblem of(Moments m, boolean fitIntercept, boolean standardization) {
    return new ScaledProblem(m, fitIntercept, standardization);
  }

  private double l1Weight(int j) {
    return standardization ? 1.0 : 1.0 / xStd[j];
  }

  private double l2Weight(int j) {
    return standardization ? 1.0 : 1.0 / (xStd[j] * xStd[j]);
  }

  /**
   * The smallest regParam at which every coefficient is zero (for alpha below 0.001, taken at 0.001, as glmnet does
   * for ridge); 0 when the label is constant.
   */
  double lambdaMax(double alpha) {
    double a = Math.max(alpha, 1e-3);
    double max = 0;
    for (int j = 0; j < p; j++) {
      if (xStd[j] > 0) {
        max = Math.max(max, Math.abs(xy[j]) / (a * l1Weight(j)));
      }
    }
    // A hair above, so that rounding cannot leave a coefficient of 1e-17 at the top of the path.
    return max * yScale * (1 + 1e-9);
  }

  /** Scaled-space state along a path: the coefficients and the gradient c - Cb. */
  final class State {
    final double[] beta = new double[p];
    final double[] grad = xy.clone();
    int sweeps;
  }

  State start() {
    return new State();
  }

  /** Moves {@code s} to the solution at (regParam, alpha); returns the sweeps used (at most maxIter). */
  int solve(State s, double regParam, double alpha, double tol, int maxIter) {
    if (yScale == 0) {
      return 0;
    }
    double lp = regParam / yScale;
    double[] l1 = new double[p];
    double[] den = new double[p];
    for (int j = 0; j < p; j++) {
      if (xStd[j] > 0) {
        l1[j] = alpha * lp * l1Weight(j);
        den[j] = gram[j * p + j] + (1 - alpha) * lp * l2Weight(j);
      }
    }
    int[] all = new int[p];
    int na = 0;
    for (int j = 0; j < p; j++) {
      if (xStd[j] > 0) {
        all[na++] = j;
      }
    }
    int[] everyFeature = java.util.Arrays.copyOf(all, na);
    int sweeps = 0;
    int[] nonzero = new int[p];
    while (sweeps < maxIter) {
      double change = sweep(s, everyFeature, everyFeature.length, l1, den);
      sweeps++;
      if (change < tol) {
        break;
      }
      // Converge on the nonzero coefficients, then check every feature again.
      int nz = 0;
      for (int j : everyFeature) {
        if (s.beta[j] != 0) {
          nonzero[nz++] = j;
        }
      }
      while (sweeps < maxIter) {
        double c = sweep(s, nonzero, nz, l1, den);
        sweeps++;
        if (c < tol) {
          break;
        }
      }
    }
    s.sweeps += sweeps;
    return sweeps;
  }

  private double sweep(State s, int[] features, int count, double[] l1, double[] den) {
    double[] beta = s.beta;
    double[] grad = s.grad;
    double maxChange = 0;
    for (int t = 0; t < count; t++) {
      int j = features[t];
      double cjj = gram[j * p + j];
      double z = grad[j] + cjj * beta[j];
      double shrunk = z > l1[j] ? z - l1[j] : z < -l1[j] ? z + l1[j] : 0.0;
      double next = shrunk / den[j];
      double d = next - beta[j];
      if (d != 0) {
        int row = j * p;
        for (int l = 0; l < p; l++) {
          grad[l] -= gram[row + l] * d;
        }
        beta[j] = next;
        maxChange = Math.max(maxChange, cjj * d * d);
      }
    }
    return maxChange;
  }

  /** The coefficients on the original scale. */
  double[] coefficients(State s) {
    double[] w = new double[p];
    for (int j = 0; j < p; j++) {
      w[j] = xStd[j] > 0 ? s.beta[j] * yScale / xStd[j] : 0.0;
    }
    return w;
  }

  /** The intercept on the original scale, for {@code coefficients}. */
  double intercept(double[] coefficients) {
    if (!fitIntercept) {
      return 0.0;
    }
    double b = yMean;
    for (int j = 0; j < p; j++) {
      b -= coefficients[j] * xMean[j];
    }
    return b;
  }
}
