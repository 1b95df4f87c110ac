package io.nightjar.evaluate;

/**
 * Error of one model on one holdout.
 *
 * @param rows rows evaluated (every holdout row: none is dropped)
 * @param rmse root mean squared error
 * @param mae mean absolute error
 * @param r2 coefficient of determination against the holdout's own mean
 */
public record RegressionMetrics(long rows, double rmse, double mae, double r2) {}
