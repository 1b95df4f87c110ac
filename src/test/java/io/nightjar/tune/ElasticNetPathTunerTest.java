package io.nightjar.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ElasticNetPathTunerTest extends SparkTestBase {
  private static final double[] BETA = {2.0, -1.5, 0.0, 0.8, 0.0, 0.0, 0.3, 0.0};
  private static Dataset<Row> data;

  @BeforeAll
  static void data() {
    data = TuneData.frame(spark, TuneData.rows(600, BETA, 10.0, 3.0, 7)).cache();
  }

  private static PathSettings settings() {
    return PathSettings.defaults(42).withTol(1e-14);
  }

  /** Spark's LinearRegression at (regParam, alpha), solved tightly. */
  private static LinearRegressionModel spark(double regParam, double alpha, boolean standardization,
      boolean fitIntercept) {
    return new LinearRegression().setRegParam(regParam).setElasticNetParam(alpha)
        .setStandardization(standardization).setFitIntercept(fitIntercept)
        .setMaxIter(10_000).setTol(1e-12).fit(data);
  }

  private static void assertSameSolution(LinearRegressionModel expected, double[] coefficients, double intercept) {
    double[] e = expected.coefficients().toArray();
    double scale = 0;
    for (double v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int j = 0; j < e.length; j++) {
      assertEquals(e[j], coefficients[j], 1e-4 * scale, "coefficient " + j);
    }
    assertEquals(expected.intercept(), intercept, 1e-3 * Math.max(1, Math.abs(expected.intercept())), "intercept");
  }

  @Test
  void coordinateDescentMatchesSparkLinearRegressionAtTheSameParams() {
    double[][] points = {{0.5, 0.5}, {0.3, 1.0}, {0.2, 0.0}};
    for (double[] point : points) {
      double regParam = point[0];
      double alpha = point[1];
      ElasticNetPathTuner.PathSolution solution = ElasticNetPathTuner.path(data, "features", "label",
          settings().withElasticNetParams(alpha).withRegParams(regParam)).get(0);
      LinearRegressionModel expected = spark(regParam, alpha, true, true);
      assertSameSolution(expected, solution.coefficients()[0], solution.intercepts()[0]);
      // Penalised: the solution is not simply least squares.
      assertTrue(Math.abs(expected.coefficients().apply(0)) < 2.0);
    }
  }

  @Test
  void matchesSparkWithoutStandardizationOrIntercept() {
    ElasticNetPathTuner.PathSolution raw = ElasticNetPathTuner.path(data, "features", "label",
        settings().withElasticNetParams(0.5).withRegParams(0.3).withStandardization(false)).get(0);
    assertSameSolution(spark(0.3, 0.5, false, true), raw.coefficients()[0], raw.intercepts()[0]);
    ElasticNetPathTuner.PathSolution noIntercept = ElasticNetPathTuner.path(data, "features", "label",
        settings().withElasticNetParams(0.5).withRegParams(0.3).withFitIntercept(false)).get(0);
    assertSameSolution(spark(0.3, 0.5, true, false), noIntercept.coefficients()[0], 0.0);
    assertEquals(0.0, noIntercept.intercepts()[0]);
  }

  @Test
  void lassoPathStartsWhereEveryCoefficientIsZero() {
    ElasticNetPathTuner.PathSolution lasso = ElasticNetPathTuner.path(data, "features", "label",
        settings().withElasticNetParams(1.0).withPath(20, 1e-3)).get(0);
    double lambdaMax = lasso.regParams()[0];
    assertArrayEquals(new double[BETA.length], lasso.coefficients()[0], 0.0, "all zero at lambdaMax");
    assertEquals(data.agg(org.apache.spark.sql.functions.avg("label")).first().getDouble(0), lasso.intercepts()[0],
        1e-9, "intercept is the mean at lambdaMax");
    // Just below lambdaMax one coefficient enters: lambdaMax is the smallest all-zero value.
    double[] below = ElasticNetPathTuner.path(data, "features", "label",
        settings().withElasticNetParams(1.0).withRegParams(lambdaMax * 0.98)).get(0).coefficients()[0];
    long nonzero = java.util.Arrays.stream(below).filter(v -> v != 0).count();
    assertEquals(1, nonzero, "one coefficient enters just below lambdaMax");
    // Spark agrees: at lambdaMax its lasso has (next to) zero coefficients.
    LinearRegressionModel atMax = spark(lambdaMax, 1.0, true, true);
    for (double v : atMax.coefficients().toArray()) {
      assertEquals(0.0, v, 1e-6);
    }
    // The path is log-spaced down to lambdaMax * 1e-3.
    assertEquals(20, lasso.regParams().length);
    assertEquals(lambdaMax * 1e-3, lasso.regParams()[19], lambdaMax * 1e-12);
  }

  @Test
  void crossValidationPicksTheTrueSparseModel() {
    double[] beta = {3.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0};
    Dataset<Row> sparse = TuneData.frame(spark, TuneData.rows(3000, beta, -4.0, 2.0, 11));
    TuningResult result = ElasticNetPathTuner.tune(sparse, "features", "label",
        PathSettings.defaults(3).withElasticNetParams(1.0));
    assertEquals("path-cv", result.method());
    assertEquals(5, result.folds());
    assertEquals(100, result.points().size());
    double bestLambda = (double) result.best().params().get("regParam");
    double lambdaMax = (double) result.points().get(0).params().get("regParam");
    assertTrue(bestLambda < lambdaMax * 0.1 && bestLambda > lambdaMax * 1e-4, "best inside the path: " + bestLambda);
    // The CV RMSE is close to the noise (2.0), and far below the all-zero model's.
    assertEquals(2.0, result.best().mean(), 0.1);
    assertTrue(result.points().get(0).mean() > 5.0, "null model RMSE " + result.points().get(0).mean());
    // Refitted on all rows at the chosen point, the model is the true one.
    double[] w = ElasticNetPathTuner.path(sparse, "features", "label",
        PathSettings.defaults(3).withElasticNetParams(1.0).withRegParams(bestLambda)).get(0).coefficients()[0];
    for (int j = 0; j < beta.length; j++) {
      assertEquals(beta[j], w[j], 0.1, "coefficient " + j);
    }
  }

  @Test
  void foldsAreSeededAndIgnoreThePartitioning() {
    PathSettings s = PathSettings.defaults(5).withElasticNetParams(0.5).withPath(10, 1e-3);
    TuningResult a = ElasticNetPathTuner.tune(data, "features", "label", s);
    TuningResult b = ElasticNetPathTuner.tune(data.repartition(7), "features", "label", s);
    TuningResult c = ElasticNetPathTuner.tune(data, "features", "label", PathSettings.defaults(6)
        .withElasticNetParams(0.5).withPath(10, 1e-3));
    for (int i = 0; i < a.points().size(); i++) {
      assertArrayEquals(a.points().get(i).foldScores(), b.points().get(i).foldScores(), 1e-9);
    }
    assertNotEquals(a.points().get(5).foldScores()[0], c.points().get(5).foldScores()[0], "another seed");
  }

  @Test
  void scoresFromStatisticsEqualScoresFromRows() {
    double[][] rows = TuneData.rows(50, new double[] {1, 2, 3}, 1.0, 1.0, 3);
    Moments left = new Moments(4);
    Moments right = new Moments(4);
    double[] scratch = new double[4];
    for (int i = 0; i < rows.length; i++) {
      (i % 3 == 0 ? left : right).add(rows[i], scratch);
    }
    Moments all = left.finish().merge(right.finish());
    double[] w = {0.5, 2.5, 2.0};
    double b = 3.0;
    double sse = 0;
    double mean = 0;
    for (double[] r : rows) {
      double e = r[3] - b - w[0] * r[0] - w[1] * r[1] - w[2] * r[2];
      sse += e * e;
      mean += r[3] / rows.length;
    }
    double sst = 0;
    for (double[] r : rows) {
      sst += (r[3] - mean) * (r[3] - mean);
    }
    assertEquals(Math.sqrt(sse / 50), ElasticNetPathTuner.score(all, w, b, "rmse"), 1e-10);
    assertEquals(sse / 50, ElasticNetPathTuner.score(all, w, b, "mse"), 1e-8);
    assertEquals(1 - sse / sst, ElasticNetPathTuner.score(all, w, b, "r2"), 1e-10);
  }

  @Test
  void badSettingsAreRejectedNamingTheValue() {
    IllegalArgumentException folds = assertThrows(IllegalArgumentException.class,
        () -> PathSettings.defaults(1).withFolds(1));
    assertTrue(folds.getMessage().contains("folds = 1"), folds.getMessage());
    IllegalArgumentException mae = assertThrows(IllegalArgumentException.class,
        () -> PathSettings.defaults(1).withMetric("mae"));
    assertTrue(mae.getMessage().contains("'mae'"), mae.getMessage());
    IllegalArgumentException alpha = assertThrows(IllegalArgumentException.class,
        () -> PathSettings.defaults(1).withElasticNetParams(1.5));
    assertTrue(alpha.getMessage().contains("1.5"), alpha.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> PathSettings.defaults(1).withRegParams());
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
        () -> ElasticNetPathTuner.tune(data, "features", "price", PathSettings.defaults(1)));
    assertTrue(column.getMessage().contains("'price'"), column.getMessage());
    IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
        () -> ElasticNetPathTuner.tune(data.limit(3), "features", "label", PathSettings.defaults(1).withFolds(10)));
    assertTrue(tooFew.getMessage().contains("has no rows"), tooFew.getMessage());
  }

  @Test
  void userPathIsSortedLargestFirstAndReportedInSparkParams() {
    TuningResult result = ElasticNetPathTuner.tune(data, "features", "label",
        PathSettings.defaults(1).withElasticNetParams(0.5, 1.0).withRegParams(0.01, 1.0, 0.1));
    assertEquals(6, result.points().size());
    List<Object> lambdas = result.points().stream().map(p -> p.params().get("regParam")).toList();
    assertEquals(List.of(1.0, 0.1, 0.01, 1.0, 0.1, 0.01), lambdas);
    assertEquals(0.5, result.points().get(0).params().get("elasticNetParam"));
    assertEquals(5, result.best().foldScores().length);
  }
}
