package io.nightjar.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nightjar.report.TrainingReport.Bin;
import io.nightjar.report.TrainingReport.Coefficient;
import io.nightjar.report.TrainingReport.GridPoint;
import io.nightjar.report.TrainingReport.MetricRow;
import io.nightjar.report.TrainingReport.Point;
import io.nightjar.report.TrainingReport.Tuning;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.JFreeChart;

/**
 * Writes a {@link TrainingReport} as {@code metrics.json} (the report's data as JSON) and {@code report.html}: one
 * self-contained page (inline CSS and SVG charts, nothing fetched from the network) that is also well-formed XML.
 *
 * <p>Charts are drawn with JFreeChart into JFreeSVG in headless AWT: {@code java.awt.headless} is set to {@code true}
 * when this class loads unless it was already set. A chart that cannot be drawn (for example on a host whose JVM has no
 * fonts) becomes a one-line note in its place; the rest of the report is still written.
 */
public final class ReportWriter {
  /** The file names {@link #write} uses. */
  public static final String METRICS_FILE = "metrics.json";
  public static final String REPORT_FILE = "report.html";

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Metric names (lower case) whose lower value is better. */
  private static final Set<String> LOWER_IS_BETTER = Set.of("rmse", "mae", "mse", "logloss", "log_loss", "brier");
  /** Metric names (lower case) whose higher value is better. */
  private static final Set<String> HIGHER_IS_BETTER = Set.of("r2", "auc", "areaunderroc", "areaunderpr", "accuracy",
      "precision", "recall", "f1", "weightedprecision", "weightedrecall", "ndcg", "map");

  private static final int REGRESSION_SAMPLE_LIMIT = 2_000;

  private ReportWriter() {}

  /** Whether a higher value of {@code metric} is better: {@code null} when the report does not know the metric. */
  public static Boolean higherIsBetter(String metric) {
    if (metric == null) {
      return null;
    }
    String key = metric.toLowerCase(Locale.ROOT);
    if (LOWER_IS_BETTER.contains(key)) {
      return Boolean.FALSE;
    }
    return HIGHER_IS_BETTER.contains(key) ? Boolean.TRUE : null;
  }

