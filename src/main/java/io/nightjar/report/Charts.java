package io.nightjar.report;

import io.nightjar.report.TrainingReport.Bin;
import io.nightjar.report.TrainingReport.Coefficient;
import io.nightjar.report.TrainingReport.GridPoint;
import io.nightjar.report.TrainingReport.Point;
import io.nightjar.report.TrainingReport.RocPoint;
import io.nightjar.report.TrainingReport.Tuning;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** The report's charts: JFreeChart draws each one, JFreeSVG records the drawing as an inline {@code <svg>} element. */
final class Charts {
  private Charts() {}

  static final int MAX_COEFFICIENTS = 30;
  static final int MAX_TUNING_BARS = 30;

  private static final String FONT = Font.SANS_SERIF;
  private static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
  private static final Color ORANGE = new Color(0xd6, 0x5f, 0x0e);
  private static final Color GREY = new Color(0x88, 0x88, 0x88);
  private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
  /** Viridis, sampled: perceptually even, readable in grey and by most colour-blind readers. */
  private static final Color[] VIRIDIS = {
    new Color(0x44, 0x01, 0x54), new Color(0x3b, 0x52, 0x8b), new Color(0x21, 0x91, 0x8c),
    new Color(0x5e, 0xc9, 0x62), new Color(0xfd, 0xe7, 0x25)};
  private static final Color[] BLUES = {new Color(0xf1, 0xf6, 0xfc), new Color(0x9e, 0xc5, 0xe6),
    new Color(0x31, 0x82, 0xbd), new Color(0x08, 0x45, 0x94)};

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static final StandardChartTheme THEME = theme();

