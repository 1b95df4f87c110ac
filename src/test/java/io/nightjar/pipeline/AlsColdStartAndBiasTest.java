package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.pipeline.stage.BiasEstimator;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bias fit against known biases, the cold-start indicator for each case, and the implicit-preference pipeline. */
class AlsColdStartAndBiasTest extends SparkTestBase {
  private static final String SPEC = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 3, maxIter: 5, regParam: 0.05, numUserBlocks: 2, numItemBlocks: 2}
      seed: 3
      model: {store: unused}
      """;
  private static final StructType PAIRS = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("item_id", DataTypes.StringType);
  private static final StructType INDEXED = new StructType()
      .add("u", DataTypes.IntegerType)
      .add("i", DataTypes.IntegerType)
      .add("r", DataTypes.DoubleType);

  private static PipelineModel fit(Dataset<Row> ratings, String... overrides) {
    return PipelineFactory.build(JobSpecLoader.load("t.yaml", SPEC, List.of(overrides)), null).fit(ratings);
  }

  @Test
  void recoversKnownBiasesAndRemovesMostOfTheVariance() {
    Random random = new Random(5);
    int users = 60;
    int items = 40;
    double[] userBias = new double[users];
    double[] itemBias = new double[items];
    for (int u = 0; u < users; u++) {
      userBias[u] = random.nextGaussian() * 0.5;
    }
    for (int i = 0; i < items; i++) {
      itemBias[i] = random.nextGaussian() * 0.8;
    }
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (random.nextDouble() < 0.5) {
          rows.add(RowFactory.create(u, i, 3.0 + userBias[u] + itemBias[i] + random.nextGaussian() * 0.1));
        }
      }
    }
    Dataset<Row> ratings = spark.createDataFrame(rows, INDEXED);
    BiasModel model = new BiasEstimator().setUserCol("u").setItemCol("i").setRatingCol("r")
        .setRegParam(0.1).setMaxIter(50).setTol(1e-9).fit(ratings);
    // mean + b_u + b_i is identifiable (a constant can move between the three); compare the sum to the truth.
    Map<Integer, Double> fittedUser = table(model.userBiases());
    Map<Integer, Double> fittedItem = table(model.itemBiases());
    assertEquals(users, fittedUser.size());
    assertEquals(items, fittedItem.size());
    double worst = 0;
    for (Row row : rows) {
      int u = row.getInt(0);
      int i = row.getInt(1);
      double truth = 3.0 + userBias[u] + itemBias[i];
      double fitted = model.getGlobalMean() + fittedUser.get(u) + fittedItem.get(i);
      worst = Math.max(worst, Math.abs(truth - fitted));
    }
    assertTrue(worst < 0.12, "largest error of the recovered baseline: " + worst);
    Dataset<Row> scored = model.transform(ratings);
    Row variances = scored.selectExpr("var_pop(r)", "var_pop(residual)").first();
    assertTrue(variances.getDouble(1) < 0.015, "residual variance near the noise's 0.01: " + variances.getDouble(1));
    assertTrue(variances.getDouble(0) > 0.5, "rating variance: " + variances.getDouble(0));
  }

  @Test
  void aSingleRatingGivesTheShrunkBiasByHand() {
    // mean 3; user 0 rated item 0 = 5 and item 1 = 1; user 1 rated item 0 = 3. regParam 1, one pass:
    // item 0: (5-3 + 3-3) / (1+2) = 2/3; item 1: (1-3) / (1+1) = -1;
    // user 0: (5-3-2/3 + 1-3+1) / (1+2) = (4/3 - 1) / 3 = 1/9; user 1: (3-3-2/3) / (1+1) = -1/3.
    Dataset<Row> ratings = spark.createDataFrame(List.of(
        RowFactory.create(0, 0, 5.0), RowFactory.create(0, 1, 1.0), RowFactory.create(1, 0, 3.0)), INDEXED);
    BiasModel model = new BiasEstimator().setUserCol("u").setItemCol("i").setRatingCol("r")
        .setRegParam(1.0).setMaxIter(1).fit(ratings);
    assertEquals(3.0, model.getGlobalMean(), 1e-12);
    assertEquals(2.0 / 3, table(model.itemBiases()).get(0), 1e-12);
    assertEquals(-1.0, table(model.itemBiases()).get(1), 1e-12);
    assertEquals(1.0 / 9, table(model.userBiases()).get(0), 1e-12);
    assertEquals(-1.0 / 3, table(model.userBiases()).get(1), 1e-12);
  }

  @Test
  void aNonIndexColumnIsRejectedWithTheValue() {
    Dataset<Row> ratings = spark.createDataFrame(List.of(RowFactory.create(-4, 0, 5.0)), INDEXED);
    Exception e = assertThrows(Exception.class,
        () -> new BiasEstimator().setUserCol("u").setItemCol("i").setRatingCol("r").fit(ratings));
    String message = String.valueOf(rootCause(e).getMessage());
    assertTrue(message.contains("Column 'u' holds -4"), message);
  }

  @Test
  void biasModelSavesAndLoadsTheSame(@TempDir Path dir) throws Exception {
    Dataset<Row> ratings = spark.createDataFrame(List.of(
        RowFactory.create(0, 0, 5.0), RowFactory.create(0, 1, 1.0), RowFactory.create(1, 0, 3.0)), INDEXED);
    BiasModel model = new BiasEstimator().setUserCol("u").setItemCol("i").setRatingCol("r")
        .setColdStartCol("cold").setRegParam(1.0).fit(ratings);
    String path = dir.resolve("bias").toString();
    model.save(path);
    BiasModel loaded = BiasModel.read().load(path);
    assertEquals(model.getGlobalMean(), loaded.getGlobalMean(), 0.0);
    assertEquals(table(model.userBiases()), table(loaded.userBiases()));
    assertEquals(table(model.itemBiases()), table(loaded.itemBiases()));
    Dataset<Row> probe = spark.createDataFrame(List.of(
        RowFactory.create(0, 1, 2.0), RowFactory.create(7, 1, 2.0), RowFactory.create(0, 9, 2.0)), INDEXED);
    List<Row> before = model.transform(probe).orderBy("u", "i").collectAsList();
    List<Row> after = loaded.transform(probe).orderBy("u", "i").collectAsList();
    assertEquals(before, after);
    assertEquals(List.of(0, 2, 1), after.stream().map(row -> row.<Integer>getAs("cold")).toList());
  }

  @Test
  void eachColdStartCaseIsFlaggedAndScoredFromTheBaseline() {
    Dataset<Row> ratings = Fixtures.ratings(spark, 20, 15, 0.6, 4);
    PipelineModel model = fit(ratings);
    BiasModel biases = (BiasModel) model.stages()[1];
    Dataset<Row> pairs = spark.createDataFrame(List.of(
        RowFactory.create("u001", "m001"),
        RowFactory.create("nobody", "m001"),
        RowFactory.create("u001", "nothing"),
        RowFactory.create("nobody", "nothing"),
        RowFactory.create(null, "m001")), PAIRS);
    Dataset<Row> scored = model.transform(pairs);
    Map<String, Row> byPair = new HashMap<>();
    for (Row row : scored.collectAsList()) {
      byPair.put(row.getAs("user_id") + "/" + row.getAs("item_id"), row);
    }
    assertEquals(0, (int) byPair.get("u001/m001").getAs(Columns.COLD_START));
    assertEquals(1, (int) byPair.get("nobody/m001").getAs(Columns.COLD_START));
    assertEquals(2, (int) byPair.get("u001/nothing").getAs(Columns.COLD_START));
    assertEquals(3, (int) byPair.get("nobody/nothing").getAs(Columns.COLD_START));
    assertEquals(1, (int) byPair.get("null/m001").getAs(Columns.COLD_START));
    double mean = biases.getGlobalMean();
    double itemBias = (double) byPair.get("nobody/m001").getAs("prediction") - mean;
    double userBias = (double) byPair.get("u001/nothing").getAs("prediction") - mean;
    assertEquals(mean, byPair.get("nobody/nothing").getAs("prediction"), 1e-9);
    assertEquals(mean + itemBias, byPair.get("null/m001").getAs("prediction"), 1e-9);
    double known = byPair.get("u001/m001").getAs("prediction");
    double residual = ((Number) byPair.get("u001/m001").getAs(Columns.RESIDUAL_PREDICTION)).doubleValue();
    assertEquals(mean + userBias + itemBias + residual, known, 1e-9, "seen pair: baseline plus the ALS residual");
    assertEquals(new ColdStartCounts(5, 2, 1, 1), ColdStartCounts.of(scored));
    assertEquals(0, ColdStartCounts.of(model.transform(ratings)).coldStart(), "training rows are all seen");
  }

  @Test
  void coldStartCountsNeedsTheColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ColdStartCounts.of(spark.createDataFrame(List.of(RowFactory.create("a", "b")), PAIRS)));
    assertTrue(e.getMessage().contains(Columns.COLD_START), e.getMessage());
  }

  @Test
  void implicitPipelineFitsSavesLoadsAndScoresEveryRow(@TempDir Path dir) throws Exception {
    // Play counts: users 0-4 play items 0-4 a lot, users 5-9 play items 5-9.
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 10; u++) {
      for (int i = 0; i < 10; i++) {
        boolean sameGroup = (u < 5) == (i < 5);
        if (sameGroup && (u + i) % 4 != 0) {
          rows.add(RowFactory.create("u" + u, "i" + i, 3.0 + (u * i) % 5));
        } else if (!sameGroup && (u + i) % 7 == 0) {
          rows.add(RowFactory.create("u" + u, "i" + i, 1.0));
        }
      }
    }
    Dataset<Row> plays = spark.createDataFrame(rows, Fixtures.RATINGS);
    PipelineModel model = fit(plays, "params.implicitPrefs=true", "params.alpha=5.0", "params.rank=2",
        "params.maxIter=8", "params.regParam=0.1");
    BiasModel biases = (BiasModel) model.stages()[1];
    assertEquals(0.0, biases.getGlobalMean(), 0.0, "no baseline for implicit preferences");
    String path = dir.resolve("implicit").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    Dataset<Row> pairs = spark.createDataFrame(List.of(
        RowFactory.create("u0", "i4"),
        RowFactory.create("u0", "i9"),
        RowFactory.create("new", "i4"),
        RowFactory.create("u0", "new"),
        RowFactory.create("new", "new")), PAIRS);
    Map<String, Row> byPair = new HashMap<>();
    for (Row row : loaded.transform(pairs).collectAsList()) {
      byPair.put(row.getAs("user_id") + "/" + row.getAs("item_id"), row);
    }
    assertEquals(5, byPair.size());
    for (Row row : byPair.values()) {
      double value = row.getAs("prediction");
      assertTrue(Double.isFinite(value), "finite score: " + row);
    }
    assertTrue((double) byPair.get("u0/i4").getAs("prediction") > (double) byPair.get("u0/i9").getAs("prediction"),
        "an item of the user's own group scores above one of the other group");
    assertEquals(0.0, byPair.get("new/i4").getAs("prediction"), 0.0);
    assertEquals(0.0, byPair.get("u0/new").getAs("prediction"), 0.0);
    assertEquals(0.0, byPair.get("new/new").getAs("prediction"), 0.0);
    assertEquals(3, (int) byPair.get("new/new").getAs(Columns.COLD_START));
    List<Row> before = model.transform(plays).orderBy("user_id", "item_id").select("prediction").collectAsList();
    List<Row> after = loaded.transform(plays).orderBy("user_id", "item_id").select("prediction").collectAsList();
    assertEquals(before, after);
  }

  private static Map<Integer, Double> table(Dataset<Row> biases) {
    Map<Integer, Double> result = new HashMap<>();
    for (Row row : biases.collectAsList()) {
      result.put((int) row.getDouble(0), row.getDouble(1));
    }
    return result;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
