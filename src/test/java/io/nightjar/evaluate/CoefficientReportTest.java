package io.nightjar.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.evaluate.CoefficientReport.Coefficient;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.pipeline.ElasticNetPipeline.Family;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CoefficientReportTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType PAINT = new StructType()
      .add("a", DataTypes.DoubleType)
      .add("b_value", DataTypes.IntegerType)
      .add("z", DataTypes.DoubleType)
      .add("paint_color", DataTypes.StringType)
      .add("y", DataTypes.DoubleType)
      .add("flag", DataTypes.DoubleType);

  /** y = 3 + 2 a - b_value + 10 [paint_color = dark_red] + small noise; z has no effect; flag = [y > 8]. */
  private static Dataset<Row> paint() {
    Random random = new Random(11);
    String[] colors = {"dark_red", "blue", "green"};
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      double a = random.nextDouble() * 4;
      int b = random.nextInt(5);
      String color = colors[k % 3];
      double y = 3 + 2 * a - b + (color.equals("dark_red") ? 10 : 0) + random.nextGaussian() * 0.01;
      rows.add(RowFactory.create(a, b, random.nextGaussian(), color, y, y > 8 ? 1.0 : 0.0));
    }
    return spark.createDataFrame(rows, PAINT);
  }

  private static Map<String, JsonNode> params(String yaml) {
    try {
      Map<String, JsonNode> params = new java.util.LinkedHashMap<>();
      JSON.readTree(yaml).fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue()));
      return params;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Coefficient named(CoefficientReport report, String name) {
    return report.coefficients().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
        () -> new AssertionError(name + " not in " + report.coefficients()));
  }

  @Test
  void linearCoefficientsCarryTheirColumnAndLevelNames() {
    Dataset<Row> data = paint();
    TabularFeatures features = new TabularFeatures(List.of("a", "b_value", "z"), List.of("paint_color"));
    PipelineModel model = ElasticNetPipeline.build(params("{\"regParam\": 0.05, \"elasticNetParam\": 1.0}"), "y",
        features, Family.GAUSSIAN).fit(data);
    CoefficientReport report = CoefficientReport.of(model, data.drop("y", "flag"));
    LinearRegressionModel linear = (LinearRegressionModel) model.stages()[model.stages().length - 1];

    assertEquals("linear", report.learner());
    assertEquals(linear.intercept(), report.intercept(), 0.0);
    assertEquals(Set.of("a", "b_value", "z", "paint_color=dark_red", "paint_color=blue", "paint_color=green"),
        report.coefficients().stream().map(Coefficient::name).collect(Collectors.toSet()));
    // Each value is the model's coefficient at the named slot: numbers first (a, b_value, z), then the levels.
    for (Coefficient c : report.coefficients()) {
      assertEquals(linear.coefficients().apply(c.index()), c.value(), 0.0, c.name());
    }
    assertEquals(0, named(report, "a").index());
    assertEquals(1, named(report, "b_value").index());
    assertNull(named(report, "a").level());
    assertEquals("paint_color", named(report, "paint_color=dark_red").column());
    assertEquals("dark_red", named(report, "paint_color=dark_red").level());
    // The data's effects: a +2, b_value -1, dark_red +10 over the other colours (lasso shrinks them a little); the
    // largest magnitude is dark_red's, and the lasso zeroes z (no effect).
    assertEquals("paint_color=dark_red", report.coefficients().get(0).name());
    assertEquals(2.0, named(report, "a").value(), 0.1);
    assertEquals(-1.0, named(report, "b_value").value(), 0.1);
    double otherColours = Math.max(named(report, "paint_color=blue").value(),
        named(report, "paint_color=green").value());
    assertEquals(10.0, named(report, "paint_color=dark_red").value() - otherColours, 0.3);
    assertTrue(named(report, "z").isZero(), "z: " + named(report, "z").value());
    assertEquals(report.coefficients().size() - report.coefficients().stream().filter(Coefficient::isZero).count(),
        report.nonZero());
    for (int k = 1; k < report.coefficients().size(); k++) {
      assertTrue(Math.abs(report.coefficients().get(k - 1).value()) >= Math.abs(report.coefficients().get(k).value()));
    }
  }

  @Test
  void logisticCoefficientsToo() {
    Dataset<Row> data = paint();
    TabularFeatures features = new TabularFeatures(List.of("a"), List.of("paint_color"));
    PipelineModel model = ElasticNetPipeline.build(params("{\"regParam\": 0.01}"), "flag", features,
        Family.BINOMIAL).fit(data);
    CoefficientReport report = CoefficientReport.of(model, data);
    LogisticRegressionModel logistic = (LogisticRegressionModel) model.stages()[model.stages().length - 1];
    assertEquals("logistic", report.learner());
    assertEquals(logistic.intercept(), report.intercept(), 0.0);
    assertEquals(new TreeSet<>(List.of("a", "paint_color=blue", "paint_color=dark_red", "paint_color=green")),
        report.coefficients().stream().map(Coefficient::name).collect(Collectors.toCollection(TreeSet::new)));
    for (Coefficient c : report.coefficients()) {
      assertEquals(logistic.coefficients().apply(c.index()), c.value(), 0.0, c.name());
    }
    assertTrue(named(report, "a").value() > 0, "a raises y");
    assertTrue(named(report, "paint_color=dark_red").value() > named(report, "paint_color=blue").value());
  }

  @Test
  void aPipelineWithoutCoefficientsIsRefused() {
    Dataset<Row> data = paint();
    PipelineModel model = new org.apache.spark.ml.Pipeline().setStages(new org.apache.spark.ml.PipelineStage[] {
        new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"a"}).setOutputCol("f")})
        .fit(data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoefficientReport.of(model, data));
    assertTrue(e.getMessage().startsWith("the pipeline ends in VectorAssembler"), e.getMessage());
  }
}
