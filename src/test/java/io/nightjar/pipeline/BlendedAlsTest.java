package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.JobSpecException;
import io.nightjar.score.Scorers;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.spec.ScoringMode;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ALS on residuals blended with raw-rating ALS fits, checked against the same fits made independently. */
class BlendedAlsTest extends SparkTestBase {
  private static final String SPEC = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 3, maxIter: 6, regParam: 0.05, numUserBlocks: 2, numItemBlocks: 2,
               blendMembers: 2, blendRank: 2, blendRegParam: 0.1, blendWeight: 0.4}
      seed: 3
      model: {store: unused}
      """;
  private static final StructType PAIRS = Fixtures.PAIRS;

  private static Dataset<Row> ratings;
  private static PipelineModel blended;

  @BeforeAll
  static void fit() {
    ratings = Fixtures.alsRatings(spark);
    blended = pipeline().fit(ratings);
  }

  private static Pipeline pipeline(String... overrides) {
    return PipelineFactory.build(JobSpecLoader.load("als.yaml", SPEC, List.of(overrides)), null);
  }

  private static Map<String, Double> byPair(Dataset<Row> scored, String column) {
    Map<String, Double> out = new HashMap<>();
    for (Row row : scored.select(col("user_id"), col("item_id"), col(column).cast("double")).collectAsList()) {
      out.put(row.getString(0) + "/" + row.getString(1), row.getDouble(2));
    }
    return out;
  }

  private static ALS als(String rating, int rank, double regParam, long seed) {
    return new ALS().setUserCol(Columns.USER_INDEX).setItemCol(Columns.ITEM_INDEX).setRatingCol(rating)
        .setPredictionCol("p").setRank(rank).setRegParam(regParam).setMaxIter(6).setNumUserBlocks(2)
        .setNumItemBlocks(2).setSeed(seed);
  }

  @Test
  void predictsTheWeightedMeanOfTheResidualFitAndTheRawFitsMadeIndependently() {
    ALSModel stage = (ALSModel) blended.stages()[2];
    assertSame(ALSModel.class, stage.getClass(), "the saved stage must be Spark's own ALSModel");
    assertEquals(3 + 2 * 2 + 2, stage.rank(), "residual rank + members x blend rank + 2 baseline columns");

    PipelineModel front = new PipelineModel("front", java.util.Arrays.asList(blended.stages()).subList(0, 2));
    Dataset<Row> indexed = front.transform(ratings).cache();
    Map<String, Double> residual = byPair(als(Columns.RESIDUAL, 3, 0.05, 3L).fit(indexed).transform(indexed), "p");
    Map<String, Double> raw1 = byPair(als("rating", 2, 0.1, 3L + 7919L).fit(indexed).transform(indexed), "p");
    Map<String, Double> raw2 = byPair(als("rating", 2, 0.1, 3L + 2 * 7919L).fit(indexed).transform(indexed), "p");
    Map<String, Double> baseline = byPair(indexed, Columns.BASELINE);

    Map<String, Double> actual = byPair(blended.transform(ratings), Columns.PREDICTION);
    assertEquals(ratings.count(), actual.size());
    double worst = 0;
    for (Map.Entry<String, Double> e : actual.entrySet()) {
      String pair = e.getKey();
      double expected = 0.6 * (baseline.get(pair) + residual.get(pair))
          + 0.4 * (raw1.get(pair) + raw2.get(pair)) / 2;
      worst = Math.max(worst, Math.abs(expected - e.getValue()));
    }
    assertTrue(worst < 1e-3, "blended prediction differs from the independent fits by up to " + worst);
    indexed.unpersist();
  }

  @Test
  void unseenUsersAndItemsFallBackToTheSameBaselineAsWithoutTheBlend() {
    PipelineModel plain = pipeline("params.blendMembers=0").fit(ratings);
    assertEquals(3, ((ALSModel) plain.stages()[2]).rank());
    Dataset<Row> pairs = spark.createDataFrame(List.of(
        RowFactory.create("nobody", Fixtures.itemId(1)),
        RowFactory.create(Fixtures.userId(2), "nothing"),
        RowFactory.create("nobody", "nothing")), PAIRS);
    Map<String, Double> withBlend = byPair(blended.transform(pairs), Columns.PREDICTION);
    Map<String, Double> without = byPair(plain.transform(pairs), Columns.PREDICTION);
    assertEquals(3, withBlend.size());
    for (Map.Entry<String, Double> e : withBlend.entrySet()) {
      assertTrue(Double.isFinite(e.getValue()), e.getKey() + " scored " + e.getValue());
      assertEquals(without.get(e.getKey()), e.getValue(), 1e-9, e.getKey());
    }
  }

  @Test
  void savedAndLoadedAsAStandardPipelineAndScoredTheSameCompiled(@TempDir Path dir) throws Exception {
    assertSavedLoadedAndCompiledAgree(blended, dir);
  }

  @Test
  void withTheAutoencoderTooTheModelIsOneStandardAlsModelScoredTheSameCompiled(@TempDir Path dir)
      throws Exception {
    PipelineModel withAutoencoder = pipeline("params.autoencoderUnits=4", "params.autoencoderIterations=20",
        "params.autoencoderRegParam=1.0", "params.autoencoderWeight=0.3").fit(ratings);
    // residual rank 3, two members of rank 2, the autoencoder's 4 units and its user bias, two baseline columns
    assertEquals(3 + 2 * 2 + 5 + 2, ((ALSModel) withAutoencoder.stages()[2]).rank());
    assertSavedLoadedAndCompiledAgree(withAutoencoder, dir);
    Map<String, Double> scored = byPair(withAutoencoder.transform(ratings), Columns.PREDICTION);
    Map<String, Double> without = byPair(blended.transform(ratings), Columns.PREDICTION);
    double moved = 0;
    for (Map.Entry<String, Double> e : scored.entrySet()) {
      assertTrue(Double.isFinite(e.getValue()), e.getKey() + " scored " + e.getValue());
      moved = Math.max(moved, Math.abs(e.getValue() - without.get(e.getKey())));
    }
    assertTrue(moved > 1e-3, "the autoencoder changed no prediction");
  }

  private static void assertSavedLoadedAndCompiledAgree(PipelineModel blended, Path dir) throws Exception {
    String path = dir.resolve("model").toString();
    blended.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertSame(ALSModel.class, loaded.stages()[2].getClass());
    Map<String, Double> before = byPair(blended.transform(ratings), Columns.PREDICTION);
    Map<String, Double> after = byPair(loaded.transform(ratings), Columns.PREDICTION);
    Map<String, Double> compiled = byPair(Scorers.forModel(loaded, ScoringMode.COMPILED)
        .score(ratings.select("user_id", "item_id")), Columns.PREDICTION);
    assertEquals(before.size(), after.size());
    for (Map.Entry<String, Double> e : before.entrySet()) {
      assertEquals(e.getValue(), after.get(e.getKey()), 1e-6, e.getKey());
      assertEquals(e.getValue(), compiled.get(e.getKey()), 1e-4, e.getKey());
    }
  }

  @Test
  void refusesTheBlendWithImplicitPreferencesAndSaysWhatToChange() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> pipeline("params.implicitPrefs=true", "params.alpha=1.0"));
    assertTrue(e.getMessage().contains("blendMembers") && e.getMessage().contains("implicitPrefs"), e.getMessage());
  }

  @Test
  void refusesAnOutOfRangeBlendWeightNamingIt() {
    JobSpecException e = assertThrows(JobSpecException.class, () -> pipeline("params.blendWeight=1.5"));
    assertTrue(e.getMessage().contains("blendWeight"), e.getMessage());
    assertThrows(JobSpecException.class, () -> pipeline("params.rawRatingCol=r"));
  }

  @Test
  void aFractionalIdIsRefusedNamingTheColumnAndTheValue() {
    StructType schema = new StructType().add("u", DataTypes.DoubleType).add("i", DataTypes.DoubleType)
        .add("r", DataTypes.DoubleType);
    Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create(1.0, 2.0, 3.0),
        RowFactory.create(1.5, 2.0, 4.0)), schema);
    String message = fitFailure(bad);
    assertTrue(message.contains("'u' holds 1.5"), message);
  }

  @Test
  void withoutABlendItLearnsWhatSparksAlsFitLearnsFromTheSameRows() {
    StructType schema = new StructType().add("u", DataTypes.IntegerType).add("i", DataTypes.IntegerType)
        .add("r", DataTypes.DoubleType);
    java.util.List<Row> rows = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(11);
    for (int u = 0; u < 40; u++) {
      for (int i = 0; i < 25; i++) {
        if (random.nextInt(3) == 0) {
          rows.add(RowFactory.create(u, i, 1.0 + random.nextInt(5)));
        }
      }
    }
    Dataset<Row> input = spark.createDataFrame(rows, schema).repartition(3).cache();
    String[][] variants = {{"explicit"}, {"implicit"}, {"nonnegative"}};
    for (String[] variant : variants) {
      io.nightjar.pipeline.stage.BlendedAls ours = new io.nightjar.pipeline.stage.BlendedAls();
      ALS spark = new ALS();
      for (ALS one : new ALS[] {ours, spark}) {
        one.setUserCol("u").setItemCol("i").setRatingCol("r").setRank(4).setMaxIter(5).setRegParam(0.07)
            .setNumUserBlocks(2).setNumItemBlocks(3).setSeed(5).setImplicitPrefs(variant[0].equals("implicit"))
            .setAlpha(2.0).setNonnegative(variant[0].equals("nonnegative"));
      }
      ALSModel mine = ours.fit(input);
      ALSModel theirs = spark.fit(input);
      assertEquals(theirs.rank(), mine.rank(), variant[0]);
      assertEquals(theirs.userFactors().schema(), mine.userFactors().schema(), variant[0]);
      for (boolean users : new boolean[] {true, false}) {
        Map<Integer, List<Float>> expected = factors(users ? theirs.userFactors() : theirs.itemFactors());
        Map<Integer, List<Float>> actual = factors(users ? mine.userFactors() : mine.itemFactors());
        assertEquals(expected.keySet(), actual.keySet(), variant[0]);
        for (Map.Entry<Integer, List<Float>> e : expected.entrySet()) {
          for (int k = 0; k < 4; k++) {
            assertEquals(e.getValue().get(k), actual.get(e.getKey()).get(k), 1e-5,
                variant[0] + (users ? " user " : " item ") + e.getKey());
          }
        }
      }
      Dataset<Row> pairs = input.select("u", "i");
      Map<String, Double> expected = new HashMap<>();
      for (Row row : theirs.transform(pairs).collectAsList()) {
        expected.put(row.getInt(0) + "/" + row.getInt(1), (double) row.getFloat(2));
      }
      for (Row row : mine.transform(pairs).collectAsList()) {
        assertEquals(expected.get(row.getInt(0) + "/" + row.getInt(1)), row.getFloat(2), 1e-5, variant[0]);
      }
    }
  }

  private static Map<Integer, List<Float>> factors(Dataset<Row> table) {
    Map<Integer, List<Float>> out = new HashMap<>();
    for (Row row : table.collectAsList()) {
      out.put(row.getInt(0), row.getList(1));
    }
    return out;
  }

  @Test
  void aNaNRatingIsRefusedNamingTheColumn() {
    StructType schema = new StructType().add("u", DataTypes.IntegerType).add("i", DataTypes.IntegerType)
        .add("r", DataTypes.DoubleType);
    Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create(1, 2, 3.0),
        RowFactory.create(2, 2, Double.NaN)), schema);
    String message = fitFailure(bad);
    assertTrue(message.contains("'r' holds NaN"), message);
  }

  /** The message at the root of the failure of a small no-blend fit on columns u, i and r. */
  private static String fitFailure(Dataset<Row> bad) {
    io.nightjar.pipeline.stage.BlendedAls als = new io.nightjar.pipeline.stage.BlendedAls();
    als.setUserCol("u").setItemCol("i").setRatingCol("r").setRank(2).setMaxIter(2);
    Throwable root = assertThrows(Exception.class, () -> als.fit(bad));
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  @Test
  void addsTheOffsetColumnsOnlyWhenABlendIsAsked() {
    PipelineStage[] stages = pipeline("params.blendMembers=0").getStages();
    io.nightjar.pipeline.stage.BiasEstimator biases = (io.nightjar.pipeline.stage.BiasEstimator) stages[1];
    assertEquals("", biases.getOrDefault(biases.userOffsetCol()));
    List<String> columns = List.of(blended.transform(ratings).columns());
    assertTrue(columns.contains(Columns.USER_OFFSET) && columns.contains(Columns.ITEM_OFFSET), columns.toString());
  }
}
