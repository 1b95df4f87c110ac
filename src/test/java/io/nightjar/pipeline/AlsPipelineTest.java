package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.JobSpecException;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlsPipelineTest extends SparkTestBase {
  private static final String SPEC = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 4, maxIter: 8, regParam: 0.05, numUserBlocks: 2, numItemBlocks: 2}
      seed: 3
      model: {store: unused}
      """;

  private static final StructType PAIRS = Fixtures.PAIRS;

  private static Dataset<Row> ratings;
  private static PipelineModel model;

  @BeforeAll
  static void fit() {
    ratings = Fixtures.alsRatings(spark);
    model = PipelineFactory.build(spec(), null).fit(ratings);
  }

  private static JobSpec spec(String... overrides) {
    return JobSpecLoader.load("als.yaml", SPEC, List.of(overrides));
  }

  private static Map<String, Double> predictions(Transformer transformer, Dataset<Row> pairs) {
    Map<String, Double> result = new HashMap<>();
    for (Row row : transformer.transform(pairs).select("user_id", "item_id", "prediction").collectAsList()) {
      result.put(row.getString(0) + "/" + row.getString(1), row.getDouble(2));
    }
    return result;
  }

  @Test
  void unseenUsersAndItemsGetFinitePredictionsAndNoRowIsDropped() {
    Dataset<Row> pairs = spark.createDataFrame(List.of(
        RowFactory.create("u001", "m001"),
        RowFactory.create("nobody", "m001"),
        RowFactory.create("u001", "nothing"),
        RowFactory.create("nobody", "nothing"),
        RowFactory.create(null, "m002")), PAIRS);
    List<Row> scored = model.transform(pairs).select("prediction").collectAsList();
    assertEquals(5, scored.size());
    for (Row row : scored) {
      double value = row.getDouble(0);
      assertTrue(Double.isFinite(value), "finite prediction, got " + value);
    }
  }

  @Test
  void bothUnseenFallsBackToTheGlobalMean() {
    BiasModel biases = (BiasModel) model.stages()[1];
    Dataset<Row> pairs = spark.createDataFrame(List.of(RowFactory.create("nobody", "nothing")), PAIRS);
    double prediction = model.transform(pairs).first().getAs("prediction");
    assertEquals(biases.getGlobalMean(), prediction, 1e-9);
    double mean = ratings.agg(org.apache.spark.sql.functions.avg("rating")).first().getDouble(0);
    assertEquals(mean, biases.getGlobalMean(), 1e-9);
  }

  @Test
  void aUserWhoRatesEverythingFiveGetsTheLargestBias() {
    BiasModel biases = (BiasModel) model.stages()[1];
    // The indexer orders ids by frequency; find u000's index through the fitted indexer itself.
    Dataset<Row> indexed = model.stages()[0].transform(ratings.where(col("user_id").equalTo("u000")).limit(1));
    double index = indexed.first().getAs("__nj_user_idx");
    Row top = biases.userBiases().orderBy(col("b").desc()).first();
    assertEquals(index, top.getDouble(0), 0.0);
    assertTrue(top.getDouble(1) > 0.5, "bias of a 5-star-only user: " + top.getDouble(1));
  }

  @Test
  void beatsTheBaselineAloneOnTrainingData() {
    Dataset<Row> scored = model.transform(ratings);
    double modelSse = scored.selectExpr("sum(pow(rating - prediction, 2))").first().getDouble(0);
    double baselineSse = scored.selectExpr("sum(pow(rating - __nj_baseline, 2))").first().getDouble(0);
    assertTrue(modelSse < baselineSse, "latent factors reduce the error: " + modelSse + " vs " + baselineSse);
  }

  @Test
  void savedPipelineLoadsAndPredictsTheSame(@TempDir Path dir) throws Exception {
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertTrue(loaded.stages()[1] instanceof BiasModel);
    assertTrue(loaded.stages()[2] instanceof ALSModel);
    assertSamePredictions(model, loaded, 1e-9);
  }

  /** Both models score every training pair and one unseen user alike, to within {@code tolerance}. */
  private static void assertSamePredictions(PipelineModel expected, PipelineModel actual, double tolerance) {
    Dataset<Row> pairs = ratings.select("user_id", "item_id")
        .union(spark.createDataFrame(List.of(RowFactory.create("nobody", "m001")), PAIRS));
    Map<String, Double> before = predictions(expected, pairs);
    Map<String, Double> after = predictions(actual, pairs);
    assertEquals(before.size(), after.size());
    before.forEach((key, value) -> assertEquals(value, after.get(key), tolerance, key));
  }

  @Test
  void theTrainVerbsFitIndexingOnceGivesTheSameModelAsPipelineFit() throws Exception {
    java.nio.file.Path checkpoints = java.nio.file.Path.of(spark.sparkContext().getCheckpointDir().get().replace(
        "file:", ""));
    long before = countCheckpoints(checkpoints);
    PipelineModel staged = PipelineFactory.fit(spec(), PipelineFactory.build(spec(), null), ratings);
    assertEquals(model.stages().length, staged.stages().length);
    for (int k = 0; k < model.stages().length; k++) {
      assertEquals(model.stages()[k].getClass(), staged.stages()[k].getClass(), "stage " + k);
    }
    assertSamePredictions(model, staged, 1e-5);
    // One compact copy of the indexed ratings serves the bias fit and ALS; it stays checkpointed (factors lost with
    // an executor are recomputed from it) until the run's checkpoint directory is removed.
    assertEquals(before + 1, countCheckpoints(checkpoints), "checkpoints under " + checkpoints);
  }

  @Test
  void theStagedFitOfABlendGivesTheSameModelAsPipelineFit() {
    JobSpec blend = spec("params.blendMembers=2", "params.blendRank=3");
    PipelineModel expected = PipelineFactory.build(blend, null).fit(ratings);
    PipelineModel staged = PipelineFactory.fit(blend, PipelineFactory.build(blend, null), ratings);
    assertEquals(4 + 2 * 3 + 2, ((ALSModel) staged.stages()[2]).rank());
    assertSamePredictions(expected, staged, 1e-5);
  }

  @Test
  void tuningsPrefixFitGivesPipelineFitsStagesAndTrainingRows() {
    org.apache.spark.ml.PipelineStage[] prefix = java.util.Arrays.copyOf(
        PipelineFactory.build(spec(), null).getStages(), 2);
    io.nightjar.tune.PrefixFitter.Fitted fast = PipelineFactory.prefixFitter(spec()).fit(prefix, ratings);
    io.nightjar.tune.PrefixFitter.Fitted standard = io.nightjar.tune.PrefixFitter.standard().fit(prefix, ratings);
    for (int k = 0; k < 2; k++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          ((org.apache.spark.ml.feature.StringIndexerModel) standard.model().stages()[0]).labelsArray()[k],
          ((org.apache.spark.ml.feature.StringIndexerModel) fast.model().stages()[0]).labelsArray()[k]);
    }
    assertEquals(((BiasModel) standard.model().stages()[1]).getGlobalMean(),
        ((BiasModel) fast.model().stages()[1]).getGlobalMean(), 1e-12);
    String[] learned = {"__nj_user_idx", "__nj_item_idx", "rating", "__nj_residual"};
    List<Row> expected = standard.train().selectExpr(learned).orderBy(learned[0], learned[1], learned[2]).collectAsList();
    List<Row> actual = fast.train().selectExpr(learned).orderBy(learned[0], learned[1], learned[2]).collectAsList();
    assertEquals(expected.size(), actual.size());
    for (int row = 0; row < expected.size(); row++) {
      for (int field = 0; field < 3; field++) {
        assertEquals(expected.get(row).get(field), actual.get(row).get(field), "row " + row);
      }
      assertEquals(expected.get(row).getDouble(3), actual.get(row).getDouble(3), 1e-9, "residual of row " + row);
    }
  }

  @Test
  void theFastIndexerGivesStringIndexersLabelsAndIndicesForStringAndWholeNumberIds() {
    Dataset<Row> withNull = ratings.union(spark.createDataFrame(List.of(RowFactory.create(null, "m001", 3.0)),
        Fixtures.RATINGS));
    Dataset<Row> wholeNumbers = withNull
        .withColumn("user_id", org.apache.spark.sql.functions.substring(col("user_id"), 2, 3).cast("int"))
        .withColumn("item_id", org.apache.spark.sql.functions.substring(col("item_id"), 2, 3).cast("long"));
    for (Dataset<Row> input : List.of(withNull, wholeNumbers)) {
      org.apache.spark.ml.feature.StringIndexer indexer = (org.apache.spark.ml.feature.StringIndexer)
          PipelineFactory.build(spec(), null).getStages()[0];
      assertTrue(IdIndexing.applies(indexer, input.schema()));
      org.apache.spark.ml.feature.StringIndexerModel spark = indexer.fit(input);
      IdIndexing.Indexed fast = IdIndexing.index(indexer, input, "rating");
      for (int k = 0; k < 2; k++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(spark.labelsArray()[k], fast.model().labelsArray()[k],
            "labels of " + indexer.getInputCols()[k] + " (" + input.schema().apply(indexer.getInputCols()[k])
                .dataType() + ")");
      }
      assertEquals(indexer.uid(), fast.model().uid());
      assertEquals("keep", fast.model().getHandleInvalid());
      List<Row> expected = spark.transform(input).select("__nj_user_idx", "__nj_item_idx", "rating")
          .orderBy("__nj_user_idx", "__nj_item_idx", "rating").collectAsList();
      List<Row> actual = fast.rows().orderBy("__nj_user_idx", "__nj_item_idx", "rating").collectAsList();
      assertEquals(expected, actual);
    }
  }

  @Test
  void wholeNumberIdsAreCountedAndIndexedInMemoryAsStringIndexerDoes() {
    Dataset<Row> wholeNumbers = wholeNumberIds(ratings);
    org.apache.spark.ml.feature.StringIndexer indexer = (org.apache.spark.ml.feature.StringIndexer)
        PipelineFactory.build(spec(), null).getStages()[0];
    // Small ids (counted in arrays indexed by the id), then negative and huge ones (counted in hash tables).
    Dataset<Row> farApart = wholeNumbers.withColumn("item_id",
        col("item_id").multiply(1_000_000_000_000L).minus(7_000_000_000_000L));
    for (Dataset<Row> input : List.of(wholeNumbers, farApart)) {
      org.apache.spark.ml.feature.StringIndexerModel expected = indexer.fit(input);
      IdIndexing.InMemory inMemory = IdIndexing.inMemory(indexer, input, "rating").orElseThrow();
      for (int k = 0; k < 2; k++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.labelsArray()[k],
            inMemory.model().labelsArray()[k], "labels of " + indexer.getInputCols()[k]);
      }
      assertEquals(indexer.uid(), inMemory.model().uid());
    }
    // A null id needs the indexer's spare index: the general path indexes such rows.
    Dataset<Row> withNull = wholeNumbers.union(spark.createDataFrame(
        List.of(RowFactory.create(null, 1L, 3.0)), wholeNumbers.schema()));
    assertFalse(IdIndexing.inMemory(indexer, withNull, "rating").isPresent());
    // String ids are indexed the general way.
    assertFalse(IdIndexing.inMemory(indexer, ratings, "rating").isPresent());
  }

  @Test
  void theStagedFitOfWholeNumberIdsGivesTheSameModelAsPipelineFit() throws Exception {
    Dataset<Row> wholeNumbers = wholeNumberIds(ratings);
    PipelineModel expected = PipelineFactory.build(spec(), null).fit(wholeNumbers);
    java.nio.file.Path checkpoints = java.nio.file.Path.of(spark.sparkContext().getCheckpointDir().get().replace(
        "file:", ""));
    long before = countCheckpoints(checkpoints);
    PipelineModel staged = PipelineFactory.fit(spec(), PipelineFactory.build(spec(), null), wholeNumbers);
    // The copy indexed in memory is recomputable from the input in two narrow steps: it is not written out.
    assertEquals(before, countCheckpoints(checkpoints), "checkpoints under " + checkpoints);
    Map<String, Double> predicted = new HashMap<>();
    for (Row row : expected.transform(wholeNumbers).select("user_id", "item_id", "prediction").collectAsList()) {
      predicted.put(row.get(0) + "/" + row.get(1), row.getDouble(2));
    }
    List<Row> after = staged.transform(wholeNumbers).select("user_id", "item_id", "prediction").collectAsList();
    assertEquals(predicted.size(), after.size());
    for (Row row : after) {
      assertEquals(predicted.get(row.get(0) + "/" + row.get(1)), row.getDouble(2), 1e-5,
          row.get(0) + "/" + row.get(1));
    }
  }

  @Test
  void theStagedFitOfNoRatingsSaysSo() {
    Dataset<Row> none = wholeNumberIds(ratings).limit(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PipelineFactory.fit(spec(), PipelineFactory.build(spec(), null), none));
    assertTrue(e.getMessage().startsWith("Cannot fit biases: the training data has no row"), e.getMessage());
  }

  /** The fixture's ratings with int user ids and long item ids ("u017" becomes 17). */
  private static Dataset<Row> wholeNumberIds(Dataset<Row> rows) {
    return rows
        .withColumn("user_id", org.apache.spark.sql.functions.substring(col("user_id"), 2, 3).cast("int"))
        .withColumn("item_id", org.apache.spark.sql.functions.substring(col("item_id"), 2, 3).cast("long"));
  }

  /** Checkpointed RDDs under {@code dir}, leaving out ALS's own factor checkpoints (those have a partitioner). */
  private static long countCheckpoints(java.nio.file.Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return 0;
    }
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("rdd-") && java.nio.file.Files.isDirectory(f))
          .filter(f -> !java.nio.file.Files.exists(f.resolve("_partitioner"))).count();
    }
  }

  @Test
  void saveRefusesAnExistingPath(@TempDir Path dir) {
    String path = dir.toString();
    assertThrows(java.io.IOException.class, () -> model.write().save(path));
  }

  @Test
  void aReservedParamIsRejectedWithWhatToSetInstead() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> PipelineFactory.build(spec("params.userCol=uid"), null));
    assertEquals("params.userCol is set by Nightjar; set columns.user instead", e.getMessage());
  }

  @Test
  void anUnknownParamIsRejectedWithTheKnownOnes() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> PipelineFactory.build(spec("params.rnak=5"), null));
    assertTrue(e.getMessage().startsWith("params.rnak is not a param of ALS; its params are: "), e.getMessage());
    assertTrue(e.getMessage().contains("rank"), e.getMessage());
    assertFalse(e.getMessage().contains("userCol"), "reserved params are not offered: " + e.getMessage());
  }

  @Test
  void aParamOfTheWrongTypeIsRejected() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> PipelineFactory.build(spec("params.rank=ten"), null));
    assertTrue(e.getMessage().startsWith("params.rank = \"ten\" is not valid for ALS"), e.getMessage());
  }

  @Test
  void anInvalidParamValueIsRejected() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> PipelineFactory.build(spec("params.rank=0"), null));
    assertTrue(e.getMessage().startsWith("params.rank = 0 is not valid for ALS"), e.getMessage());
  }

  @Test
  void aWholeNumberIsAcceptedForADoubleParam() {
    org.apache.spark.ml.recommendation.ALS als = (org.apache.spark.ml.recommendation.ALS) PipelineFactory.learner(
        PipelineFactory.build(spec("params.alpha=2"), null), spec("params.alpha=2"));
    assertEquals(2.0, als.getAlpha());
  }
}
