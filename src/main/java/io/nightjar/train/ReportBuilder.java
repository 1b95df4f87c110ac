package io.nightjar.train;

import static org.apache.spark.sql.functions.col;

import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.pipeline.Columns;
import io.nightjar.report.TrainingReport;
import io.nightjar.store.Manifest;
import io.nightjar.tune.GridPoint;
import io.nightjar.tune.TuningResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Gathers what a version's {@code report.html} and {@code metrics.json} show from the training run. */
final class ReportBuilder {
  /** Predicted-versus-actual points drawn at most. */
  static final int SAMPLE_POINTS = 2000;
  /** Above this many distinct ratings the distribution is not drawn (continuous targets, play counts). */
  static final int MAX_RATING_VALUES = 50;

  private final Manifest manifest;
  private TrainingReport.Tuning tuning;
  private TrainingReport.Regression regression;
  private TrainingReport.Binary binary;
  private TrainingReport.Als als;
  private List<TrainingReport.Coefficient> coefficients;
  private Double intercept;
  private final Map<String, Object> extra = new LinkedHashMap<>();

  ReportBuilder(Manifest manifest) {
    this.manifest = manifest;
  }

  ReportBuilder tuning(TuningResult result) {
    if (result != null) {
      List<String> params = new ArrayList<>(result.best().params().keySet());
      List<TrainingReport.GridPoint> points = new ArrayList<>();
      for (GridPoint point : result.points()) {
        points.add(new TrainingReport.GridPoint(point.params(), point.mean(), point.stdDev()));
      }
      tuning = new TrainingReport.Tuning(result.method() + (result.folds() > 1 ? ", " + result.folds() + " folds" : ""),
          result.metric(), params, points, result.best().params());
      extra.put("tuning seconds", Math.round(result.seconds() * 100) / 100.0);
    }
    return this;
  }

  /** A seeded sample of the scored holdout's (actual, predicted) pairs; the report bins the residuals. */
  ReportBuilder regression(Dataset<Row> scoredHoldout, String label, long holdoutRows, long seed) {
    double fraction = Math.min(1.0, 1.2 * SAMPLE_POINTS / Math.max(1, holdoutRows));
    List<TrainingReport.Point> sample = new ArrayList<>();
    for (Row row : scoredHoldout.select(col(label).cast("double"), col(Columns.PREDICTION).cast("double"))
        .sample(false, fraction, seed).limit(SAMPLE_POINTS).collectAsList()) {
      sample.add(new TrainingReport.Point(row.getDouble(0), row.getDouble(1)));
    }
    regression = new TrainingReport.Regression(sample, null);
    return this;
  }

  ReportBuilder binary(TrainingReport.Binary value) {
    binary = value;
    return this;
  }

  ReportBuilder coefficients(List<TrainingReport.Coefficient> values, Double interceptValue) {
    coefficients = values;
    intercept = interceptValue;
    return this;
  }

  /** The rating distribution of the training rows and the holdout's cold-start counts. */
  ReportBuilder als(Dataset<Row> training, String rating, long holdoutRows, long userUnseen, long itemUnseen,
      long bothUnseen) {
    Map<Double, Long> counts = new TreeMap<>();
    List<Row> rows = training.groupBy(col(rating)).count().limit(MAX_RATING_VALUES + 1).collectAsList();
    if (rows.size() <= MAX_RATING_VALUES) {
      rows.forEach(r -> counts.put(r.getDouble(0), r.getLong(1)));
    }
    als = new TrainingReport.Als(counts, holdoutRows, userUnseen, itemUnseen, bothUnseen);
    return this;
  }

  ReportBuilder extra(String key, Object value) {
    extra.put(key, value);
    return this;
  }

  TrainingReport build() {
    ModelEvaluation evaluation = manifest.evaluation();
    List<TrainingReport.MetricRow> metrics = new ArrayList<>();
    evaluation.scores().forEach((model, values) -> metrics.add(
        new TrainingReport.MetricRow(model.replace('_', ' '), values)));
    Map<String, Object> details = new LinkedHashMap<>(extra);
    details.put("primary metric", evaluation.metric());
    evaluation.counts().forEach(details::put);
    if (manifest.gate() != null) {
      details.put("quality gate", manifest.gate().summary());
    }
    details.put("rows read", manifest.input().rows());
    details.put("rows excluded", manifest.input().excludedRows());
    details.put("training rows", manifest.input().trainingRows());
    return new TrainingReport(manifest.job(), manifest.kind(), manifest.version(), manifest.createdAt(), metrics,
        tuning, coefficients, intercept, regression, binary, als, details);
  }
}