  /** The report's data as pretty-printed JSON: the content of {@code metrics.json}. */
  public static String metricsJson(TrainingReport report) {
    try {
      return JSON.writeValueAsString(report) + "\n";
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write the training report of job " + report.job() + " as JSON: "
          + e.getMessage() + "; every value in 'extra' must be a string, number, boolean, list or map", e);
    }
  }

  /** Reads {@code metrics.json} back (fields unknown to this release are ignored). */
  public static TrainingReport readMetricsJson(String json) throws IOException {
    return JSON.readValue(json, TrainingReport.class);
  }

  /**
   * Writes {@code metrics.json} and {@code report.html} into {@code dir} (created if missing). Neither file may exist
   * yet: a model version's report is written once.
   *
   * @return the paths written, metrics first
   * @throws IOException when a file exists already (the message names it) or the file system fails
   */
  public static List<Path> write(TrainingReport report, FileSystem fs, Path dir) throws IOException {
    String json = metricsJson(report);
    String html = html(report);
    fs.mkdirs(dir);
    Path metrics = new Path(dir, METRICS_FILE);
    Path page = new Path(dir, REPORT_FILE);
    writeNew(fs, metrics, json);
    writeNew(fs, page, html);
    return List.of(metrics, page);
  }

  private static void writeNew(FileSystem fs, Path path, String content) throws IOException {
    if (fs.exists(path)) {
      throw new FileAlreadyExistsException("the training report file " + fs.makeQualified(path)
          + " exists already; a version's report is written once: train a new version instead");
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The report page: {@code <!DOCTYPE html>} then an XHTML document, with inline CSS and SVG only. */
  public static String html(TrainingReport report) {
    return new Page(report).render();
  }

  /** Builds one page; chart ids are numbered in page order so every SVG id is unique on the page. */
  private static final class Page {
    private final TrainingReport report;
    private final StringBuilder out = new StringBuilder(64 * 1024);
    private int charts;

    Page(TrainingReport report) {
      this.report = report;
    }

    String render() {
      String title = "Training report: " + nz(report.job()) + " " + nz(report.version());
      out.append("<!DOCTYPE html>\n");
      out.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n");
      out.append("<meta charset=\"utf-8\"/>\n");
      out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
      out.append("<title>").append(Text.escape(title)).append("</title>\n");
      out.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
      out.append("<header>\n<h1>").append(Text.escape(nz(report.job())));
      if (report.kind() != null) {
        out.append(" <span class=\"kind\">").append(Text.escape(report.kind())).append("</span>");
      }
      out.append("</h1>\n<p class=\"meta\">model version <code>").append(Text.escape(nz(report.version())))
          .append("</code>");
      if (report.createdAt() != null) {
        out.append(", trained at ").append(Text.escape(report.createdAt()));
      }
      out.append("</p>\n</header>\n");
      metrics();
      tuning();
      coefficients();
      regression();
      binary();
      als();
      extra();
      out.append("<footer>Written by Nightjar. This page is self-contained: it needs no network to view.</footer>\n");
      out.append("</body>\n</html>\n");
      return out.toString();
    }

    // ------------------------------------------------------------ sections

    private void metrics() {
      List<MetricRow> rows = report.metrics();
      section("metrics", "Holdout metrics");
      if (rows.isEmpty()) {
        out.append("<p class=\"note\">No metrics were recorded for this version.</p>\n");
        out.append("</section>\n");
        return;
      }
      Set<String> names = new LinkedHashSet<>();
      rows.forEach(r -> names.addAll(r.values().keySet()));
      out.append("<table class=\"metrics\">\n<thead><tr><th scope=\"col\">model</th>");
      for (String name : names) {
        Boolean higher = higherIsBetter(name);
        out.append("<th scope=\"col\">").append(Text.escape(name));
        if (higher != null) {
          out.append(" <span class=\"dir\">").append(higher ? "higher is better" : "lower is better").append("</span>");
        }
        out.append("</th>");
      }
      out.append("</tr></thead>\n<tbody>\n");
      Map<String, Double> best = new LinkedHashMap<>();
      for (String name : names) {
        Boolean higher = higherIsBetter(name);
        if (higher == null || rows.size() < 2) {
          continue;
        }
        rows.stream().map(r -> r.values().get(name)).filter(v -> v != null && !v.isNaN())
            .reduce(higher ? Math::max : Math::min).ifPresent(v -> best.put(name, v));
      }
      for (int i = 0; i < rows.size(); i++) {
        MetricRow row = rows.get(i);
        out.append(i == 0 ? "<tr class=\"model\">" : "<tr class=\"reference\">");
        out.append("<th scope=\"row\">").append(Text.escape(nz(row.model())));
        out.append(i == 0 ? " <span class=\"role\">trained model</span>" : " <span class=\"role\">reference</span>");
        out.append("</th>");
        for (String name : names) {
          Double v = row.values().get(name);
          boolean isBest = v != null && best.containsKey(name) && Double.compare(v, best.get(name)) == 0;
          out.append(isBest ? "<td class=\"num best\">" : "<td class=\"num\">");
          out.append(v == null ? "" : Text.escape(Text.score(v)));
          if (isBest) {
            out.append(" <span class=\"mark\" title=\"best value\">\u2713 best</span>");
          }
          out.append("</td>");
        }
        out.append("</tr>\n");
      }
      MetricRow model = rows.get(0);
      for (MetricRow reference : rows.subList(1, rows.size())) {
        out.append("<tr class=\"change\"><th scope=\"row\">model vs ").append(Text.escape(nz(reference.model())))
            .append("</th>");
        for (String name : names) {
          out.append("<td class=\"num\">").append(Text.escape(change(name, model.values().get(name),
              reference.values().get(name)))).append("</td>");
        }
        out.append("</tr>\n");
      }
      out.append("</tbody>\n</table>\n");
      out.append("<p class=\"caption\">Every model is scored on the same seeded holdout. The first row is the trained "
          + "model; the others are references it should beat. \u2713 marks the best value of each metric whose "
          + "direction is known.</p>\n");
      out.append("</section>\n");
    }

    private void tuning() {
      Tuning tuning = report.tuning();
      if (tuning == null) {
        return;
      }
      section("tuning", "Tuning");
      String metric = tuning.metric() == null ? "score" : tuning.metric();
      Boolean higher = higherIsBetter(metric);
      Map<String, Object> best = tuning.best() != null ? tuning.best() : bestPoint(tuning, higher);
      out.append("<p>").append(Text.escape(tuning.method() == null ? "search" : tuning.method()))
          .append(" over ").append(tuning.points().size()).append(" grid point(s) of ")
          .append(Text.escape(tuning.params().isEmpty() ? "no params" : String.join(", ", tuning.params())))
          .append(", chosen by ").append(Text.escape(metric));
      if (higher != null) {
        out.append(" (").append(higher ? "higher" : "lower").append(" is better)");
      }
      if (best != null) {
        out.append(". Chosen: <strong>").append(Text.escape(Text.params(best, paramNames(tuning, best))))
            .append("</strong>");
      }
      out.append(".</p>\n");
      if (!tuning.points().isEmpty() && !tuning.params().isEmpty()) {
        int size = tuning.params().size();
        String caption = switch (size) {
          case 1 -> "The validation " + metric + " for each value of " + tuning.params().get(0)
              + "; whiskers show \u00b1 one standard deviation over folds where there are several.";
          case 2 -> "The validation " + metric + " over the grid of " + tuning.params().get(0) + " and "
              + tuning.params().get(1) + ". Brighter cells are better; the orange frame marks the chosen point.";
          default -> "The validation " + metric + " of each grid point, best first"
              + (tuning.points().size() > Charts.MAX_TUNING_BARS ? " (the best " + Charts.MAX_TUNING_BARS + " of "
              + tuning.points().size() + ")" : "") + ".";
        };
        int height = size == 2 ? 120 + 48 * Text.orderedValues(tuning.points(), tuning.params().get(1)).size()
            : size == 1 ? 380 : 110 + 22 * Math.min(tuning.points().size(), Charts.MAX_TUNING_BARS);
        figure("tuning grid", () -> Charts.tuning(tuning, higher, best), 820, Math.max(300, height), caption);
      }
      if (!tuning.points().isEmpty()) {
        gridTable(tuning, metric, higher, best);
      }
      out.append("</section>\n");
    }

    private void gridTable(Tuning tuning, String metric, Boolean higher, Map<String, Object> best) {
      List<GridPoint> points = new ArrayList<>(tuning.points());
      Comparator<GridPoint> byMean = Comparator.comparingDouble(GridPoint::mean);
      points.sort(Boolean.FALSE.equals(higher) ? byMean : byMean.reversed());
      boolean anyStd = points.stream().anyMatch(p -> p.std() != null);
      out.append("<details>\n<summary>All ").append(points.size()).append(" grid points</summary>\n");
      out.append("<table class=\"grid\">\n<thead><tr>");
      for (String param : tuning.params()) {
        out.append("<th scope=\"col\">").append(Text.escape(param)).append("</th>");
      }
      out.append("<th scope=\"col\">").append(Text.escape(metric)).append("</th>");
      if (anyStd) {
        out.append("<th scope=\"col\">std</th>");
      }
      out.append("</tr></thead>\n<tbody>\n");
      for (GridPoint p : points) {
        boolean chosen = best != null && Text.sameParams(p.params(), best);
        out.append(chosen ? "<tr class=\"best\">" : "<tr>");
        for (String param : tuning.params()) {
          out.append("<td class=\"num\">").append(Text.escape(Text.value(p.params().get(param)))).append("</td>");
        }
        out.append("<td class=\"num\">").append(Text.escape(Text.score(p.mean())));
        if (chosen) {
          out.append(" <span class=\"mark\">\u2713 chosen</span>");
        }
        out.append("</td>");
        if (anyStd) {
          out.append("<td class=\"num\">").append(p.std() == null ? "" : Text.escape(Text.score(p.std())))
              .append("</td>");
        }
        out.append("</tr>\n");
      }
      out.append("</tbody>\n</table>\n</details>\n");
    }

    private void coefficients() {
      List<Coefficient> all = report.coefficients();
      if (all == null) {
        return;
      }
      section("coefficients", "Coefficients");
      if (all.isEmpty()) {
        out.append("<p class=\"note\">The model has no coefficients.</p>\n");
      } else {
        List<Coefficient> top = new ArrayList<>(all);
        top.sort(Comparator.comparingDouble((Coefficient c) -> Math.abs(c.value())).reversed());
        top = top.subList(0, Math.min(top.size(), Charts.MAX_COEFFICIENTS));
        List<Coefficient> shown = List.copyOf(top);
        long zeros = all.stream().filter(c -> c.value() == 0).count();
        String caption = (all.size() > shown.size()
            ? "The " + shown.size() + " largest of " + all.size() + " coefficients by magnitude"
            : "All " + all.size() + " coefficients, largest magnitude first")
            + "; blue raises the prediction, orange lowers it. " + zeros + " of " + all.size()
            + " are exactly zero"
            + (report.intercept() == null ? "." : "; the intercept is " + Text.score(report.intercept()) + ".")
            + " Coefficients apply to the features as the pipeline scaled them.";
        figure("coefficients", () -> Charts.coefficients(shown), 820, 110 + 24 * shown.size(), caption);
      }
      out.append("</section>\n");
    }

    private void regression() {
      TrainingReport.Regression regression = report.regression();
      if (regression == null) {
        return;
      }
      section("regression", "Predictions on the holdout");
      List<Point> sample = regression.sample();
      if (sample.size() > REGRESSION_SAMPLE_LIMIT) {
        sample = sample.subList(0, REGRESSION_SAMPLE_LIMIT);
      }
      List<Point> points = sample;
      if (points.isEmpty()) {
        out.append("<p class=\"note\">No holdout rows were sampled.</p>\n");
      } else {
        figure("predicted versus actual", () -> Charts.predictedVersusActual(points), 600, 560,
            "Predicted against actual for " + Text.count(points.size()) + " sampled holdout row(s). Points on the "
                + "dashed line are exact; above it the model predicts too high, below it too low.");
      }
      List<Bin> bins = regression.residuals() != null ? regression.residuals() : binResiduals(points);
      if (!bins.isEmpty()) {
        long rows = bins.stream().mapToLong(Bin::count).sum();
        figure("residual histogram", () -> Charts.residualHistogram(bins), 600, 400,
            "Residuals (actual \u2212 predicted) of " + Text.count(rows) + " holdout row(s)"
                + (regression.residuals() == null ? " (the sample above)" : "")
                + ". A good model centres them on 0 (dashed line).");
      }
      out.append("</section>\n");
    }

    private void binary() {
      TrainingReport.Binary b = report.binary();
      if (b == null) {
        return;
      }
      section("binary", "Classification on the holdout");
      long tp = b.truePositives();
      long fp = b.falsePositives();
      long tn = b.trueNegatives();
      long fn = b.falseNegatives();
      long total = tp + fp + tn + fn;
      String rates = String.format(Locale.ROOT,
          "accuracy %s, precision %s, recall %s", Text.score(ratio(tp + tn, total)), Text.score(ratio(tp, tp + fp)),
          Text.score(ratio(tp, tp + fn)));
      figure("confusion matrix", () -> Charts.confusionMatrix(tp, fp, tn, fn), 560, 440,
          "Holdout rows by actual class (down) and predicted class (across) at threshold "
              + Text.number(b.threshold()) + ": " + rates + " over " + Text.count(total) + " row(s).");
      figure("ROC curve", () -> Charts.roc(b.roc(), b.auc()), 560, 520,
          "True against false positive rate over every threshold"
              + (b.auc() == null ? "" : "; the area under the curve is " + Text.score(b.auc()))
              + ". The dashed diagonal is a random guess.");
      out.append("</section>\n");
    }

    private void als() {
      TrainingReport.Als als = report.als();
      if (als == null) {
        return;
      }
      section("als", "Ratings and cold start");
      if (!als.ratingCounts().isEmpty()) {
        long rows = als.ratingCounts().values().stream().mapToLong(Long::longValue).sum();
        figure("rating distribution", () -> Charts.ratings(als.ratingCounts()), 700, 380,
            "Rows by rating in the data trained on (" + Text.count(rows) + " row(s)).");
      }
      figure("cold-start share", () -> Charts.coldStart(als), 700, 260,
          "What training knew of each holdout row's user and item. Rows with an unseen user or item are scored by "
              + "the bias baseline alone.");
      long total = als.holdoutRows();
      out.append("<table class=\"cold\">\n<thead><tr><th scope=\"col\">holdout rows</th><th scope=\"col\">rows</th>"
          + "<th scope=\"col\">share</th></tr></thead>\n<tbody>\n");
      coldRow("user and item seen", als.warmRows(), total);
      coldRow("user unseen (item seen)", als.userUnseenRows(), total);
      coldRow("item unseen (user seen)", als.itemUnseenRows(), total);
      coldRow("both unseen", als.bothUnseenRows(), total);
      coldRow("all", total, total);
      out.append("</tbody>\n</table>\n");
      out.append("</section>\n");
    }

    private void coldRow(String name, long rows, long total) {
      out.append("<tr><th scope=\"row\">").append(Text.escape(name)).append("</th><td class=\"num\">")
          .append(Text.count(rows)).append("</td><td class=\"num\">")
          .append(total == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * rows / total))
          .append("</td></tr>\n");
    }

    private void extra() {
      if (report.extra().isEmpty()) {
        return;
      }
      section("details", "Details");
      out.append("<table class=\"extra\">\n<tbody>\n");
      report.extra().forEach((key, value) -> out.append("<tr><th scope=\"row\">").append(Text.escape(key))
          .append("</th><td>").append(Text.escape(show(value))).append("</td></tr>\n"));
      out.append("</tbody>\n</table>\n</section>\n");
    }

    // ------------------------------------------------------------ pieces

    private void section(String id, String heading) {
      out.append("<section id=\"").append(id).append("\">\n<h2>").append(Text.escape(heading)).append("</h2>\n");
    }

    /** One chart in a figure with its caption; a chart that fails to draw becomes a note saying why. */
    private void figure(String label, Supplier<JFreeChart> chart, int width, int height, String caption) {
      String id = "nj-chart-" + (++charts);
      out.append("<figure class=\"chart\" id=\"").append(id).append("-figure\">\n");
      try {
        out.append(Charts.svg(chart.get(), width, height, id, label)).append('\n');
      } catch (RuntimeException | LinkageError | InternalError e) {
        // AWT without fonts (a stripped JVM, a missing fontconfig) fails with errors, not exceptions.
        out.append("<p class=\"chart-error\">The ").append(Text.escape(label)).append(" chart could not be drawn: ")
            .append(Text.escape(e.getClass().getSimpleName() + ": " + e.getMessage()))
            .append(". The JVM needs fonts for charts (on Debian: apt-get install fontconfig fonts-dejavu-core).</p>\n");
      }
      out.append("<figcaption>").append(Text.escape(caption)).append("</figcaption>\n</figure>\n");
    }
  }

  // -------------------------------------------------------------- helpers

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** How the model compares with a reference on one metric, in words a reader can check against the table. */
  static String change(String metric, Double model, Double reference) {
    if (model == null || reference == null || model.isNaN() || reference.isNaN()) {
      return "";
    }
    Boolean higher = higherIsBetter(metric);
    double diff = model - reference;
    String verdict = higher == null || diff == 0 ? "" : (diff > 0) == higher ? " (better)" : " (worse)";
    if (Boolean.FALSE.equals(higher) && reference != 0) {
      double pct = 100 * Math.abs(diff) / Math.abs(reference);
      return String.format(Locale.ROOT, "%.1f%% %s%s", pct, diff <= 0 ? "lower" : "higher", verdict);
    }
    return (diff >= 0 ? "+" : "\u2212") + Text.score(Math.abs(diff)) + verdict;
  }

  /** The grid point with the best mean, as its params; {@code null} when the direction is unknown. */
  private static Map<String, Object> bestPoint(Tuning tuning, Boolean higher) {
    if (higher == null || tuning.points().isEmpty()) {
      return null;
    }
    Comparator<GridPoint> byMean = Comparator.comparingDouble(GridPoint::mean);
    GridPoint best = tuning.points().stream().filter(p -> !Double.isNaN(p.mean()))
        .max(higher ? byMean : byMean.reversed()).orElse(null);
    return best == null ? null : best.params();
  }

  private static List<String> paramNames(Tuning tuning, Map<String, Object> best) {
    List<String> names = new ArrayList<>(tuning.params());
    best.keySet().stream().filter(k -> !names.contains(k)).forEach(names::add);
    return names;
  }

  /** Equal-width bins over the sample's residuals: about the square root of the row count, 5 to 30 bins. */
  static List<Bin> binResiduals(List<Point> sample) {
    double[] r = sample.stream().mapToDouble(p -> p.actual() - p.predicted()).filter(Double::isFinite).toArray();
    if (r.length == 0) {
      return List.of();
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : r) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) {
      return List.of(new Bin(lo - 0.5, lo + 0.5, r.length));
    }
    int n = (int) Math.max(5, Math.min(30, Math.ceil(Math.sqrt(r.length))));
    long[] counts = new long[n];
    double width = (hi - lo) / n;
    for (double v : r) {
      counts[Math.min(n - 1, (int) ((v - lo) / width))]++;
    }
    List<Bin> bins = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      bins.add(new Bin(lo + i * width, i == n - 1 ? hi : lo + (i + 1) * width, counts[i]));
    }
    return bins;
  }

  private static String show(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Long || value instanceof Integer) {
      return Text.count(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return Text.number(((Number) value).doubleValue());
    }
    if (value instanceof Map || value instanceof List || value.getClass().isArray()) {
      try {
        return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
      } catch (IOException e) {
        return String.valueOf(value);
      }
    }
    return String.valueOf(value);
  }

  private static final String CSS = """
      :root { color-scheme: light; }
      body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #222;
        background: #fafafa; margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; line-height: 1.45; }
      h1 { font-size: 1.7em; margin: 0 0 4px; word-break: break-all; }
      h1 .kind { font-size: 0.55em; font-weight: 600; color: #fff; background: #1f77b4; border-radius: 4px;
        padding: 2px 8px; vertical-align: middle; }
      h2 { font-size: 1.25em; border-bottom: 2px solid #1f77b4; padding-bottom: 4px; margin-top: 0; }
      .meta { color: #555; margin: 0 0 24px; }
      section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 16px 20px;
        margin: 0 0 20px; }
      table { border-collapse: collapse; margin: 8px 0; font-size: 0.95em; }
      th, td { border: 1px solid #ddd; padding: 5px 10px; text-align: left; vertical-align: top; }
      thead th { background: #f0f4f8; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      td.best { background: #e6f4ea; font-weight: 700; }
      tr.best td { background: #fff4e5; }
      tr.change th, tr.change td { color: #555; font-style: italic; }
      .dir, .role { display: block; font-size: 0.75em; font-weight: 400; color: #777; }
      .mark { color: #1e7e34; font-size: 0.85em; }
      figure.chart { margin: 12px 0 20px; }
      figure.chart svg { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
      figcaption, .caption { color: #555; font-size: 0.9em; margin-top: 6px; max-width: 820px; }
      .note { color: #777; font-style: italic; }
      .chart-error { color: #a00; border: 1px dashed #a00; padding: 8px; }
      details summary { cursor: pointer; color: #1f77b4; margin: 8px 0; }
      footer { color: #888; font-size: 0.85em; text-align: center; margin-top: 24px; }
      """;
}
