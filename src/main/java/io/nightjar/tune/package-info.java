/**
 * Hyper-parameter tuning: {@link io.nightjar.tune.GridTuner} (any pipeline, a grid over the learner's params, k-fold
 * cross-validation or a holdout, parallel fits) and {@link io.nightjar.tune.ElasticNetPathTuner} (the fast path for
 * elastic-net linear regression: one pass for per-fold sufficient statistics, then warm-started coordinate descent
 * along a regParam path on the driver, in Spark {@code LinearRegression}'s parametrisation).
 */
package io.nightjar.tune;
