package io.nightjar.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Everything the training report of one model version shows: plain data, no Spark. The trainer fills it from the run;
 * {@link ReportWriter} turns it into {@code metrics.json} (this record as JSON) and a self-contained
 * {@code report.html}. Every section after {@code metrics} is optional: {@code null} leaves it out of both files, so a
 * kind fills only what it has (regression: {@code coefficients}, {@code regression}; binary: {@code binary}; ALS:
 * {@code als}, and {@code regression} too if it likes). The lists are copied; a {@code null} list becomes empty.
 *
 * @param job the job name
 * @param kind the model kind ({@code als}, {@code elasticnet}, ...)
 * @param version the model version
 * @param createdAt ISO-8601 instant the version was written
 * @param metrics holdout metrics, one row per model: the trained model FIRST, then each reference model (for example
 *     the training-mean predictor), each with its metric values by metric name ({@code rmse}, {@code r2}, ...)
 * @param tuning the hyper-parameter search, or {@code null} when there was none
 * @param coefficients the fitted coefficients of a linear model by feature name, or {@code null}
 * @param intercept the fitted intercept of a linear model, or {@code null}
 * @param regression predicted versus actual on the holdout, or {@code null}
 * @param binary a binary classifier's confusion matrix and ROC curve, or {@code null}
 * @param als the ALS rating distribution and cold-start counts, or {@code null}
 * @param extra anything else worth a line (row counts, settings): shown as a key/value table in the report; values
 *     should be JSON-friendly (strings, numbers, booleans, lists, maps)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingReport(
    String job,
    String kind,
    String version,
    String createdAt,
    List<MetricRow> metrics,
    Tuning tuning,
    List<Coefficient> coefficients,
    Double intercept,
    Regression regression,
    Binary binary,
    Als als,
    Map<String, Object> extra) {

  public TrainingReport {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
    coefficients = coefficients == null ? null : List.copyOf(coefficients);
    extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
  }

  /**
   * One model's holdout metrics.
   *
   * @param model the model's name as shown ({@code model}, {@code training mean}, ...)
   * @param values metric value by metric name; NaN shows as "n/a". Names the report knows the direction of ({@code
   *     rmse}, {@code mae}, {@code mse}, {@code logLoss} lower is better; {@code r2}, {@code auc}, {@code
   *     areaUnderROC}, {@code areaUnderPR}, {@code accuracy}, {@code precision}, {@code recall}, {@code f1} higher is
   *     better; case-insensitive) get their best value marked
   */
  public record MetricRow(String model, Map<String, Double> values) {
    public MetricRow {
      values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
  }

  /**
   * A hyper-parameter search.
   *
   * @param method how it searched ({@code grid}, {@code trainValidationSplit}, {@code crossValidator 3 folds}, ...)
   * @param metric the metric it chose by ({@code rmse}, ...)
   * @param params the names of the params searched, in the order the grid varies them
   * @param points every point of the grid with its score
   * @param best the params of the chosen point (a key for each name in {@code params}); {@code null} lets the report
   *     pick the best mean by the metric's direction
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Tuning(String method, String metric, List<String> params, List<GridPoint> points,
      Map<String, Object> best) {
    public Tuning {
      params = params == null ? List.of() : List.copyOf(params);
      points = points == null ? List.of() : List.copyOf(points);
    }
  }

  /**
   * One point of a tuning grid.
   *
   * @param params the param values of this point, by name (numbers, strings or booleans)
   * @param mean the score of this point (the mean over folds when there are several)
   * @param std the standard deviation over folds, or {@code null} with a single split
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GridPoint(Map<String, Object> params, double mean, Double std) {
    public GridPoint {
      params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
  }

  /**
   * One coefficient of a linear model.
   *
   * @param name the feature name (a one-hot level as {@code column=level})
   * @param value the fitted coefficient
   */
  public record Coefficient(String name, double value) {}

  /**
   * Predicted versus actual on the holdout.
   *
   * @param sample a sample of holdout rows (up to about 2,000: the chart gets no clearer with more)
   * @param residuals histogram of the residuals {@code actual - predicted} over the whole holdout, or {@code null} to
   *     let the report bin the sample's residuals itself
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Regression(List<Point> sample, List<Bin> residuals) {
    public Regression {
      sample = sample == null ? List.of() : List.copyOf(sample);
      residuals = residuals == null ? null : List.copyOf(residuals);
    }
  }

  /** One holdout row: its actual label and the model's prediction. */
  public record Point(double actual, double predicted) {}

  /**
   * One histogram bin, {@code [lower, upper)} (the last bin includes its upper bound).
   *
   * @param lower the lower bound
   * @param upper the upper bound, above {@code lower}
   * @param count rows in the bin
   */
  public record Bin(double lower, double upper, long count) {}

  /**
   * A binary classifier on the holdout. The confusion matrix is at {@code threshold}.
   *
   * @param truePositives actual 1, predicted 1
   * @param falsePositives actual 0, predicted 1
   * @param trueNegatives actual 0, predicted 0
   * @param falseNegatives actual 1, predicted 0
   * @param threshold the probability threshold the matrix was counted at
   * @param roc points of the ROC curve, in any order ((0,0) and (1,1) are added when missing)
   * @param auc the area under the ROC curve, or {@code null}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Binary(long truePositives, long falsePositives, long trueNegatives, long falseNegatives,
      double threshold, List<RocPoint> roc, Double auc) {
    public Binary {
      roc = roc == null ? List.of() : List.copyOf(roc);
    }
  }

  /** One point of a ROC curve: false positive rate and true positive rate, both in [0, 1]. */
  public record RocPoint(double fpr, double tpr) {}

  /**
   * An ALS recommender's data.
   *
   * @param ratingCounts rows by rating value in the data trained on (continuous ratings: round them to a few values
   *     first); shown in ascending order of value
   * @param holdoutRows holdout rows in all
   * @param userUnseenRows holdout rows whose user was not in the training rows but whose item was
   * @param itemUnseenRows holdout rows whose item was not in the training rows but whose user was
   * @param bothUnseenRows holdout rows whose user and item were both unseen (these three are disjoint; the rest of the
   *     holdout had both seen)
   */
  public record Als(Map<Double, Long> ratingCounts, long holdoutRows, long userUnseenRows, long itemUnseenRows,
      long bothUnseenRows) {
    public Als {
      ratingCounts = ratingCounts == null
          ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ratingCounts));
    }

    /** Holdout rows whose user and item were both seen in training. */
    public long warmRows() {
      return holdoutRows - userUnseenRows - itemUnseenRows - bothUnseenRows;
    }
  }
}