  private static StandardChartTheme theme() {
    StandardChartTheme theme = new StandardChartTheme("nightjar", false);
    theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 16));
    theme.setLargeFont(new Font(FONT, Font.BOLD, 13));
    theme.setRegularFont(new Font(FONT, Font.PLAIN, 12));
    theme.setSmallFont(new Font(FONT, Font.PLAIN, 11));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setPlotOutlinePaint(GREY);
    theme.setDomainGridlinePaint(GRID);
    theme.setRangeGridlinePaint(GRID);
    theme.setAxisLabelPaint(Color.DARK_GRAY);
    theme.setTickLabelPaint(Color.DARK_GRAY);
    theme.setLegendBackgroundPaint(Color.WHITE);
    theme.setBarPainter(new StandardBarPainter());
    theme.setXYBarPainter(new StandardXYBarPainter());
    theme.setShadowVisible(false);
    theme.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    return theme;
  }

  /** Renders {@code chart} into a standalone {@code <svg>} element whose ids all start with {@code id}. */
  static String svg(JFreeChart chart, int width, int height, String id, String label) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setDefsKeyPrefix(id + "-");
    g.setGeomDoubleConverter(Charts::pixels);
    chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    String element = g.getSVGElement(id, true, new ViewBox(0, 0, width, height), null, null);
    int open = element.indexOf("<svg");
    if (open < 0) {
      throw new IllegalStateException("JFreeSVG produced no <svg> element for chart " + id);
    }
    return element.substring(0, open + 4) + " role=\"img\" aria-label=\"" + Text.escape(label) + "\""
        + element.substring(open + 4);
  }

  // ---------------------------------------------------------------- tuning

  /** Two params: a heat map of the score over the grid. One param: score (with its spread) against the value. */
  static JFreeChart tuning(Tuning tuning, Boolean higherIsBetter, Map<String, Object> best) {
    List<String> params = tuning.params();
    String metric = tuning.metric() == null ? "score" : tuning.metric();
    if (params.size() == 1) {
      return tuningLine(tuning, metric, params.get(0));
    }
    if (params.size() == 2) {
      return tuningHeatMap(tuning, metric, higherIsBetter, best);
    }
    return tuningBars(tuning, metric, higherIsBetter);
  }

  private static JFreeChart tuningLine(Tuning tuning, String metric, String param) {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    List<Object> values = Text.orderedValues(tuning.points(), param);
    for (Object value : values) {
      for (GridPoint point : tuning.points()) {
        if (Text.sameValue(point.params().get(param), value)) {
          data.add((Number) point.mean(), (Number) point.std(), metric, Text.value(value));
          break;
        }
      }
    }
    CategoryAxis x = new CategoryAxis(param);
    NumberAxis y = new NumberAxis(metric);
    y.setAutoRangeIncludesZero(false);
    StatisticalLineAndShapeRenderer renderer = new StatisticalLineAndShapeRenderer(true, true);
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, false);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setErrorIndicatorPaint(GREY);
    return chart;
  }

  private static JFreeChart tuningHeatMap(Tuning tuning, String metric, Boolean higherIsBetter,
      Map<String, Object> best) {
    String px = tuning.params().get(0);
    String py = tuning.params().get(1);
    List<Object> xs = Text.orderedValues(tuning.points(), px);
    List<Object> ys = Text.orderedValues(tuning.points(), py);
    int n = tuning.points().size();
    double[][] xyz = new double[3][n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      GridPoint point = tuning.points().get(i);
      xyz[0][i] = Text.indexOf(xs, point.params().get(px));
      xyz[1][i] = Text.indexOf(ys, point.params().get(py));
      xyz[2][i] = point.mean();
      if (Double.isFinite(point.mean())) {
        lo = Math.min(lo, point.mean());
        hi = Math.max(hi, point.mean());
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries(metric, xyz);
    GradientScale scale = new GradientScale(lo, hi, VIRIDIS, Boolean.FALSE.equals(higherIsBetter));
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    SymbolAxis x = new SymbolAxis(px, labels(xs));
    SymbolAxis y = new SymbolAxis(py, labels(ys));
    for (SymbolAxis axis : List.of(x, y)) {
      axis.setGridBandsVisible(false);
      axis.setLowerMargin(0);
      axis.setUpperMargin(0);
    }
    x.setRange(-0.5, xs.size() - 0.5);
    y.setRange(-0.5, ys.size() - 0.5);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, false); // before the annotations: the theme would repaint them
    for (int i = 0; i < n; i++) {
      GridPoint point = tuning.points().get(i);
      XYTextAnnotation label = new XYTextAnnotation(Text.score(point.mean()), xyz[0][i], xyz[1][i]);
      label.setFont(new Font(FONT, Font.PLAIN, 11));
      label.setPaint(readableOn(scale.getPaint(point.mean())));
      plot.addAnnotation(label);
      if (best != null && Text.sameParams(point.params(), best)) {
        XYShapeAnnotation frame = new XYShapeAnnotation(
            new Rectangle2D.Double(xyz[0][i] - 0.46, xyz[1][i] - 0.46, 0.92, 0.92), new BasicStroke(3f), ORANGE);
        plot.addAnnotation(frame);
      }
    }
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    NumberAxis legendAxis = new NumberAxis(metric);
    legendAxis.setRange(scale.getLowerBound(), scale.getUpperBound());
    rootTicks(legendAxis);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    legend.setMargin(new RectangleInsets(10, 10, 10, 10));
    legend.setStripWidth(14);
    legend.setSubdivisionCount(64);
    legend.setFrame(BlockBorder.NONE);
    chart.addSubtitle(legend);
    return chart;
  }

  /** More than two params: each grid point as a bar, best first (at most {@link #MAX_TUNING_BARS}). */
  private static JFreeChart tuningBars(Tuning tuning, String metric, Boolean higherIsBetter) {
    List<GridPoint> points = new ArrayList<>(tuning.points());
    Comparator<GridPoint> byMean = Comparator.comparingDouble(GridPoint::mean);
    points.sort(Boolean.FALSE.equals(higherIsBetter) ? byMean : byMean.reversed());
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (GridPoint point : points.subList(0, Math.min(points.size(), MAX_TUNING_BARS))) {
      data.addValue(point.mean(), metric, Text.params(point.params(), tuning.params()));
    }
    CategoryAxis x = new CategoryAxis("grid point");
    x.setMaximumCategoryLabelWidthRatio(0.45f);
    NumberAxis y = new NumberAxis(metric);
    y.setAutoRangeIncludesZero(false);
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    horizontal(plot);
    JFreeChart chart = chart(plot, false);
    renderer.setSeriesPaint(0, BLUE);
    return chart;
  }

  // ---------------------------------------------------------------- coefficients

  /** The largest coefficients by magnitude as horizontal bars, positive blue, negative orange. */
  static JFreeChart coefficients(List<Coefficient> top) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Coefficient c : top) {
      data.addValue(c.value(), "coefficient", c.name());
    }
    CategoryAxis x = new CategoryAxis("feature");
    x.setMaximumCategoryLabelWidthRatio(0.4f);
    NumberAxis y = new NumberAxis("coefficient");
    BarRenderer renderer = new BarRenderer() {
      @Override
      public Paint getItemPaint(int row, int column) {
        Number value = getPlot().getDataset().getValue(row, column);
        return value != null && value.doubleValue() < 0 ? ORANGE : BLUE;
      }
    };
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    horizontal(plot);
    JFreeChart chart = chart(plot, false);
    renderer.setMaximumBarWidth(0.8);
    plot.setRangeZeroBaselineVisible(true);
    plot.setRangeZeroBaselinePaint(Color.DARK_GRAY);
    return chart;
  }

  // ---------------------------------------------------------------- regression

  /** Each sampled holdout row at (actual, predicted), with the line y = x where a perfect model would put it. */
  static JFreeChart predictedVersusActual(List<Point> sample) {
    XYSeries rows = new XYSeries("holdout rows", false, true);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Point p : sample) {
      if (Double.isFinite(p.actual()) && Double.isFinite(p.predicted())) {
        rows.add(p.actual(), p.predicted());
        lo = Math.min(lo, Math.min(p.actual(), p.predicted()));
        hi = Math.max(hi, Math.max(p.actual(), p.predicted()));
      }
    }
    if (!(lo < hi)) {
      lo = Double.isFinite(lo) ? lo - 1 : 0;
      hi = lo + 2;
    }
    double pad = (hi - lo) * 0.03;
    XYSeries identity = new XYSeries("predicted = actual");
    identity.add(lo - pad, lo - pad);
    identity.add(hi + pad, hi + pad);
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(rows);
    data.addSeries(identity);
    NumberAxis x = new NumberAxis("actual");
    NumberAxis y = new NumberAxis("predicted");
    for (NumberAxis axis : List.of(x, y)) {
      axis.setRange(lo - pad, hi + pad);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, true);
    renderer.setDrawOutlines(false);
    renderer.setSeriesLinesVisible(0, false);
    renderer.setSeriesShapesVisible(0, true);
    renderer.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    renderer.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4, 90));
    renderer.setSeriesLinesVisible(1, true);
    renderer.setSeriesShapesVisible(1, false);
    renderer.setSeriesPaint(1, ORANGE);
    renderer.setSeriesStroke(1, dashed());
    return chart;
  }

  /** Rows per residual bin, with a vertical line at 0. */
  static JFreeChart residualHistogram(List<Bin> bins) {
    XYIntervalSeries series = new XYIntervalSeries("rows");
    for (Bin bin : bins) {
      series.add((bin.lower() + bin.upper()) / 2, bin.lower(), bin.upper(), bin.count(), 0, bin.count());
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(series);
    NumberAxis x = new NumberAxis("residual (actual \u2212 predicted)");
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis("rows");
    XYBarRenderer renderer = new XYBarRenderer();
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, false);
    rootIntegerTicks(y);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setDrawBarOutline(true);
    renderer.setSeriesOutlinePaint(0, Color.WHITE);
    renderer.setShadowVisible(false);
    double top = 0;
    for (Bin bin : bins) {
      top = Math.max(top, bin.count());
    }
    XYLineAnnotation zero = new XYLineAnnotation(0, 0, 0, top * 1.05, dashed(), ORANGE);
    plot.addAnnotation(zero);
    return chart;
  }

  // ---------------------------------------------------------------- binary

  /** The 2 x 2 confusion matrix: actual down, predicted across, each cell with its count and share of all rows. */
  static JFreeChart confusionMatrix(long tp, long fp, long tn, long fn) {
    long total = tp + fp + tn + fn;
    double[][] xyz = {{0, 1, 0, 1}, {0, 0, 1, 1}, {tn, fp, fn, tp}};
    String[] names = {"true negative", "false positive", "false negative", "true positive"};
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("rows", xyz);
    double max = Math.max(1, Math.max(Math.max(tp, fp), Math.max(tn, fn)));
    GradientScale scale = new GradientScale(0, max, BLUES, false);
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    String[] classes = {"0 (negative)", "1 (positive)"};
    SymbolAxis x = new SymbolAxis("predicted", classes);
    SymbolAxis y = new SymbolAxis("actual", classes);
    for (SymbolAxis axis : List.of(x, y)) {
      axis.setGridBandsVisible(false);
      axis.setRange(-0.5, 1.5);
    }
    y.setInverted(true);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, false); // before the annotations: the theme would repaint them
    for (int i = 0; i < 4; i++) {
      long count = (long) xyz[2][i];
      String share = total == 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100.0 * count / total);
      Paint ink = readableOn(scale.getPaint(count));
      XYTextAnnotation value = new XYTextAnnotation(Text.count(count) + share, xyz[0][i], xyz[1][i] + 0.06);
      value.setFont(new Font(FONT, Font.BOLD, 15));
      value.setPaint(ink);
      XYTextAnnotation name = new XYTextAnnotation(names[i], xyz[0][i], xyz[1][i] - 0.12);
      name.setFont(new Font(FONT, Font.PLAIN, 12));
      name.setPaint(ink);
      name.setTextAnchor(TextAnchor.CENTER);
      plot.addAnnotation(value);
      plot.addAnnotation(name);
    }
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    return chart;
  }

  /** The ROC curve and the diagonal of a random guess. */
  static JFreeChart roc(List<RocPoint> points, Double auc) {
    List<RocPoint> sorted = new ArrayList<>();
    for (RocPoint p : points) {
      if (Double.isFinite(p.fpr()) && Double.isFinite(p.tpr())) {
        sorted.add(p);
      }
    }
    sorted.sort(Comparator.comparingDouble(RocPoint::fpr).thenComparingDouble(RocPoint::tpr));
    if (sorted.isEmpty() || sorted.get(0).fpr() > 0 || sorted.get(0).tpr() > 0) {
      sorted.add(0, new RocPoint(0, 0));
    }
    RocPoint last = sorted.get(sorted.size() - 1);
    if (last.fpr() < 1 || last.tpr() < 1) {
      sorted.add(new RocPoint(1, 1));
    }
    String name = auc == null ? "model" : "model (AUC " + Text.score(auc) + ")";
    XYSeries curve = new XYSeries(name, false, true);
    for (RocPoint p : sorted) {
      curve.add(p.fpr(), p.tpr());
    }
    XYSeries chance = new XYSeries("random guess (AUC 0.5)");
    chance.add(0, 0);
    chance.add(1, 1);
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(curve);
    data.addSeries(chance);
    NumberAxis x = new NumberAxis("false positive rate");
    NumberAxis y = new NumberAxis("true positive rate");
    for (NumberAxis axis : List.of(x, y)) {
      axis.setRange(0, 1);
      axis.setTickUnit(new NumberTickUnit(0.1, new java.text.DecimalFormat("0.0",
          java.text.DecimalFormatSymbols.getInstance(Locale.ROOT))));
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, true);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setSeriesStroke(0, new BasicStroke(2.5f));
    renderer.setSeriesPaint(1, GREY);
    renderer.setSeriesStroke(1, dashed());
    return chart;
  }

  // ---------------------------------------------------------------- ALS

  /** Rows per rating value. */
  static JFreeChart ratings(Map<Double, Long> counts) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    counts.forEach((rating, count) -> data.addValue(count, "rows", Text.number(rating)));
    CategoryAxis x = new CategoryAxis("rating");
    if (counts.size() > 12) {
      x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    NumberAxis y = new NumberAxis("rows");
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    JFreeChart chart = chart(plot, false);
    rootIntegerTicks(y);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setMaximumBarWidth(0.08);
    return chart;
  }

  /** Share of holdout rows by what training knew of their user and item. */
  static JFreeChart coldStart(TrainingReport.Als als) {
    long total = als.holdoutRows();
    long[] counts = {als.warmRows(), als.userUnseenRows(), als.itemUnseenRows(), als.bothUnseenRows()};
    String[] names = {"user and item seen", "user unseen", "item unseen", "both unseen"};
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int i = 0; i < counts.length; i++) {
      data.addValue(total == 0 ? 0 : 100.0 * counts[i] / total, "share", names[i]);
    }
    CategoryAxis x = new CategoryAxis(null);
    NumberAxis y = new NumberAxis("% of holdout rows");
    y.setRange(0, 100);
    BarRenderer renderer = new BarRenderer() {
      @Override
      public Paint getItemPaint(int row, int column) {
        return column == 0 ? BLUE : ORANGE;
      }
    };
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    horizontal(plot);
    JFreeChart chart = chart(plot, false);
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator(
        "{2}%", new java.text.DecimalFormat("0.0", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT))));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
    renderer.setItemLabelAnchorOffset(4);
    renderer.setDefaultItemLabelFont(new Font(FONT, Font.PLAIN, 12));
    renderer.setDefaultItemLabelPaint(Color.DARK_GRAY);
    renderer.setMaximumBarWidth(0.12);
    return chart;
  }

  // ---------------------------------------------------------------- helpers

  /** Coordinates to a tenth of a pixel: a third of the size of JFreeSVG's full precision, and looks the same. */
  private static String pixels(double value) {
    double tenths = Math.rint(value * 10);
    if (!Double.isFinite(tenths) || Math.abs(tenths) > 1e15) {
      return Double.toString(value);
    }
    long t = (long) tenths;
    long whole = Math.abs(t) / 10;
    long frac = Math.abs(t) % 10;
    return (t < 0 ? "-" : "") + whole + (frac == 0 ? "" : "." + frac);
  }

  private static JFreeChart chart(org.jfree.chart.plot.Plot plot, boolean legend) {
    JFreeChart chart = new JFreeChart(null, THEME.getExtraLargeFont(), plot, legend);
    THEME.apply(chart);
    chart.setPadding(new RectangleInsets(6, 6, 6, 12));
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
      chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    }
    if (plot instanceof XYPlot xy) {
      rootTicks(xy.getDomainAxis());
      rootTicks(xy.getRangeAxis());
    } else if (plot instanceof CategoryPlot cat) {
      rootTicks(cat.getRangeAxis());
    }
    return chart;
  }

  /** Bars across, the value axis below them, little space above the first bar and below the last. */
  private static void horizontal(CategoryPlot plot) {
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    plot.getDomainAxis().setLowerMargin(0.01);
    plot.getDomainAxis().setUpperMargin(0.01);
  }

  /** Tick labels in {@link Locale#ROOT} (JFreeChart's default follows the JVM locale: 0,5 in Germany). */
  private static void rootTicks(ValueAxis axis) {
    if (axis instanceof NumberAxis number && !(axis instanceof SymbolAxis)) {
      number.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
      // Wider insets leave room between tick labels: the browser's sans-serif can be wider than Java's.
      number.setTickLabelInsets(new RectangleInsets(5, 8, 5, 8));
    }
  }

  private static void rootIntegerTicks(NumberAxis axis) {
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
  }

  private static BasicStroke dashed() {
    return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  private static String[] labels(List<Object> values) {
    return values.stream().map(Text::value).toArray(String[]::new);
  }

  /** Black or white, whichever reads better on {@code background}. */
  private static Color readableOn(Paint background) {
    if (background instanceof Color c) {
      double luminance = 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
      return luminance > 140 ? Color.BLACK : Color.WHITE;
    }
    return Color.BLACK;
  }

  /** A paint scale that interpolates between colour stops; {@code reversed} runs it from the top value down. */
  static final class GradientScale implements PaintScale, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double lower;
    private final double upper;
    private final Color[] stops;
    private final boolean reversed;

    GradientScale(double lower, double upper, Color[] stops, boolean reversed) {
      if (!Double.isFinite(lower) || !Double.isFinite(upper)) {
        lower = 0;
        upper = 1;
      }
      if (!(upper > lower)) {
        double pad = Math.max(Math.abs(lower) * 1e-3, 1e-9);
        lower -= pad;
        upper += pad;
      }
      this.lower = lower;
      this.upper = upper;
      this.stops = stops.clone();
      this.reversed = reversed;
    }

    @Override
    public double getLowerBound() {
      return lower;
    }

    @Override
    public double getUpperBound() {
      return upper;
    }

    @Override
    public Paint getPaint(double value) {
      if (!Double.isFinite(value)) {
        return Color.LIGHT_GRAY;
      }
      double t = Math.max(0, Math.min(1, (value - lower) / (upper - lower)));
      if (reversed) {
        t = 1 - t;
      }
      double pos = t * (stops.length - 1);
      int i = Math.min((int) Math.floor(pos), stops.length - 2);
      double f = pos - i;
      Color a = stops[i];
      Color b = stops[i + 1];
      return new Color(
          (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
          (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
          (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }
  }
}
