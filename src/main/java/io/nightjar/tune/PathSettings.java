package io.nightjar.tune;

import java.util.Arrays;
import java.util.Locale;

/**
 * Settings of {@link ElasticNetPathTuner}: k-fold cross-validation along a regParam path, in Spark
 * {@code LinearRegression}'s parametrisation.
 *
 * @param folds folds, at least 2
 * @param seed drives the fold of each row (a hash of the row's values and the seed: deterministic, and independent of
 *     the partitioning)
 * @param elasticNetParams the elasticNetParam values, each in [0, 1]; at least one
 * @param regParams the regParam path, each at least 0; null for the default path: {@code nLambda} log-spaced values
 *     from lambdaMax (the smallest regParam at which every coefficient is zero, on all rows) down to
 *     {@code lambdaMax * lambdaMinRatio}, per elasticNetParam (for elasticNetParam 0, lambdaMax is taken at 0.001 as
 *     glmnet does)
 * @param nLambda length of the default path, at least 1
 * @param lambdaMinRatio end of the default path relative to lambdaMax, in (0, 1); 0 for glmnet's default (1e-4 when
 *     there are more rows than features, 1e-2 otherwise)
 * @param standardization as Spark's LinearRegression: penalise the coefficients of the standardised features
 * @param fitIntercept as Spark's LinearRegression
 * @param metric "rmse", "mse" or "r2" (computed from the sufficient statistics; "mae" needs the GridTuner)
 * @param tol coordinate descent at one regParam stops when no coefficient update changes the objective of the
 *     standardised problem by more than about tol (C_jj * delta^2 &lt; tol). glmnet's default is 1e-7, but correlated
 *     features then leave the solution visibly short of the optimum; the default here is 1e-12
 * @param maxIter most coordinate descent sweeps per regParam
 */
public record PathSettings(int folds, long seed, double[] elasticNetParams, double[] regParams, int nLambda,
    double lambdaMinRatio, boolean standardization, boolean fitIntercept, String metric, double tol, int maxIter) {
  public PathSettings {
    if (folds < 2) {
      throw new IllegalArgumentException(String.format(
          "tuning folds = %d is too small; cross-validation needs at least 2 folds", folds));
    }
    if (elasticNetParams == null || elasticNetParams.length == 0) {
      throw new IllegalArgumentException("tuning needs at least one elasticNetParam value; got none");
    }
    for (double a : elasticNetParams) {
      if (!(a >= 0 && a <= 1)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "elasticNetParam = %s is not in [0, 1] (0 is ridge, 1 is lasso)", a));
      }
    }
    elasticNetParams = elasticNetParams.clone();
    if (regParams != null) {
      if (regParams.length == 0) {
        throw new IllegalArgumentException(
            "tuning regParam list is empty; give at least one value, or none at all for the default path");
      }
      for (double r : regParams) {
        if (!(r >= 0 && Double.isFinite(r))) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "regParam = %s must be a finite number of at least 0", r));
        }
      }
      regParams = regParams.clone();
    }
    if (nLambda < 1) {
      throw new IllegalArgumentException(String.format("nLambda = %d must be at least 1", nLambda));
    }
    if (!(lambdaMinRatio >= 0 && lambdaMinRatio < 1)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "lambdaMinRatio = %s must be in (0, 1), or 0 for the default", lambdaMinRatio));
    }
    metric = metric == null ? null : metric.toLowerCase(Locale.ROOT);
    if (!"rmse".equals(metric) && !"mse".equals(metric) && !"r2".equals(metric)) {
      throw new IllegalArgumentException(String.format(
          "metric '%s' is not supported by the elastic-net path tuner; use rmse, mse or r2 (for mae, tune with"
              + " the generic grid tuner)", metric));
    }
    if (!(tol > 0)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "tol = %s must be above 0", tol));
    }
    if (maxIter < 1) {
      throw new IllegalArgumentException(String.format("maxIter = %d must be at least 1", maxIter));
    }
  }

  /**
   * glmnet-like defaults: 5 folds, elasticNetParam 0.1, 0.5, 0.9 and 1, a 100-value path, standardization and an
   * intercept, RMSE, tol 1e-12, 100,000 sweeps per regParam.
   */
  public static PathSettings defaults(long seed) {
    return new PathSettings(5, seed, new double[] {0.1, 0.5, 0.9, 1.0}, null, 100, 0.0, true, true, "rmse", 1e-12,
        100_000);
  }

  public PathSettings withFolds(int k) {
    return new PathSettings(k, seed, elasticNetParams, regParams, nLambda, lambdaMinRatio, standardization,
        fitIntercept, metric, tol, maxIter);
  }

  public PathSettings withElasticNetParams(double... values) {
    return new PathSettings(folds, seed, values, regParams, nLambda, lambdaMinRatio, standardization, fitIntercept,
        metric, tol, maxIter);
  }

  public PathSettings withRegParams(double... values) {
    return new PathSettings(folds, seed, elasticNetParams, values, nLambda, lambdaMinRatio, standardization,
        fitIntercept, metric, tol, maxIter);
  }

  public PathSettings withPath(int n, double minRatio) {
    return new PathSettings(folds, seed, elasticNetParams, regParams, n, minRatio, standardization, fitIntercept,
        metric, tol, maxIter);
  }

  public PathSettings withStandardization(boolean value) {
    return new PathSettings(folds, seed, elasticNetParams, regParams, nLambda, lambdaMinRatio, value, fitIntercept,
        metric, tol, maxIter);
  }

  public PathSettings withFitIntercept(boolean value) {
    return new PathSettings(folds, seed, elasticNetParams, regParams, nLambda, lambdaMinRatio, standardization, value,
        metric, tol, maxIter);
  }

  public PathSettings withMetric(String value) {
    return new PathSettings(folds, seed, elasticNetParams, regParams, nLambda, lambdaMinRatio, standardization,
        fitIntercept, value, tol, maxIter);
  }

  public PathSettings withTol(double value) {
    return new PathSettings(folds, seed, elasticNetParams, regParams, nLambda, lambdaMinRatio, standardization,
        fitIntercept, metric, value, maxIter);
  }

  @Override
  public double[] elasticNetParams() {
    return elasticNetParams.clone();
  }

  @Override
  public double[] regParams() {
    return regParams == null ? null : regParams.clone();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "PathSettings[folds=%d, seed=%d, elasticNetParams=%s, regParams=%s, nLambda=%d, lambdaMinRatio=%s,"
            + " standardization=%s, fitIntercept=%s, metric=%s, tol=%s, maxIter=%d]",
        folds, seed, Arrays.toString(elasticNetParams), regParams == null ? "default" : Arrays.toString(regParams),
        nLambda, lambdaMinRatio, standardization, fitIntercept, metric, tol, maxIter);
  }
}
