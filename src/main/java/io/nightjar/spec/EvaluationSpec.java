package io.nightjar.spec;

import java.util.Set;

/**
 * How the trained model is evaluated before it is saved.
 *
 * @param holdoutFraction share of the input rows held out and never trained on
 * @param timeColumn when set, the holdout is the most recent {@code holdoutFraction} of rows by this column (train on
 *     the past, evaluate on the most recent); when null, a seeded random split
 * @param rankingK the cut-off of the ranking metrics of ALS jobs (precision, recall, nDCG, MAP at k)
 */
public record EvaluationSpec(double holdoutFraction, String timeColumn, int rankingK) {
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.2;
  public static final int DEFAULT_RANKING_K = 10;
  static final Set<String> KEYS = Set.of("holdout", "timeColumn", "rankingK");
  static final EvaluationSpec DEFAULT = new EvaluationSpec(DEFAULT_HOLDOUT_FRACTION, null, DEFAULT_RANKING_K);

  static EvaluationSpec read(SpecNode node) {
    if (node == null) {
      return DEFAULT;
    }
    double fraction = node.optionalDouble("holdout", DEFAULT_HOLDOUT_FRACTION);
    if (!(fraction > 0.0 && fraction < 0.5)) {
      throw node.invalid("holdout", String.valueOf(fraction), "a fraction above 0 and below 0.5, such as 0.2");
    }
    long k = node.optionalLong("rankingK", DEFAULT_RANKING_K);
    if (k < 1 || k > 1000) {
      throw node.invalid("rankingK", String.valueOf(k), "a whole number from 1 to 1000, such as 10");
    }
    return new EvaluationSpec(fraction, node.optionalString("timeColumn", null), (int) k);
  }
}
