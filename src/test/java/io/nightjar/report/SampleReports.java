package io.nightjar.report;

import io.nightjar.report.TrainingReport.Als;
import io.nightjar.report.TrainingReport.Binary;
import io.nightjar.report.TrainingReport.Coefficient;
import io.nightjar.report.TrainingReport.GridPoint;
import io.nightjar.report.TrainingReport.MetricRow;
import io.nightjar.report.TrainingReport.Point;
import io.nightjar.report.TrainingReport.Regression;
import io.nightjar.report.TrainingReport.RocPoint;
import io.nightjar.report.TrainingReport.Tuning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded example reports of each kind, for the tests and for looking at: {@code main} writes
 * {@code regression.html}, {@code binary.html}, {@code als.html} and {@code minimal.html} (with their JSON) to the
 * directory it is given (default {@code target/sample-reports}), for {@code scripts/check-report.sh}.
 */
public final class SampleReports {
  private SampleReports() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/sample-reports");
    Files.createDirectories(dir);
    Map<String, TrainingReport> reports = new LinkedHashMap<>();
    reports.put("regression", regression());
    reports.put("binary", binary());
    reports.put("als", als());
    reports.put("minimal", minimal());
    for (Map.Entry<String, TrainingReport> e : reports.entrySet()) {
      Files.writeString(dir.resolve(e.getKey() + ".html"), ReportWriter.html(e.getValue()), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(e.getKey() + ".json"), ReportWriter.metricsJson(e.getValue()),
          StandardCharsets.UTF_8);
      System.out.println("wrote " + dir.resolve(e.getKey() + ".html"));
    }
  }

  /** ElasticNet on house prices: 2-param tuning grid, 40 coefficients (one named {@code <&>}), 1,500 sampled rows. */
  static TrainingReport regression() {
    Random random = new Random(7);
    List<Object> regs = List.of(0.001, 0.01, 0.1, 1.0);
    List<Object> mixes = List.of(0.0, 0.5, 1.0);
    List<GridPoint> grid = new ArrayList<>();
    for (Object reg : regs) {
      for (Object mix : mixes) {
        double r = (Double) reg;
        double m = (Double) mix;
        double rmse = 41_000 + 9_000 * Math.abs(Math.log10(r) + 2) + 1_500 * m + random.nextDouble() * 500;
        grid.add(new GridPoint(Map.of("regParam", reg, "elasticNetParam", mix), rmse, 800 + random.nextDouble() * 400));
      }
    }
    List<Coefficient> coefficients = new ArrayList<>();
    coefficients.add(new Coefficient("sqft", 182.5));
    coefficients.add(new Coefficient("<&> odd \"name\"", -23_000));
    for (int i = 0; i < 38; i++) {
      double v = (random.nextDouble() - 0.45) * 40_000 / (i + 1);
      coefficients.add(new Coefficient("region=r" + i, i % 9 == 8 ? 0 : v));
    }
    List<Point> sample = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      double actual = 120_000 + random.nextGaussian() * 60_000 + Math.abs(random.nextGaussian()) * 20_000;
      double predicted = 0.85 * actual + 20_000 + random.nextGaussian() * 38_000;
      sample.add(new Point(actual, predicted));
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("rows read", 12_000);
    extra.put("rows trained on", 9_600);
    extra.put("holdout rows", 2_400);
    extra.put("features", List.of("sqft", "region", "age"));
    return new TrainingReport("house-prices", "elasticnet", "20261123-143133-233-7388", "2026-11-23T14:31:33.233Z",
        List.of(
            new MetricRow("model", metrics("rmse", 41_873.2, "mae", 30_511.9, "r2", 0.7312)),
            new MetricRow("training mean", metrics("rmse", 80_774.0, "mae", 64_100.4, "r2", -0.0002))),
        new Tuning("trainValidationSplit (0.8)", "rmse", List.of("regParam", "elasticNetParam"), grid,
            Map.of("regParam", 0.01, "elasticNetParam", 0.0)),
        coefficients, 21_400.0, new Regression(sample, null), null, null, extra);
  }

  /** A binary classifier: 1-param tuning with spread, confusion matrix, a smooth ROC curve. */
  static TrainingReport binary() {
    List<GridPoint> grid = new ArrayList<>();
    double[] regs = {0.0001, 0.001, 0.01, 0.1, 1};
    double[] aucs = {0.861, 0.874, 0.881, 0.869, 0.802};
    for (int i = 0; i < regs.length; i++) {
      grid.add(new GridPoint(Map.of("regParam", regs[i]), aucs[i], 0.004 + 0.002 * i));
    }
    List<RocPoint> roc = new ArrayList<>();
    for (int i = 1; i < 50; i++) {
      double fpr = i / 50.0;
      roc.add(new RocPoint(fpr, Math.pow(fpr, 0.28)));
    }
    return new TrainingReport("churn", "logistic", "20261124-020000-001-aaaa", "2026-11-24T02:00:00.001Z",
        List.of(
            new MetricRow("model", metrics("auc", 0.8812, "accuracy", 0.8593, "logLoss", 0.3571)),
            new MetricRow("base rate", metrics("auc", 0.5, "accuracy", 0.7611, "logLoss", 0.5497))),
        new Tuning("crossValidator (3 folds)", "auc", List.of("regParam"), grid, null),
        null, null, null, new Binary(412, 131, 1_873, 243, 0.5, roc, 0.8812), null, null);
  }

  /** ALS: 2-param tuning, predicted versus actual, half-star ratings, cold-start counts. */
  static TrainingReport als() {
    Random random = new Random(11);
    List<GridPoint> grid = new ArrayList<>();
    for (int rank : new int[] {5, 10, 20}) {
      for (double reg : new double[] {0.01, 0.05, 0.1, 0.5}) {
        double rmse = 0.62 + 0.04 * Math.abs(Math.log10(reg) + 1.2) + 0.01 * (rank == 20 ? 1 : 0)
            + random.nextDouble() * 0.01;
        grid.add(new GridPoint(Map.of("rank", rank, "regParam", reg), rmse, null));
      }
    }
    Map<Double, Long> ratings = new LinkedHashMap<>();
    long[] counts = {310, 420, 780, 1_500, 2_400, 4_100, 3_600, 2_200, 1_050, 640};
    for (int i = 0; i < counts.length; i++) {
      ratings.put(0.5 * (i + 1), counts[i]);
    }
    List<Point> sample = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      double actual = Math.max(0.5, Math.min(5, Math.round((3.4 + random.nextGaussian()) * 2) / 2.0));
      double predicted = Math.max(0.5, Math.min(5, 0.6 * actual + 1.35 + random.nextGaussian() * 0.55));
      sample.add(new Point(actual, predicted));
    }
    return new TrainingReport("ratings-als", "als", "20261123-143133-233-7388", "2026-11-23T14:31:33.233Z",
        List.of(
            new MetricRow("model", metrics("rmse", 0.6396, "mae", 0.5096, "r2", 0.4806)),
            new MetricRow("training mean", metrics("rmse", 0.8875, "mae", 0.7420, "r2", -0.0001))),
        new Tuning("grid", "rmse", List.of("rank", "regParam"), grid, null),
        null, null, new Regression(sample, null), null, new Als(ratings, 3_121, 142, 267, 9),
        Map.of("rows read", 15_920));
  }

  /** Only the required fields and a metrics table: every optional section absent. */
  static TrainingReport minimal() {
    return new TrainingReport("bare", "elasticnet", "v1", null,
        List.of(new MetricRow("model", metrics("rmse", Double.NaN))), null, null, null, null, null, null, null);
  }

  private static Map<String, Double> metrics(Object... nameValue) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], ((Number) nameValue[i + 1]).doubleValue());
    }
    return m;
  }
}
