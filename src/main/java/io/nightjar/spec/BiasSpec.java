package io.nightjar.spec;

import java.util.Set;

/**
 * The baseline an ALS pipeline fits before the latent factors: global mean plus regularised user and item biases.
 * ALS then learns the residuals, and a user or item never seen in training falls back to the baseline.
 *
 * @param regParam shrinkage of each bias towards zero, in pseudo-ratings (larger for sparse data)
 * @param maxIter most alternating passes over item then user biases (the fit stops earlier once no bias moves more
 *     than 1e-6 in a pass; each pass is a cheap scan of a cached copy)
 */
public record BiasSpec(double regParam, int maxIter) {
  public static final double DEFAULT_REG_PARAM = 5.0;
  public static final int DEFAULT_MAX_ITER = 10;
  static final Set<String> KEYS = Set.of("regParam", "maxIter");
  static final BiasSpec DEFAULT = new BiasSpec(DEFAULT_REG_PARAM, DEFAULT_MAX_ITER);

  static BiasSpec read(SpecNode node) {
    if (node == null) {
      return DEFAULT;
    }
    double regParam = node.optionalDouble("regParam", DEFAULT_REG_PARAM);
    if (!(regParam >= 0.0) || Double.isInfinite(regParam)) {
      throw node.invalid("regParam", String.valueOf(regParam), "a number of at least 0, such as 5");
    }
    long maxIter = node.optionalLong("maxIter", DEFAULT_MAX_ITER);
    if (maxIter < 1 || maxIter > 100) {
      throw node.invalid("maxIter", String.valueOf(maxIter), "a whole number from 1 to 100");
    }
    return new BiasSpec(regParam, (int) maxIter);
  }
}
