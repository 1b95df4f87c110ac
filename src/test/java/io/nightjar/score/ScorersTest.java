package io.nightjar.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.spec.ScoringMode;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compiled scorers against the pipeline's own transform, row by row, on batches with every awkward case the
 * pipelines handle: missing and NaN numbers, unseen and missing categories, unseen users and items.
 */
class ScorersTest extends SparkTestBase {
  private static final String TABULAR = """
      name: t
      kind: elasticnet
      input: {path: unused}
      columns: {label: price}
      params: {regParam: 50, elasticNetParam: 0.9}
      model: {store: unused}
      """;
  private static final String ALS = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 5, maxIter: 6, regParam: 0.05}
      seed: 3
      model: {store: unused}
      """;

  private static Dataset<Row> homes;
  private static Dataset<Row> homeBatch;
  private static Dataset<Row> ratings;
  private static Dataset<Row> pairs;

  @BeforeAll
  static void data() {
    homes = Fixtures.homes(spark, 600, 5).cache();
    List<Row> odd = List.of(
        RowFactory.create(null, 10, 0.5, "north", 0.0),
        RowFactory.create(Double.NaN, 20, -0.5, "south", 0.0),
        RowFactory.create(1500.0, 30, 0.1, "west", 0.0),
        RowFactory.create(1200.0, 40, 0.2, null, 0.0),
        RowFactory.create(null, 50, Double.NaN, null, 0.0),
        RowFactory.create(1000.0, null, 0.3, "east", 0.0));
    homeBatch = Fixtures.homes(spark, 200, 99).union(spark.createDataFrame(odd, Fixtures.HOMES))
        .withColumn("id", monotonically_increasing_id()).cache();
    ratings = Fixtures.ratings(spark, 40, 30, 0.4, 11).cache();
    spark.sparkContext().setCheckpointDir(System.getProperty("java.io.tmpdir") + "/nightjar-test-checkpoints");
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 46; u += 3) {
      for (int i = 0; i < 32; i += 2) {
        rows.add(RowFactory.create(u < 40 ? Fixtures.userId(u) : "new-user-" + u,
            i < 30 ? Fixtures.itemId(i) : "new-item-" + i));
      }
    }
    pairs = spark.createDataFrame(rows, new StructType().add("user_id", DataTypes.StringType)
        .add("item_id", DataTypes.StringType)).withColumn("id", monotonically_increasing_id()).cache();
  }

  private static JobSpec spec(String yaml, String... overrides) {
    return JobSpecLoader.load("t.yaml", yaml, List.of(overrides));
  }

  private static PipelineModel fitTabular(ElasticNetPipeline.Family family, Dataset<Row> training,
      String... overrides) {
    JobSpec spec = spec(TABULAR, overrides);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), training.schema(), Set.of("ds"));
    return ElasticNetPipeline.build(spec, features, family).fit(training);
  }

  /** Every scored column of each row, by the row's id. */
  private static Map<Long, Row> byId(Dataset<Row> scored) {
    Map<Long, Row> rows = new HashMap<>();
    for (Row row : scored.collectAsList()) {
      rows.put(row.getLong(row.fieldIndex("id")), row);
    }
    return rows;
  }

  private static void assertClose(double expected, double actual, double relative, String what) {
    double scale = Math.max(1.0, Math.abs(expected));
    assertTrue(Math.abs(expected - actual) <= relative * scale,
        what + ": compiled " + actual + " vs transform " + expected);
  }

  @Test
  void compiledLinearScoresEqualThePipelineTransform() {
    PipelineModel model = fitTabular(ElasticNetPipeline.Family.GAUSSIAN, homes);
    Scorer compiled = Scorers.forModel(model, ScoringMode.COMPILED);
    Scorer reference = Scorers.forModel(model, ScoringMode.SPARK);
    assertEquals("compiled", compiled.method());
    assertEquals("spark", reference.method());
    assertTrue(((LinearScorer) compiled).terms() > 0);
    Dataset<Row> fast = compiled.score(homeBatch);
    Dataset<Row> slow = reference.score(homeBatch);
    assertArrayEquals(slow.columns(), fast.columns());
    assertEquals(DataTypes.DoubleType, fast.schema().apply(Columns.PREDICTION).dataType());
    Map<Long, Row> expected = byId(slow);
    Map<Long, Row> actual = byId(fast);
    assertEquals(206, actual.size());
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<Long, Row> entry : expected.entrySet()) {
      double want = entry.getValue().getDouble(entry.getValue().fieldIndex(Columns.PREDICTION));
      double got = actual.get(entry.getKey()).getDouble(actual.get(entry.getKey()).fieldIndex(Columns.PREDICTION));
      assertClose(want, got, 1e-12, "row " + entry.getKey());
    }
  }

  /** {@code scorer}'s parameters as a manifest stores them: written as JSON text and read back. */
  private static com.fasterxml.jackson.databind.JsonNode throughText(Scorer scorer) {
    try {
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      return json.readTree(json.writeValueAsString(scorer.parameters().orElseThrow()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aScorerRebuiltFromItsParametersScoresExactlyAsTheCompiledOne() {
    Dataset<Row> labelled = homes.withColumn("price", when(col("price").gt(lit(200000)), 1.0).otherwise(0.0));
    for (PipelineModel model : List.of(fitTabular(ElasticNetPipeline.Family.GAUSSIAN, homes),
        fitTabular(ElasticNetPipeline.Family.BINOMIAL, labelled, "params.regParam=0.01"))) {
      Scorer compiled = Scorers.forModel(model, ScoringMode.COMPILED);
      assertEquals(compiled.parameters(), Scorers.parametersOf(model));
      Scorer rebuilt = Scorers.fromParameters(throughText(compiled));
      assertEquals(compiled.parameters(), rebuilt.parameters(), "the same parameters after a round trip");
      assertEquals(((LinearScorer) compiled).terms(), ((LinearScorer) rebuilt).terms());
      List<Row> expected = compiled.score(homeBatch).orderBy("id").collectAsList();
      assertEquals(206, expected.size());
      assertEquals(expected, rebuilt.score(homeBatch).orderBy("id").collectAsList(), "every column, exactly");
    }
  }

  @Test
  void parametersThatAreMissingOrMalformedAreRefusedByName() {
    Scorer compiled = Scorers.forModel(fitTabular(ElasticNetPipeline.Family.GAUSSIAN, homes), ScoringMode.COMPILED);
    com.fasterxml.jackson.databind.node.ObjectNode noIntercept =
        (com.fasterxml.jackson.databind.node.ObjectNode) throughText(compiled);
    noIntercept.remove("intercept");
    com.fasterxml.jackson.databind.node.ObjectNode laterFormat =
        (com.fasterxml.jackson.databind.node.ObjectNode) throughText(compiled);
    laterFormat.put("format", 2);
    com.fasterxml.jackson.databind.node.ObjectNode textCoefficient =
        (com.fasterxml.jackson.databind.node.ObjectNode) throughText(compiled);
    ((com.fasterxml.jackson.databind.node.ObjectNode) textCoefficient.get("terms").get(0)).put("coefficient", "1.5");
    Map<com.fasterxml.jackson.databind.JsonNode, String> cases = Map.of(noIntercept, "'intercept' is not a finite "
        + "number", laterFormat, "format 2, this release reads 1", textCoefficient, "'coefficient' is not a finite "
        + "number: \"1.5\"");
    cases.forEach((json, message) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scorers.fromParameters(json));
      assertTrue(e.getMessage().contains(message), e.getMessage());
    });
  }

  @Test
  void aModelOfHundredsOfFeaturesIsCompiledAndScoresAsTheTransform() {
    // One expression nested as deep as there are terms would overflow the stack; 400 features must compile.
    int width = 400;
    StructType schema = new StructType().add("id", DataTypes.LongType).add("price", DataTypes.DoubleType);
    for (int f = 0; f < width; f++) {
      schema = schema.add(String.format("f%03d", f), DataTypes.DoubleType);
    }
    java.util.Random random = new java.util.Random(21);
    List<Row> rows = new java.util.ArrayList<>();
    for (long id = 0; id < 500; id++) {
      Object[] values = new Object[width + 2];
      double price = 0;
      for (int f = 0; f < width; f++) {
        double x = random.nextGaussian();
        values[f + 2] = x;
        price += (f % 7) * x;
      }
      values[0] = id;
      values[1] = price + random.nextGaussian();
      rows.add(RowFactory.create(values));
    }
    Dataset<Row> wide = spark.createDataFrame(rows, schema);
    PipelineModel model = fitTabular(ElasticNetPipeline.Family.GAUSSIAN, wide.drop("id"), "params.regParam=0.01",
        "params.maxIter=20");
    Scorer compiled = assertCompiledScoresClose(model, wide, 500, 1e-9);
    assertTrue(((LinearScorer) compiled).terms() > 300, "terms " + ((LinearScorer) compiled).terms());
  }

  /** Compiles {@code model}, scores {@code batch} both ways and compares every prediction; returns the scorer. */
  private static Scorer assertCompiledScoresClose(PipelineModel model, Dataset<Row> batch, int rows,
      double relative) {
    Scorer compiled = Scorers.forModel(model, ScoringMode.COMPILED);
    assertEquals("compiled", compiled.method());
    Map<Long, Row> expected = byId(Scorers.forModel(model, ScoringMode.SPARK).score(batch));
    Map<Long, Row> actual = byId(compiled.score(batch));
    assertEquals(rows, actual.size());
    for (Map.Entry<Long, Row> entry : expected.entrySet()) {
      Row got = actual.get(entry.getKey());
      assertClose(entry.getValue().getDouble(entry.getValue().fieldIndex(Columns.PREDICTION)),
          got.getDouble(got.fieldIndex(Columns.PREDICTION)), relative, "row " + entry.getValue());
    }
    return compiled;
  }

  @Test
  void aCategoricalWithManyLevelsIsLookedUpByItsIndex() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("code", DataTypes.IntegerType)
        .add("price", DataTypes.DoubleType);
    java.util.Random random = new java.util.Random(4);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 3000; k++) {
      int code = random.nextInt(LinearScorer.MAX_MAP_LEVELS + 50);
      double x = random.nextGaussian();
      rows.add(RowFactory.create(x, code, 3 * x + (code % 7) + random.nextGaussian() * 0.1));
    }
    Dataset<Row> training = spark.createDataFrame(rows, schema);
    JobSpec spec = spec(TABULAR, "columns.categorical=[code]", "params.regParam=0.001");
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), training.schema(), Set.of("ds"));
    PipelineModel model = ElasticNetPipeline.build(spec, features, ElasticNetPipeline.Family.GAUSSIAN)
        .fit(training);
    List<Row> batchRows = new ArrayList<>(rows.subList(0, 200));
    batchRows.add(RowFactory.create(0.5, 100_000, 0.0));
    batchRows.add(RowFactory.create(null, null, 0.0));
    Dataset<Row> batch = spark.createDataFrame(batchRows, schema).withColumn("id", monotonically_increasing_id());
    assertCompiledScoresClose(model, batch, 202, 1e-12);
    assertTrue(Scorers.parametersOf(model).isEmpty(), "a scorer that needs the fitted indexer has no parameters");
  }

  @Test
  void compiledLogisticScoresEqualThePipelineTransform() {
    Dataset<Row> labelled = homes.withColumn("price", when(col("price").gt(lit(200000)), 1.0).otherwise(0.0));
    PipelineModel model = fitTabular(ElasticNetPipeline.Family.BINOMIAL, labelled, "params.regParam=0.01");
    Scorer compiled = Scorers.forModel(model, ScoringMode.COMPILED);
    assertEquals("compiled", compiled.method());
    Map<Long, Row> expected = byId(Scorers.forModel(model, ScoringMode.SPARK).score(homeBatch));
    Map<Long, Row> actual = byId(compiled.score(homeBatch));
    assertEquals(expected.keySet(), actual.keySet());
    int positives = 0;
    for (Map.Entry<Long, Row> entry : expected.entrySet()) {
      Row want = entry.getValue();
      Row got = actual.get(entry.getKey());
      assertClose(want.getDouble(want.fieldIndex(ElasticNetPipeline.PROBABILITY)),
          got.getDouble(got.fieldIndex(ElasticNetPipeline.PROBABILITY)), 1e-12, "probability " + entry.getKey());
      assertEquals(want.getDouble(want.fieldIndex(Columns.PREDICTION)),
          got.getDouble(got.fieldIndex(Columns.PREDICTION)), "class of row " + entry.getKey());
      positives += got.getDouble(got.fieldIndex(Columns.PREDICTION)) == 1.0 ? 1 : 0;
    }
    assertTrue(positives > 0 && positives < expected.size(), "both classes predicted, got " + positives);
  }

  private static void assertAlsEqual(PipelineModel model) {
    assertAlsEqual(model, pairs, 0.0);
  }

  /** Whole-number ids: {@code u007} is user 7 (an int), {@code m012} item 12 (a long); new ids keep their number. */
  private static Dataset<Row> numbered(Dataset<Row> rows) {
    return rows.withColumn("user_id", org.apache.spark.sql.functions.regexp_extract(col("user_id"), "(\\d+)$", 1)
            .cast("int"))
        .withColumn("item_id", org.apache.spark.sql.functions.regexp_extract(col("item_id"), "(\\d+)$", 1)
            .cast("long"));
  }

  /** Within {@code tolerance}: 0 for bit for bit (ranks up to {@code Scorers.CHUNK}). */
  private static void assertAlsEqual(PipelineModel model, Dataset<Row> pairs, double tolerance) {
    assertAlsEqual(Scorers.forModel(model, ScoringMode.COMPILED), model, pairs, tolerance);
  }

  private static void assertAlsEqual(Scorer compiled, PipelineModel model, Dataset<Row> pairs, double tolerance) {
    assertEquals("compiled", compiled.method());
    Dataset<Row> fast = compiled.score(pairs);
    Dataset<Row> slow = Scorers.forModel(model, ScoringMode.SPARK).score(pairs);
    assertArrayEquals(slow.columns(), fast.columns());
    Map<Long, Row> expected = byId(slow);
    Map<Long, Row> actual = byId(fast);
    assertEquals(pairs.count(), actual.size());
    assertEquals(expected.keySet(), actual.keySet());
    Map<Integer, Integer> cases = new HashMap<>();
    for (Map.Entry<Long, Row> entry : expected.entrySet()) {
      Row want = entry.getValue();
      Row got = actual.get(entry.getKey());
      // Up to rank CHUNK, the same float dot product in the same order, the same double additions: bit for bit.
      assertEquals(want.getDouble(want.fieldIndex(Columns.PREDICTION)),
          got.getDouble(got.fieldIndex(Columns.PREDICTION)), tolerance, "prediction of row " + want);
      int coldStart = got.getInt(got.fieldIndex(Columns.COLD_START));
      assertEquals(want.getInt(want.fieldIndex(Columns.COLD_START)), coldStart, "cold start of row " + want);
      cases.merge(coldStart, 1, Integer::sum);
    }
    assertEquals(Set.of(0, 1, 2, 3), cases.keySet(), "every cold-start case is covered: " + cases);
  }

  @Test
  void compiledAlsScoresEqualThePipelineTransformForEveryColdStartCase() {
    assertAlsEqual(PipelineFactory.build(spec(ALS), null).fit(ratings));
  }

  @Test
  void compiledAlsWithWholeNumberIdsEqualsThePipelineTransform() {
    PipelineModel model = PipelineFactory.build(spec(ALS), null).fit(numbered(ratings));
    assertAlsEqual(model, numbered(pairs), 0.0);
  }

  @Test
  void lookupTablesTooLargeToCollectAreJoinedAsPlansAndScoreTheSame() {
    // Sides above the collect limit stay Spark plans (the joins of levels, biases and factors): forced here with a
    // limit of 0, for string ids and for whole-number ones.
    PipelineModel model = PipelineFactory.build(spec(ALS), null).fit(ratings);
    assertAlsEqual(FactorScorer.compile(model, 0).scorer().orElseThrow(), model, pairs, 0.0);
    PipelineModel numberedModel = PipelineFactory.build(spec(ALS), null).fit(numbered(ratings));
    assertAlsEqual(FactorScorer.compile(numberedModel, 0).scorer().orElseThrow(), numberedModel, numbered(pairs),
        0.0);
  }

  @Test
  void aWideAlsModelIsCompiledToo() {
    // A blend with the item autoencoder has ranks in the hundreds: the dot product must not be one expression
    // nested rank deep (it overflowed the stack at rank 311).
    PipelineModel model = PipelineFactory.build(spec(ALS, "params.rank=400", "params.maxIter=2"), null)
        .fit(ratings);
    assertAlsEqual(model, pairs, 1e-4);
  }

  @Test
  void compiledImplicitAlsScoresEqualThePipelineTransform() {
    assertAlsEqual(PipelineFactory.build(spec(ALS, "params.implicitPrefs=true", "params.alpha=2.0"), null)
        .fit(ratings));
  }

  @Test
  void aPipelineTheCompilerDoesNotKnowIsScoredByItsOwnTransform() {
    Dataset<Row> training = homes.na().drop();
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"sqft", "age"}).setOutputCol("features"),
        new LinearRegression().setLabelCol("price"),
        new SQLTransformer().setStatement("SELECT *, prediction * 2 AS doubled FROM __THIS__")}).fit(training);
    Scorer scorer = Scorers.forModel(model, ScoringMode.COMPILED);
    assertEquals("spark", scorer.method());
    Dataset<Row> scored = scorer.score(training.limit(10));
    assertEquals(10, scored.count());
    assertFalse(List.of(scored.columns()).contains("doubled"), "only the batch and the scored columns are kept");
  }
}
