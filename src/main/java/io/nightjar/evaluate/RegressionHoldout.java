package io.nightjar.evaluate;

/**
 * The model's holdout metrics beside two references: the training mean, and a label drawn at random from the
 * training labels.
 *
 * @param evaluation the model beside the training-mean reference (what {@link HoldoutEvaluation} always held)
 * @param randomLabel the random-label reference, or null when it was not computed
 * @param randomLabelSample how many training labels the random draws came from (0 when not computed)
 */
public record RegressionHoldout(HoldoutEvaluation evaluation, RegressionMetrics randomLabel, int randomLabelSample) {
  /** Relative RMSE improvement over the random-label reference: 0.1 means 10% lower RMSE; NaN when absent. */
  public double rmseLiftOverRandomLabel() {
    if (randomLabel == null) {
      return Double.NaN;
    }
    return randomLabel.rmse() == 0.0 ? 0.0 : 1.0 - evaluation.model().rmse() / randomLabel.rmse();
  }
}
