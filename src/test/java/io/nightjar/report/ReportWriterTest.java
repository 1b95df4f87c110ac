package io.nightjar.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.report.TrainingReport.Bin;
import io.nightjar.report.TrainingReport.GridPoint;
import io.nightjar.report.TrainingReport.MetricRow;
import io.nightjar.report.TrainingReport.Point;
import io.nightjar.report.TrainingReport.Tuning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportWriterTest {
  private static final String XHTML = "http://www.w3.org/1999/xhtml";
  private static final String SVG = "http://www.w3.org/2000/svg";

  private static String regression;
  private static String binary;
  private static String als;
  private static String minimal;

  @BeforeAll
  static void render() {
    regression = ReportWriter.html(SampleReports.regression());
    binary = ReportWriter.html(SampleReports.binary());
    als = ReportWriter.html(SampleReports.als());
    minimal = ReportWriter.html(SampleReports.minimal());
  }

  @Test
  void eachKindParsesAsXmlWithOneSvgPerChart() throws Exception {
    // regression: tuning heat map, coefficients, predicted vs actual, residuals
    assertCharts(regression, 4, "tuning", "coefficients", "regression");
    // binary: tuning line, confusion matrix, ROC
    assertCharts(binary, 3, "tuning", "binary");
    // ALS: tuning heat map, predicted vs actual, residuals, rating distribution, cold-start share
    assertCharts(als, 5, "tuning", "regression", "als");
  }

  private static void assertCharts(String html, int charts, String... sections) throws Exception {
    assertTrue(html.startsWith("<!DOCTYPE html>\n<html xmlns=\"" + XHTML + "\""), html.substring(0, 80));
    Document doc = parse(html);
    NodeList svgs = doc.getElementsByTagNameNS(SVG, "svg");
    assertEquals(charts, svgs.getLength(), "inline <svg> charts");
    assertEquals(charts, countOccurrences(html, "<svg"), "<svg in the text");
    assertEquals(charts, doc.getElementsByTagNameNS(XHTML, "figcaption").getLength(), "a caption per chart");
    assertFalse(html.contains("class=\"chart-error\""), "a chart failed to draw");
    for (int i = 0; i < svgs.getLength(); i++) {
      Element svg = (Element) svgs.item(i);
      assertFalse(svg.getAttribute("aria-label").isEmpty(), "every chart is labelled");
      assertTrue(svg.getElementsByTagNameNS(SVG, "text").getLength() >= 3,
          "axis labels and ticks are text: " + svg.getAttribute("aria-label"));
    }
    for (String section : sections) {
      assertEquals(1, count(doc, "//*[local-name()='section'][@id='" + section + "']"), "section " + section);
    }
    assertUniqueIds(doc);
  }

  @Test
  void nothingIsFetchedFromTheNetwork() {
    for (String html : List.of(regression, binary, als, minimal)) {
      String withoutNamespaces = html.replaceAll("xmlns(:[A-Za-z0-9_-]+)?=(\"[^\"]*\"|'[^']*')", "");
      assertFalse(withoutNamespaces.contains("http://"), "an http:// reference");
      assertFalse(withoutNamespaces.contains("https://"), "an https:// reference");
      assertFalse(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "src/href");
      assertFalse(html.contains("<script"), "no script");
      assertFalse(html.contains("<link"), "no stylesheet link");
    }
  }

  @Test
  void markupInNamesIsEscaped() throws Exception {
    TrainingReport base = SampleReports.regression();
    TrainingReport odd = new TrainingReport("job <&> \"q\" 'a'\u0001", base.kind(), "v<1>", base.createdAt(),
        List.of(new MetricRow("m<&>", Map.of("rmse", 1.0)), new MetricRow("ref", Map.of("rmse", 2.0))),
        null, base.coefficients(), base.intercept(), null, null, null, Map.of("k<&>", "v<&>"));
    String html = ReportWriter.html(odd);
    Document doc = parse(html);
    String title = doc.getElementsByTagNameNS(XHTML, "title").item(0).getTextContent();
    assertEquals("Training report: job <&> \"q\" 'a'\uFFFD v<1>", title);
    assertFalse(html.contains("<&>"), "raw markup characters in the page");
    assertTrue(html.contains("job &lt;&amp;&gt; &quot;q&quot; &#39;a&#39;"), "escaped job name");
    // the coefficient named <&> odd "name" is drawn by JFreeSVG, which escapes it as well
    String svgText = doc.getElementsByTagNameNS(SVG, "svg").item(0).getTextContent();
    assertTrue(svgText.contains("<&> odd \"name\""), "coefficient label in the chart");
    assertEquals(1, count(doc, "//*[local-name()='th'][.='k<&>']"));
  }

  @Test
  void metricsTableMarksTheBetterValueAndComparesWithTheReference() throws Exception {
    Document doc = parse(regression);
    // the model beats the training mean on rmse, mae (lower) and r2 (higher): three marks, all in the model row
    assertEquals(3, count(doc, "//*[local-name()='td'][contains(@class,'best')]"));
    assertEquals(3, count(doc, "//*[local-name()='tr'][@class='model']/*[local-name()='td'][contains(@class,'best')]"));
    // (80774.0 - 41873.2) / 80774.0 = 48.16 %; r2 0.7312 - (-0.0002) = 0.7314
    String change = text(doc, "//*[local-name()='tr'][@class='change']");
    assertTrue(change.contains("48.2% lower (better)"), change);
    assertTrue(change.contains("+0.7314 (better)"), change);

    Document b = parse(binary);
    // logLoss is lower-is-better: the model's 0.3571 beats the base rate's 0.5497
    String logLoss = text(b, "//*[local-name()='tr'][@class='model']/*[local-name()='td'][3]");
    assertTrue(logLoss.startsWith("0.3571") && logLoss.contains("best"), logLoss);
    assertEquals(3, count(b, "//*[local-name()='td'][contains(@class,'best')]"));
  }

  @Test
  void changeWordsTheDifference() {
    assertEquals("25.0% lower (better)", ReportWriter.change("rmse", 0.75, 1.0));
    assertEquals("50.0% higher (worse)", ReportWriter.change("MAE", 3.0, 2.0));
    assertEquals("\u22120.1000 (worse)", ReportWriter.change("auc", 0.6, 0.7));
    assertEquals("+0.5000", ReportWriter.change("custom", 1.5, 1.0));
    assertEquals("", ReportWriter.change("rmse", Double.NaN, 1.0));
  }

  @Test
  void reportWithEveryOptionalSectionAbsentStillRenders() throws Exception {
    Document doc = parse(minimal);
    assertEquals(0, doc.getElementsByTagNameNS(SVG, "svg").getLength());
    assertEquals(1, count(doc, "//*[local-name()='section']"), "only the metrics section");
    assertEquals("n/a", text(doc, "//*[local-name()='tr'][@class='model']/*[local-name()='td'][1]"));

    TrainingReport empty = new TrainingReport(null, null, null, null, null, null, null, null, null, null, null, null);
    Document none = parse(ReportWriter.html(empty));
    assertTrue(text(none, "//*[local-name()='section'][@id='metrics']").contains("No metrics were recorded"));
  }

  @Test
  void metricsJsonRoundTrips() throws Exception {
    for (TrainingReport report : List.of(SampleReports.regression(), SampleReports.binary(), SampleReports.als(),
        SampleReports.minimal())) {
      String json = ReportWriter.metricsJson(report);
      assertEquals(report, ReportWriter.readMetricsJson(json), report.job());
    }
    JsonNode tree = new ObjectMapper().readTree(ReportWriter.metricsJson(SampleReports.regression()));
    assertEquals(41_873.2, tree.at("/metrics/0/values/rmse").asDouble());
    assertEquals("training mean", tree.at("/metrics/1/model").asText());
    assertEquals(12, tree.at("/tuning/points").size());
    assertEquals(40, tree.at("/coefficients").size());
    assertFalse(tree.has("binary"), "absent sections are left out");
    assertFalse(tree.has("als"));
    JsonNode alsTree = new ObjectMapper().readTree(ReportWriter.metricsJson(SampleReports.als()));
    assertEquals(4_100, alsTree.at("/als/ratingCounts/3.0").asLong());
    assertEquals(142, alsTree.at("/als/userUnseenRows").asLong());
    // a field from a later release is ignored, not an error
    TrainingReport later = ReportWriter.readMetricsJson("{\"job\":\"j\",\"newField\":1}");
    assertEquals("j", later.job());
  }

  @Test
  void numbersUseTheRootLocaleWhateverTheJvmDefault() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      String html = ReportWriter.html(SampleReports.regression());
      assertTrue(html.contains("41,873.2"), "metric in the table");
      assertFalse(html.contains("41.873,2"));
      assertTrue(html.contains(">100,000<"), "axis tick of predicted vs actual");
      assertFalse(html.contains(">100.000<"));
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void tuningWithMoreThanTwoParamsIsBarsBestFirst() throws Exception {
    List<GridPoint> points = new ArrayList<>();
    points.add(new GridPoint(Map.of("a", 1, "b", 2, "c", "x"), 0.30, null));
    points.add(new GridPoint(Map.of("a", 1, "b", 3, "c", "y"), 0.10, null));
    points.add(new GridPoint(Map.of("a", 2, "b", 2, "c", "x"), 0.20, null));
    TrainingReport report = new TrainingReport("t", "elasticnet", "v", null, List.of(),
        new Tuning("grid", "rmse", List.of("a", "b", "c"), points, null), null, null, null, null, null, null);
    String html = ReportWriter.html(report);
    Document doc = parse(html);
    assertEquals(1, doc.getElementsByTagNameNS(SVG, "svg").getLength());
    // rmse is lower-is-better, so the report picks a=1, b=3, c=y and lists it first
    assertTrue(text(doc, "//*[local-name()='section'][@id='tuning']/*[local-name()='p'][1]")
        .contains("Chosen: a=1, b=3, c=y"));
    String firstRow = text(doc, "//*[local-name()='table'][@class='grid']//*[local-name()='tr'][@class='best']");
    assertTrue(firstRow.contains("0.1000") && firstRow.contains("chosen"), firstRow);
    assertEquals(1, count(doc, "//*[local-name()='table'][@class='grid']/*[local-name()='tbody']"
        + "/*[local-name()='tr'][1][@class='best']"));
  }

  @Test
  void residualsAreBinnedFromTheSampleWhenNoHistogramIsGiven() {
    List<Point> sample = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sample.add(new Point(i, 0)); // residuals 0..24: sqrt(25) = 5 bins of width 4.8, five rows each
    }
    List<Bin> bins = ReportWriter.binResiduals(sample);
    assertEquals(5, bins.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(4.8 * i, bins.get(i).lower(), 1e-9);
      assertEquals(5, bins.get(i).count(), "bin " + i);
    }
    assertEquals(24, bins.get(4).upper(), 1e-9);
    assertEquals(List.of(new Bin(2.5, 3.5, 3)),
        ReportWriter.binResiduals(List.of(new Point(4, 1), new Point(5, 2), new Point(3, 0))));
    assertEquals(List.of(), ReportWriter.binResiduals(List.of()));
  }

  @Test
  void writesBothFilesOnceToAHadoopFileSystem(@TempDir java.nio.file.Path tmp) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path dir = new Path(tmp.toUri().toString(), "models/v1/report");
    TrainingReport report = SampleReports.binary();
    List<Path> written = ReportWriter.write(report, fs, dir);
    assertEquals(List.of(new Path(dir, "metrics.json"), new Path(dir, "report.html")), written);
    java.nio.file.Path local = tmp.resolve("models/v1/report");
    assertEquals(ReportWriter.metricsJson(report), Files.readString(local.resolve("metrics.json")));
    assertEquals(ReportWriter.html(report), Files.readString(local.resolve("report.html")));
    assertEquals("true", System.getProperty("java.awt.headless"));

    IOException again = assertThrows(FileAlreadyExistsException.class, () -> ReportWriter.write(report, fs, dir));
    assertTrue(again.getMessage().contains("metrics.json") && again.getMessage().contains("exists already"),
        again.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  private static int count(Document doc, String xpath) throws Exception {
    return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET)).getLength();
  }

  private static String text(Document doc, String xpath) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(xpath, doc).trim();
  }

  private static int countOccurrences(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static void assertUniqueIds(Document doc) {
    Set<String> seen = new HashSet<>();
    NodeList all = doc.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      String id = ((Element) all.item(i)).getAttribute("id");
      if (!id.isEmpty()) {
        assertTrue(seen.add(id), "duplicate id " + id);
      }
    }
  }
}
