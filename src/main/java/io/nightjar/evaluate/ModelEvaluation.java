package io.nightjar.evaluate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's holdout metrics beside those of its reference models, whatever the kind.
 *
 * @param metric the primary metric: what tuning optimises and the quality gate compares
 * @param biggerIsBetter whether a larger primary metric is better
 * @param reference the reference model the quality gate compares against (a key of {@code scores})
 * @param scores metrics by model: {@value #MODEL} for the trained model, then each reference (training_mean,
 *     random_label, positive_rate, popularity)
 * @param counts row counts worth reporting (holdout rows, cold-start rows by case)
 * @param details anything else the report shows (confusion matrix, curves, rating histogram)
 */
public record ModelEvaluation(String metric, boolean biggerIsBetter, String reference,
    Map<String, Map<String, Double>> scores, Map<String, Long> counts, Map<String, Object> details) {
  public static final String MODEL = "model";

  public ModelEvaluation {
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    counts = counts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The model's primary metric. */
  public double modelValue() {
    return value(MODEL);
  }

  /** The reference's primary metric. */
  public double referenceValue() {
    return value(reference);
  }

  /** A model's primary metric, NaN when that model was not scored on it. */
  public double value(String model) {
    Map<String, Double> metrics = scores.get(model);
    Double value = metrics == null ? null : metrics.get(metric);
    return value == null ? Double.NaN : value;
  }

  /**
   * How much better {@code value} is than {@code baseline}, relative to the baseline: 0.1 means 10% better (10% lower
   * RMSE, or 10% higher AUC). Negative when worse.
   */
  public static double relativeImprovement(double value, double baseline, boolean biggerIsBetter) {
    if (baseline == 0.0) {
      return value == 0.0 ? 0.0 : (biggerIsBetter == value > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
    }
    double change = (value - baseline) / Math.abs(baseline);
    return biggerIsBetter ? change : -change;
  }

  /** The model's improvement over the reference, relative: 0.1 is 10% better. */
  public double liftOverReference() {
    return relativeImprovement(modelValue(), referenceValue(), biggerIsBetter);
  }
}
