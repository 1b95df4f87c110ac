package io.nightjar.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GridTunerTest extends SparkTestBase {
  private static Dataset<Row> rows;
  private static Pipeline pipeline;
  private static final ScoreFunction RMSE = ScoreFunction.regression("rmse", "y", "prediction");

  @BeforeAll
  static void data() {
    // y = 1 + 2 a - 3 b + noise, 200 rows: a plain least-squares fit is right, a heavy penalty is not.
    java.util.Random rnd = new java.util.Random(5);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      double a = rnd.nextGaussian();
      double b = rnd.nextGaussian();
      list.add(RowFactory.create(i, a, b, 1 + 2 * a - 3 * b + 0.1 * rnd.nextGaussian()));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
    rows = spark.createDataFrame(list, schema).cache();
    pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features"),
        new LinearRegression().setLabelCol("y")});
  }

  private static Map<String, List<Object>> grid(String name, Object... values) {
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    grid.put(name, List.of(values));
    return grid;
  }

  @Test
  void crossValidatesBothPointsAndPicksTheBetter() {
    TuningResult result = GridTuner.tune(pipeline, rows, grid("regParam", 10, 0.0),
        TuningSettings.cv(2, "rmse", 2, 42), RMSE);
    assertEquals("cv", result.method());
    assertEquals(2, result.folds());
    assertEquals(2, result.points().size());
    GridPoint heavy = result.points().get(0);
    GridPoint none = result.points().get(1);
    assertEquals(10.0, heavy.params().get("regParam"), "an int grid value becomes the param's double");
    assertEquals(2, heavy.foldScores().length);
    assertEquals(none, result.best());
    assertEquals(0.1, none.mean(), 0.02, "the noise level");
    assertTrue(heavy.mean() > 2.0, "a heavy penalty shrinks to the mean: " + heavy.mean());
    double[] f = none.foldScores();
    assertEquals((f[0] + f[1]) / 2, none.mean(), 1e-12);
    assertEquals(Math.abs(f[0] - f[1]) / Math.sqrt(2), none.stdDev(), 1e-12);
    assertTrue(result.seconds() > 0);
  }

  @Test
  void foldsAreDeterministic() {
    TuningSettings s = TuningSettings.holdout(0.3, "rmse", 1, 7);
    double[] a = GridTuner.tune(pipeline, rows, grid("regParam", 0.1), s, RMSE).best().foldScores();
    double[] b = GridTuner.tune(pipeline, rows.repartition(5), grid("regParam", 0.1), s, RMSE).best().foldScores();
    assertArrayEquals(a, b, 1e-9);
  }

  @Test
  void holdoutScoresOneSplitAndPicksTheBetter() {
    Map<String, List<Object>> g = new LinkedHashMap<>();
    g.put("regParam", List.of(0.0, 5.0));
    g.put("elasticNetParam", List.of(0.0, 1.0));
    TuningResult result = GridTuner.tune(pipeline, rows, g, TuningSettings.holdout(0.25, "r2", 2, 42),
        ScoreFunction.regression("r2", "y", "prediction"));
    assertEquals("holdout", result.method());
    assertEquals(1, result.folds());
    assertTrue(result.biggerIsBetter());
    assertEquals(4, result.points().size());
    assertEquals(List.of(0.0, 0.0, 5.0, 5.0),
        result.points().stream().map(p -> p.params().get("regParam")).toList(), "first name varies slowest");
    assertEquals(0.0, result.best().params().get("regParam"));
    assertTrue(result.best().mean() > 0.99, "R2 " + result.best().mean());
    assertEquals(1, result.best().foldScores().length);
    assertEquals(0.0, result.best().stdDev());
  }

  @Test
  void withParamsSetsTheChosenPointOnTheLastStage() throws Exception {
    Map<String, Object> chosen = Map.of("regParam", 0.5);
    Pipeline tuned = GridTuner.withParams(pipeline, chosen);
    LinearRegression lr = (LinearRegression) tuned.getStages()[1];
    assertEquals(0.5, lr.getRegParam());
    assertEquals(0.0, ((LinearRegression) pipeline.getStages()[1]).getRegParam(), "the original is unchanged");
    LinearRegressionModel m = (LinearRegressionModel) tuned.fit(rows).stages()[1];
    assertEquals(0.5, m.getRegParam());
  }

  @Test
  void badSettingsAreRejectedNamingTheValue() {
    IllegalArgumentException folds = assertThrows(IllegalArgumentException.class,
        () -> TuningSettings.cv(1, "rmse", 1, 1));
    assertTrue(folds.getMessage().contains("folds = 1"), folds.getMessage());
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> TuningSettings.holdout(1.5, "rmse", 1, 1));
    assertTrue(fraction.getMessage().contains("1.5"), fraction.getMessage());
    IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
        () -> new TuningSettings("bootstrap", 3, 0.2, "rmse", 1, 1));
    assertTrue(method.getMessage().contains("'bootstrap'"), method.getMessage());
    IllegalArgumentException metric = assertThrows(IllegalArgumentException.class,
        () -> TuningSettings.cv(3, "rmsle", 1, 1));
    assertTrue(metric.getMessage().contains("'rmsle'"), metric.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> GridTuner.tune(pipeline, rows, Map.of(), TuningSettings.cv(3, "rmse", 1, 1), RMSE));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    IllegalArgumentException noValues = assertThrows(IllegalArgumentException.class,
        () -> GridTuner.tune(pipeline, rows, grid("regParam"), TuningSettings.cv(3, "rmse", 1, 1), RMSE));
    assertTrue(noValues.getMessage().contains("'regParam' has no values"), noValues.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> GridTuner.tune(pipeline, rows, grid("regParm", 0.1), TuningSettings.cv(3, "rmse", 1, 1), RMSE));
    assertTrue(unknown.getMessage().contains("'regParm'") && unknown.getMessage().contains("regParam"),
        unknown.getMessage());
    IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
        () -> GridTuner.tune(pipeline, rows, grid("elasticNetParam", 2.0), TuningSettings.cv(3, "rmse", 1, 1),
            RMSE));
    assertTrue(invalid.getMessage().contains("elasticNetParam = 2.0"), invalid.getMessage());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> GridTuner.tune(pipeline, rows, grid("maxIter", 2.5), TuningSettings.cv(3, "rmse", 1, 1), RMSE));
    assertTrue(wrongType.getMessage().contains("maxIter = 2.5"), wrongType.getMessage());
  }
}
