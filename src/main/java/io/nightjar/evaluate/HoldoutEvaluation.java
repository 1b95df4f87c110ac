package io.nightjar.evaluate;

/**
 * The model's holdout metrics beside those of the reference that always predicts the training mean.
 *
 * @param model the trained model
 * @param trainingMean the reference model
 * @param trainingMeanValue the constant the reference predicts
 */
public record HoldoutEvaluation(RegressionMetrics model, RegressionMetrics trainingMean, double trainingMeanValue) {
  /** Relative RMSE improvement over the reference: 0.1 means 10% lower RMSE. */
  public double rmseLiftOverReference() {
    return trainingMean.rmse() == 0.0 ? 0.0 : 1.0 - model.rmse() / trainingMean.rmse();
  }
}
