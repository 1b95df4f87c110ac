package io.nightjar.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticNetPipelineTest extends SparkTestBase {
  private static final String SPEC = """
      name: t
      kind: elasticnet
      input: {path: unused}
      columns: {label: price}
      params: {regParam: 0.001, elasticNetParam: 0.5}
      model: {store: unused}
      """;

  private static Dataset<Row> homes;
  private static TabularFeatures features;
  private static PipelineModel model;

  @BeforeAll
  static void fit() {
    homes = Fixtures.homes(spark, 600, 5).cache();
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of());
    features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of("ds"));
    model = PipelineFactory.build(spec, features).fit(homes);
  }

  @Test
  void featuresDefaultToEveryOtherColumnSplitByType() {
    assertEquals(List.of("sqft", "age", "noise"), features.numeric());
    assertEquals(List.of("region"), features.categorical());
  }

  @Test
  void recoversTheTrueCoefficientsOfTheNumericFeatures() {
    LinearRegressionModel regression = (LinearRegressionModel) model.stages()[model.stages().length - 1];
    double[] coefficients = regression.coefficients().toArray();
    // Assembled order: imputed sqft, age, noise, then the one-hot region levels.
    assertEquals(100.0, coefficients[0], 5.0, "sqft");
    assertEquals(-1000.0, coefficients[1], 100.0, "age");
    assertEquals(0.0, coefficients[2], 600.0, "noise has no effect");
  }

  @Test
  void unseenCategoryAndMissingNumbersStillGetFinitePredictions() {
    Dataset<Row> batch = spark.createDataFrame(List.of(
        RowFactory.create(1500.0, 10, 0.0, "north", null),
        RowFactory.create(null, 10, 0.0, "atlantis", null),
        RowFactory.create(1500.0, null, null, null, null)), Fixtures.HOMES).drop("price");
    List<Row> scored = model.transform(batch).select("prediction").collectAsList();
    assertEquals(3, scored.size());
    for (Row row : scored) {
      assertTrue(Double.isFinite(row.getDouble(0)), "finite prediction, got " + row.get(0));
    }
  }

  @Test
  void savedPipelineLoadsAndPredictsTheSame(@TempDir Path dir) throws Exception {
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> before = model.transform(homes).select("prediction").collectAsList();
    List<Row> after = loaded.transform(homes).select("prediction").collectAsList();
    assertEquals(before.size(), after.size());
    for (int k = 0; k < before.size(); k++) {
      assertEquals(before.get(k).getDouble(0), after.get(k).getDouble(0), 1e-9);
    }
  }

  @Test
  void aFeatureMissingFromTheDataIsNamed() {
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of("columns.features=[sqft, rooms]"));
    InputDataException e = assertThrows(InputDataException.class,
        () -> TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of()));
    assertEquals("columns.features names [rooms], not in the input; columns present: [sqft, age, noise, region, price]",
        e.getMessage());
  }

  @Test
  void aCategoricalColumnOutsideTheFeaturesIsRejected() {
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of("columns.features=[sqft]",
        "columns.categorical=[region]"));
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of()));
    assertTrue(e.getMessage().startsWith("columns.categorical lists 'region', which is not among columns.features"),
        e.getMessage());
  }

  @Test
  void aNumericColumnCanBeDeclaredCategorical() {
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of("columns.categorical=[age, region]"));
    TabularFeatures resolved = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    assertEquals(List.of("sqft", "noise"), resolved.numeric());
    assertEquals(List.of("age", "region"), resolved.categorical());
  }
}
