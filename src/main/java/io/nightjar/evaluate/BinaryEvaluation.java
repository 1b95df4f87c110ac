package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.nightjar.error.InputDataException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary classification metrics of scored holdout rows (a 0/1 label and the probability of class 1), beside the
 * reference that always predicts the training positive rate.
 *
 * <p>Two passes over the scored rows (cache them if scoring is expensive): one aggregation for the counts, log-loss
 * and confusion matrix, and one group-by on the score for the curves. The curves and areas are exact (every distinct
 * score is a threshold, ties get half credit) while there are at most {@link #EXACT_SCORE_LIMIT} distinct scores
 * (approximately counted); above that, scores are grouped on a grid of {@code 1 / SCORE_BUCKETS} so the driver never
 * holds more than about 100k groups.
 */
public final class BinaryEvaluation {
  /** The default decision threshold: a row is predicted positive when its probability is above it. */
  public static final double DEFAULT_THRESHOLD = 0.5;
  /** The most points a returned curve has (for charts; the areas use every point). */
  public static final int MAX_CURVE_POINTS = 200;
  /** Probabilities are clipped to [EPSILON, 1 - EPSILON] for log-loss. */
  public static final double LOG_LOSS_EPSILON = 1e-15;
  /** Above this many distinct scores, scores are grouped on a grid for the curves. */
  static final long EXACT_SCORE_LIMIT = 100_000;
  /** The grid: scores are floored to multiples of 1 / SCORE_BUCKETS. */
  static final double SCORE_BUCKETS = 100_000;

  private BinaryEvaluation() {}

  /**
   * Rows predicted positive and negative at a threshold, against the true labels.
   */
  public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    public long rows() {
      return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** Share of the predicted positives that are positive; NaN when none is predicted positive. */
    public double precision() {
      long predicted = truePositives + falsePositives;
      return predicted == 0 ? Double.NaN : (double) truePositives / predicted;
    }

    /** Share of the positives predicted positive; NaN when there is no positive. */
    public double recall() {
      long positives = truePositives + falseNegatives;
      return positives == 0 ? Double.NaN : (double) truePositives / positives;
    }

    public double accuracy() {
      return rows() == 0 ? Double.NaN : (double) (truePositives + trueNegatives) / rows();
    }
  }

  /**
   * One point of a curve: ROC has x = false positive rate, y = true positive rate; PR has x = recall,
   * y = precision.
   *
   * @param threshold rows scoring at or above it count as positive; the ROC starting point (0, 0) and the PR
   *     starting point (0, first precision) carry 1.0 (only rows scoring exactly 1.0 would be positive there)
   */
  public record CurvePoint(double threshold, double x, double y) {}

  /**
   * The metrics of one predictor on the holdout.
   *
   * @param rows holdout rows
   * @param positiveRate share of holdout rows labelled 1
   * @param aucRoc area under the ROC curve (trapezoids; 0.5 for a constant score); NaN when the holdout has one class
   * @param aucPr area under the precision-recall curve, trapezoids starting at (0, precision at the highest score),
   *     as Spark's {@code BinaryClassificationMetrics.areaUnderPR}; NaN when the holdout has no positive
   * @param logLoss mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]
   * @param accuracy share of rows whose prediction at {@code threshold} is right
   * @param threshold the decision threshold: predicted positive when the probability is above it (as
   *     LogisticRegressionModel's prediction)
   * @param confusion the confusion matrix at {@code threshold}
   * @param roc ROC curve, at most {@link #MAX_CURVE_POINTS} points, from (0, 0) to (1, 1)
   * @param pr precision-recall curve, at most {@link #MAX_CURVE_POINTS} points, ending at recall 1
   */
  public record BinaryMetrics(long rows, double positiveRate, double aucRoc, double aucPr, double logLoss,
      double accuracy, double threshold, ConfusionMatrix confusion, List<CurvePoint> roc, List<CurvePoint> pr) {
    public BinaryMetrics {
      roc = List.copyOf(roc);
      pr = List.copyOf(pr);
    }
  }

  /**
   * The model beside the constant reference.
   *
   * @param model the trained model
   * @param reference the predictor of the constant {@code trainingPositiveRate}: AUC-ROC 0.5, AUC-PR the holdout
   *     positive rate, the log-loss of that constant, and at threshold 0.5 the accuracy of the training majority class
   * @param trainingPositiveRate the share of training rows labelled 1
   */
  public record BinaryHoldout(BinaryMetrics model, BinaryMetrics reference, double trainingPositiveRate) {
    /** Relative log-loss improvement over the reference: 0.1 means 10% lower log-loss. */
    public double logLossLiftOverReference() {
      return reference.logLoss() == 0.0 ? 0.0 : 1.0 - model.logLoss() / reference.logLoss();
    }
  }

  /** {@link #evaluate(Dataset, String, Column, double, double)} at threshold 0.5. */
  public static BinaryHoldout evaluate(Dataset<Row> scored, String label, Column probability,
      double trainingPositiveRate) {
    return evaluate(scored, label, probability, trainingPositiveRate, DEFAULT_THRESHOLD);
  }

  /**
   * Evaluates scored holdout rows.
   *
   * @param scored holdout rows with the label and what {@code probability} reads
   * @param label the label column: numbers 0/1 or booleans
   * @param probability the probability of class 1, for example {@code ElasticNetPipeline.positiveProbability()}
   * @param trainingPositiveRate the reference's constant prediction
   * @param threshold predicted positive when the probability is above it
   * @throws InputDataException if a label is missing or not 0/1
   * @throws IllegalStateException if the holdout is empty or a probability is missing or outside [0, 1]
   */
  public static BinaryHoldout evaluate(Dataset<Row> scored, String label, Column probability,
      double trainingPositiveRate, double threshold) {
    return evaluate(scored, label, probability, trainingPositiveRate, threshold, EXACT_SCORE_LIMIT);
  }

  static BinaryHoldout evaluate(Dataset<Row> scored, String label, Column probability,
      double trainingPositiveRate, double threshold, long exactScoreLimit) {
    if (!(trainingPositiveRate >= 0.0 && trainingPositiveRate <= 1.0)) {
      throw new IllegalArgumentException("the training positive rate must be in [0, 1], got " + trainingPositiveRate);
    }
    Column y = col(label).cast("double");
    Column p = probability.cast("double");
    Column positive = y.equalTo(1.0);
    Column negative = y.equalTo(0.0);
    Column badLabel = y.isNull().or(positive.or(negative).equalTo(false));
    Column badProbability = p.isNull().or(p.isNaN()).or(p.lt(0.0)).or(p.gt(1.0));
    Column clipped = least(greatest(p, lit(LOG_LOSS_EPSILON)), lit(1.0 - LOG_LOSS_EPSILON));
    Column loss = when(positive, log(clipped).multiply(-1.0)).otherwise(log(lit(1.0).minus(clipped)).multiply(-1.0));
    Column above = p.gt(threshold);
    Row row = scored.agg(
            count(lit(1)),
            sum(when(badLabel, 1L).otherwise(0L)),
            sum(when(badProbability, 1L).otherwise(0L)),
            sum(when(positive, 1L).otherwise(0L)),
            sum(when(badLabel.or(badProbability), 0.0).otherwise(loss)),
            sum(when(positive.and(above), 1L).otherwise(0L)),
            sum(when(negative.and(above), 1L).otherwise(0L)),
            approx_count_distinct(p))
        .first();
    long rows = row.getLong(0);
    if (rows == 0) {
      throw new IllegalStateException("the holdout is empty; the input has too few rows to evaluate a model");
    }
    if (row.getLong(1) > 0) {
      throw new InputDataException(String.format("%d of %d holdout rows have a label '%s' that is missing or not 0/1; "
          + "a binomial model needs 0/1 labels: recode or drop those rows", row.getLong(1), rows, label));
    }
    if (row.getLong(2) > 0) {
      throw new IllegalStateException(row.getLong(2) + " of " + rows
          + " holdout probabilities are missing, not finite or outside [0, 1]");
    }
    long positives = row.getLong(3);
    long negatives = rows - positives;
    long tp = row.getLong(5);
    long fp = row.getLong(6);
    ConfusionMatrix confusion = new ConfusionMatrix(tp, fp, negatives - fp, positives - tp);
    Column key = row.getLong(7) <= exactScoreLimit ? p : floor(p.multiply(SCORE_BUCKETS)).divide(SCORE_BUCKETS);
    List<Row> groups = scored.groupBy(key.alias("score"))
        .agg(sum(when(positive, 1L).otherwise(0L)), count(lit(1)))
        .collectAsList();
    int g = groups.size();
    double[] scores = new double[g];
    long[] groupPositives = new long[g];
    long[] groupRows = new long[g];
    List<Row> sorted = new ArrayList<>(groups);
    sorted.sort(Comparator.comparingDouble((Row r) -> r.getDouble(0)).reversed());
    for (int k = 0; k < g; k++) {
      scores[k] = sorted.get(k).getDouble(0);
      groupPositives[k] = sorted.get(k).getLong(1);
      groupRows[k] = sorted.get(k).getLong(2);
    }
    BinaryMetrics model = metrics(scores, groupPositives, groupRows, row.getDouble(4) / rows, confusion, threshold);

    double c = Math.min(Math.max(trainingPositiveRate, LOG_LOSS_EPSILON), 1.0 - LOG_LOSS_EPSILON);
    double referenceLoss = -(positives * Math.log(c) + negatives * Math.log(1.0 - c)) / rows;
    ConfusionMatrix referenceConfusion = trainingPositiveRate > threshold
        ? new ConfusionMatrix(positives, negatives, 0, 0) : new ConfusionMatrix(0, 0, negatives, positives);
    BinaryMetrics reference = metrics(new double[] {trainingPositiveRate}, new long[] {positives},
        new long[] {rows}, referenceLoss, referenceConfusion, threshold);
    return new BinaryHoldout(model, reference, trainingPositiveRate);
  }

  /**
   * Metrics from score groups in descending score order.
   *
   * @param scores distinct scores, highest first
   * @param positives rows labelled 1 in each group
   * @param rows rows in each group
   */
  static BinaryMetrics metrics(double[] scores, long[] positives, long[] rows, double logLoss,
      ConfusionMatrix confusion, double threshold) {
    long totalPositives = 0;
    long total = 0;
    for (int k = 0; k < scores.length; k++) {
      totalPositives += positives[k];
      total += rows[k];
    }
    long totalNegatives = total - totalPositives;
    int n = scores.length;
    double[] fpr = new double[n + 1];
    double[] tpr = new double[n + 1];
    double[] recall = new double[n + 1];
    double[] precision = new double[n + 1];
    double rocArea = 0.0; // in units of positive x negative pairs
    long tp = 0;
    long fp = 0;
    for (int k = 0; k < n; k++) {
      long groupNegatives = rows[k] - positives[k];
      rocArea += groupNegatives * (tp + positives[k] / 2.0);
      tp += positives[k];
      fp += groupNegatives;
      fpr[k + 1] = totalNegatives == 0 ? Double.NaN : (double) fp / totalNegatives;
      tpr[k + 1] = totalPositives == 0 ? Double.NaN : (double) tp / totalPositives;
      recall[k + 1] = tpr[k + 1];
      precision[k + 1] = (double) tp / (tp + fp);
    }
    recall[0] = 0.0;
    precision[0] = n == 0 ? Double.NaN : precision[1];
    double aucRoc = totalPositives == 0 || totalNegatives == 0 ? Double.NaN
        : rocArea / ((double) totalPositives * totalNegatives);
    double aucPr = Double.NaN;
    if (totalPositives > 0) {
      aucPr = 0.0;
      for (int k = 1; k <= n; k++) {
        aucPr += (recall[k] - recall[k - 1]) * (precision[k] + precision[k - 1]) / 2.0;
      }
    }
    List<CurvePoint> roc = new ArrayList<>();
    List<CurvePoint> pr = new ArrayList<>();
    for (int k : downsample(n + 1)) {
      double at = k == 0 ? 1.0 : scores[k - 1];
      roc.add(new CurvePoint(at, k == 0 ? 0.0 : fpr[k], k == 0 ? 0.0 : tpr[k]));
      pr.add(new CurvePoint(at, recall[k], precision[k]));
    }
    return new BinaryMetrics(total, total == 0 ? Double.NaN : (double) totalPositives / total, aucRoc, aucPr,
        logLoss, confusion.accuracy(), threshold, confusion, roc, pr);
  }

  /** Up to {@link #MAX_CURVE_POINTS} indices of {@code 0 .. size-1}, evenly spaced, always the first and the last. */
  static int[] downsample(int size) {
    if (size <= MAX_CURVE_POINTS) {
      int[] all = new int[size];
      for (int k = 0; k < size; k++) {
        all[k] = k;
      }
      return all;
    }
    int[] picked = new int[MAX_CURVE_POINTS];
    for (int j = 0; j < MAX_CURVE_POINTS; j++) {
      picked[j] = (int) Math.round((double) j * (size - 1) / (MAX_CURVE_POINTS - 1));
    }
    return picked;
  }
}
