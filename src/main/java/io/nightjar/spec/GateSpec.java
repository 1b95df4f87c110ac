package io.nightjar.spec;

import java.util.Set;

/**
 * When a newly trained version may become CURRENT. Both margins are relative to the compared metric: 0.01 is 1%.
 *
 * @param minLiftOverReference how much better than the reference model (the training mean; the positive rate or
 *     item popularity where that is the reference) the new model must be
 * @param maxRegression how much worse than the CURRENT version, scored on the same holdout, the new model may be
 */
public record GateSpec(double minLiftOverReference, double maxRegression) {
  public static final double DEFAULT_MIN_LIFT = 0.0;
  public static final double DEFAULT_MAX_REGRESSION = 0.01;
  static final Set<String> KEYS = Set.of("minLiftOverReference", "maxRegression");
  static final GateSpec DEFAULT = new GateSpec(DEFAULT_MIN_LIFT, DEFAULT_MAX_REGRESSION);

  static GateSpec read(SpecNode node) {
    if (node == null) {
      return DEFAULT;
    }
    double lift = node.optionalDouble("minLiftOverReference", DEFAULT_MIN_LIFT);
    if (!(lift >= 0.0 && lift < 1.0)) {
      throw node.invalid("minLiftOverReference", String.valueOf(lift), "a fraction from 0 to below 1, such as 0.05");
    }
    double regression = node.optionalDouble("maxRegression", DEFAULT_MAX_REGRESSION);
    if (!(regression >= 0.0 && regression < 1.0)) {
      throw node.invalid("maxRegression", String.valueOf(regression), "a fraction from 0 to below 1, such as 0.01");
    }
    return new GateSpec(lift, regression);
  }
}
