package io.nightjar.spec;

import java.util.Set;

/**
 * How the trained model is evaluated before it is saved.
 *
 * @param holdoutFraction share of the input rows split off at random (seeded) and never trained on
 */
public record EvaluationSpec(double holdoutFraction) {
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.2;
  static final Set<String> KEYS = Set.of("holdout");
  static final EvaluationSpec DEFAULT = new EvaluationSpec(DEFAULT_HOLDOUT_FRACTION);

  static EvaluationSpec read(SpecNode node) {
    if (node == null) {
      return DEFAULT;
    }
    double fraction = node.optionalDouble("holdout", DEFAULT_HOLDOUT_FRACTION);
    if (!(fraction > 0.0 && fraction < 0.5)) {
      throw node.invalid("holdout", String.valueOf(fraction), "a fraction above 0 and below 0.5, such as 0.2");
    }
    return new EvaluationSpec(fraction);
  }
}
