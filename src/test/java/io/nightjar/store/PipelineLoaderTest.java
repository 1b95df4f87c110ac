package io.nightjar.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ModelException;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.pipeline.stage.SavedParams;
import io.nightjar.score.Scorers;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.spec.ScoringMode;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.MatrixUDT;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest extends SparkTestBase {
  private static final String ALS = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 3, maxIter: 4}
      model: {store: unused}
      """;
  private static final String TABULAR = """
      name: t
      kind: elasticnet
      input: {path: unused}
      columns: {label: price}
      model: {store: unused}
      """;

  @TempDir
  Path dir;

  private static JobSpec spec(String yaml) {
    return JobSpecLoader.load("t.yaml", yaml, List.of());
  }

  /** Loaded in parallel, the pipeline has the same stages and scores the same as with PipelineModel.load. */
  private void assertLoadsLikeSpark(PipelineModel fitted, Dataset<Row> data) throws IOException {
    String path = dir.resolve("pipeline").toString();
    fitted.write().save(path);
    PipelineModel ours = PipelineLoader.load(new org.apache.hadoop.fs.Path(path), new Configuration());
    PipelineModel spark = PipelineModel.load(path);
    assertEquals(spark.uid(), ours.uid());
    assertArrayEquals(Stream.of(spark.stages()).map(Transformer::uid).toArray(),
        Stream.of(ours.stages()).map(Transformer::uid).toArray());
    assertArrayEquals(Stream.of(spark.stages()).map(s -> s.getClass().getName()).toArray(),
        Stream.of(ours.stages()).map(s -> s.getClass().getName()).toArray());
    for (int index = 0; index < spark.stages().length; index++) {
      assertEquals(params(spark.stages()[index]), params(ours.stages()[index]), spark.stages()[index].uid());
    }
    List<Row> expected = spark.transform(data).select("prediction").collectAsList();
    assertEquals(expected, ours.transform(data).select("prediction").collectAsList());
    assertTrue(expected.size() > 10);
  }

  /** Every param of {@code stage}: whether it is set, and its value or default as JSON. */
  private static Map<String, String> params(Params stage) {
    Map<String, String> out = new TreeMap<>();
    for (Param<?> param : stage.params()) {
      @SuppressWarnings("unchecked")
      Param<Object> p = (Param<Object>) param;
      String value = stage.isDefined(p) ? p.jsonEncode(stage.getOrDefault(p)) : "undefined";
      out.put(p.name(), (stage.isSet(p) ? "set " : "default ") + value);
    }
    return out;
  }

  @Test
  void nightjarsBiasStageAndParamsOnlyStagesLoadWithoutASparkJob() throws IOException {
    spark.sparkContext().setCheckpointDir(dir.resolve("checkpoints").toString());
    Dataset<Row> ratings = Fixtures.ratings(spark, 20, 15, 0.5, 3);
    PipelineModel fitted = PipelineFactory.build(spec(ALS), null).fit(ratings);
    BiasModel biases = (BiasModel) Stream.of(fitted.stages()).filter(BiasModel.class::isInstance).findFirst()
        .orElseThrow();
    String biasDir = dir.resolve("biases").toString();
    biases.write().save(biasDir);
    BiasModel[] loaded = new BiasModel[1];
    assertEquals(List.of(), jobsDuring(() -> loaded[0] = BiasModel.read().load(biasDir)),
        "a Spark job read the bias stage");
    assertEquals(params(biases), params(loaded[0]));
    Dataset<Row> indexed = fitted.stages()[0].transform(ratings);
    assertEquals(biases.transform(indexed).collectAsList(), loaded[0].transform(indexed).collectAsList());
    assertTrue(indexed.count() > 10);

    // A pipeline of stages that are only params: Spark's VectorAssembler and Nightjar's PredictionCombiner.
    Transformer combiner = Stream.of(fitted.stages()).filter(PredictionCombiner.class::isInstance).findFirst()
        .orElseThrow();
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"user_id", "item_id"})
        .setOutputCol("ids").setHandleInvalid("skip");
    String path = dir.resolve("params-only").toString();
    new PipelineModel("params-only", new Transformer[] {assembler, combiner}).write().save(path);
    PipelineModel[] ours = new PipelineModel[1];
    assertEquals(List.of(), jobsDuring(() -> ours[0] = PipelineLoader.load(new org.apache.hadoop.fs.Path(path),
        new Configuration())), "a Spark job read a params-only stage");
    PipelineModel theirs = PipelineModel.load(path);
    for (int index = 0; index < 2; index++) {
      assertEquals(theirs.stages()[index].getClass(), ours[0].stages()[index].getClass());
      assertEquals(theirs.stages()[index].uid(), ours[0].stages()[index].uid());
      assertEquals(params(theirs.stages()[index]), params(ours[0].stages()[index]));
    }
    assertEquals("set \"skip\"", params(ours[0].stages()[0]).get("handleInvalid"));
  }

  @Test
  void paramsOnlyMetadataOfAnotherClassIsRefused() throws IOException {
    String path = dir.resolve("assembler").toString();
    new VectorAssembler().setInputCols(new String[] {"a"}).setOutputCol("v").write().save(path);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedParams.load(
        new org.apache.hadoop.fs.Path(path), new Configuration(), PredictionCombiner.class.getName()));
    assertTrue(e.getMessage().contains(VectorAssembler.class.getName()), e.getMessage());
  }

  @Test
  void metadataInTwoPartFilesIsRefusedByTheLoaderAndTheAllowList() throws IOException {
    Path saved = dir.resolve("pipeline-of-one");
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"a"}).setOutputCol("v");
    new PipelineModel("one", new Transformer[] {assembler}).write().save(saved.toString());
    Path metadata;
    try (Stream<Path> stages = Files.list(saved.resolve("stages"))) {
      metadata = stages.findFirst().orElseThrow().resolve("metadata");
    }
    Path part;
    try (Stream<Path> files = Files.list(metadata)) {
      part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
    Files.copy(part, part.resolveSibling("part-99999-crafted.txt"));
    org.apache.hadoop.fs.Path pipeline = new org.apache.hadoop.fs.Path(saved.toString());
    Configuration conf = new Configuration();
    for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
        () -> PipelineLoader.load(pipeline, conf),
        () -> StageAllowList.check(pipeline.getFileSystem(conf), pipeline))) {
      ModelException e = assertThrows(ModelException.class, read);
      assertTrue(e.getMessage().contains("2 metadata part files"), e.getMessage());
      assertTrue(e.getMessage().contains(metadata.getParent().getFileName().toString()), e.getMessage());
    }
  }

  @Test
  void loadsAnAlsPipelineWithNightjarsOwnStages() throws IOException {
    spark.sparkContext().setCheckpointDir(dir.resolve("checkpoints").toString());
    Dataset<Row> ratings = Fixtures.ratings(spark, 20, 15, 0.5, 3);
    assertLoadsLikeSpark(PipelineFactory.build(spec(ALS), null).fit(ratings), ratings);
  }

  /**
   * Spark's indexer and ALS model, with their small data, load without a Spark job (DriverStages), hold what Spark's
   * readers give (the labels, the factor rows and their schema), and the ALS pipeline compiles without one too.
   */
  @Test
  void anAlsPipelineWithSmallTablesLoadsAndCompilesWithoutASparkJob() throws IOException {
    spark.sparkContext().setCheckpointDir(dir.resolve("checkpoints").toString());
    Dataset<Row> ratings = Fixtures.ratings(spark, 20, 15, 0.5, 3);
    String path = dir.resolve("als").toString();
    PipelineFactory.build(spec(ALS), null).fit(ratings).write().save(path);
    PipelineModel[] ours = new PipelineModel[1];
    assertEquals(List.of(), jobsDuring(() -> ours[0] = PipelineLoader.load(new org.apache.hadoop.fs.Path(path),
        new Configuration())), "a Spark job read the ALS pipeline");
    assertEquals(List.of(), jobsDuring(() -> Scorers.forModel(ours[0], ScoringMode.COMPILED)),
        "a Spark job compiled the ALS pipeline");
    PipelineModel theirs = PipelineModel.load(path);
    StringIndexerModel indexer = (StringIndexerModel) ours[0].stages()[0];
    assertArrayEquals(((StringIndexerModel) theirs.stages()[0]).labelsArray(), indexer.labelsArray());
    assertEquals(2, indexer.labelsArray().length);
    assertTrue(indexer.labelsArray()[0].length >= 15, "user labels " + indexer.labelsArray()[0].length);
    ALSModel als = (ALSModel) ours[0].stages()[2];
    ALSModel sparks = (ALSModel) theirs.stages()[2];
    assertEquals(sparks.rank(), als.rank());
    for (String side : List.of("user", "item")) {
      Dataset<Row> factors = side.equals("user") ? als.userFactors() : als.itemFactors();
      Dataset<Row> expected = side.equals("user") ? sparks.userFactors() : sparks.itemFactors();
      assertEquals(expected.schema(), factors.schema(), side);
      assertEquals(expected.orderBy("id").collectAsList(), factors.orderBy("id").collectAsList(), side);
      assertTrue(factors.count() >= 10, side);
    }
  }

  @Test
  void loadsAnElasticNetPipeline() throws IOException {
    Dataset<Row> homes = Fixtures.homes(spark, 300, 3);
    JobSpec spec = spec(TABULAR);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    assertLoadsLikeSpark(PipelineFactory.build(spec, features).fit(homes), homes);
  }

  /**
   * An ElasticNet pipeline (imputer, indexer, one-hot encoder, assembler, linear regression) loads without a Spark job
   * and holds the surrogates, labels, category sizes and coefficients Spark's readers give.
   */
  @Test
  void anElasticNetPipelineLoadsWithoutASparkJob() throws IOException {
    Dataset<Row> homes = Fixtures.homes(spark, 300, 3);
    JobSpec spec = spec(TABULAR);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    String path = dir.resolve("elasticnet").toString();
    PipelineFactory.build(spec, features).fit(homes).write().save(path);
    PipelineModel[] ours = new PipelineModel[1];
    assertEquals(List.of(), jobsDuring(() -> ours[0] = PipelineLoader.load(new org.apache.hadoop.fs.Path(path),
        new Configuration())), "a Spark job read the ElasticNet pipeline");
    PipelineModel theirs = PipelineModel.load(path);
    List<String> classes = new java.util.ArrayList<>();
    for (int index = 0; index < theirs.stages().length; index++) {
      Transformer mine = ours[0].stages()[index];
      Transformer sparks = theirs.stages()[index];
      classes.add(mine.getClass().getSimpleName());
      if (mine instanceof ImputerModel imputer) {
        assertEquals(((ImputerModel) sparks).surrogateDF().collectAsList(), imputer.surrogateDF().collectAsList());
        assertEquals(((ImputerModel) sparks).surrogateDF().schema(), imputer.surrogateDF().schema());
      } else if (mine instanceof OneHotEncoderModel oneHot) {
        assertArrayEquals(((OneHotEncoderModel) sparks).categorySizes(), oneHot.categorySizes());
      } else if (mine instanceof StringIndexerModel indexer) {
        assertArrayEquals(((StringIndexerModel) sparks).labelsArray(), indexer.labelsArray());
      } else if (mine instanceof LinearRegressionModel linear) {
        LinearRegressionModel expected = (LinearRegressionModel) sparks;
        assertEquals(expected.coefficients(), linear.coefficients());
        assertEquals(expected.intercept(), linear.intercept());
        assertEquals(expected.scale(), linear.scale());
        assertTrue(linear.coefficients().size() >= 3, linear.coefficients().toString());
      }
    }
    assertTrue(classes.containsAll(List.of("ImputerModel", "StringIndexerModel", "OneHotEncoderModel",
        "LinearRegressionModel")), classes.toString());
  }

  /** A vector as Spark's VectorUDT stores it in Parquet, dense and sparse, comes back as the same vector. */
  @Test
  void storedVectorsAreRebuiltDenseAndSparse() {
    List<Vector> vectors = List.of(Vectors.dense(1.5, -2.0, 0.0), Vectors.sparse(5, new int[] {1, 4},
        new double[] {3.0, -0.5}), Vectors.dense(new double[0]));
    List<Row> rows = vectors.stream().map(v -> org.apache.spark.sql.RowFactory.create(v)).toList();
    String path = dir.resolve("vectors").toString();
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("v", new VectorUDT()))
        .coalesce(1).write().parquet(path);
    io.nightjar.io.DriverParquet.Table table = io.nightjar.io.DriverParquet.rows(
        new org.apache.hadoop.fs.Path(path), new Configuration(), 1 << 20).orElseThrow();
    assertEquals(new VectorUDT(), table.schema().apply("v").dataType());
    List<Vector> read = table.rows().stream().map(r -> DriverStages.vector((Row) r.get(0)).orElseThrow()).toList();
    assertEquals(vectors, read);
    assertTrue(read.get(1) instanceof org.apache.spark.ml.linalg.SparseVector);
  }

  /** Logistic regressions, binomial and multinomial, load without a Spark job and as Spark's reader loads them. */
  @Test
  void logisticRegressionsLoadWithoutASparkJob() {
    List<Row> rows = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(5);
    for (int k = 0; k < 300; k++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      rows.add(org.apache.spark.sql.RowFactory.create(Vectors.dense(a, b, random.nextGaussian()),
          (double) (a + b > 0.5 ? 2 : a > 0 ? 1 : 0), a > 0 ? 1.0 : 0.0));
    }
    Dataset<Row> data = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("features", new VectorUDT()).add("three", "double").add("two", "double"));
    for (String family : List.of("binomial", "multinomial")) {
      LogisticRegressionModel fitted = new LogisticRegression().setFamily(family).setElasticNetParam(1.0)
          .setRegParam(0.05).setLabelCol(family.equals("binomial") ? "two" : "three").fit(data);
      String path = dir.resolve("logistic-" + family).toString();
      try {
        new PipelineModel("logistic", new Transformer[] {fitted}).write().save(path);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      PipelineModel[] ours = new PipelineModel[1];
      assertEquals(List.of(), jobsDuring(() -> ours[0] = PipelineLoader.load(new org.apache.hadoop.fs.Path(path),
          new Configuration())), family);
      LogisticRegressionModel mine = (LogisticRegressionModel) ours[0].stages()[0];
      LogisticRegressionModel sparks = (LogisticRegressionModel) PipelineModel.load(path).stages()[0];
      assertEquals(sparks.coefficientMatrix(), mine.coefficientMatrix(), family);
      assertEquals(sparks.interceptVector(), mine.interceptVector(), family);
      assertEquals(sparks.numClasses(), mine.numClasses(), family);
      assertEquals(family.equals("binomial") ? 2 : 3, mine.numClasses(), family);
      assertEquals(params(sparks), params(mine), family);
      assertEquals(sparks.transform(data).select("probability").collectAsList(),
          mine.transform(data).select("probability").collectAsList(), family);
    }
  }

  /** A matrix as Spark's MatrixUDT stores it in Parquet, dense and sparse, transposed or not, comes back the same. */
  @Test
  void storedMatricesAreRebuiltDenseAndSparse() {
    List<Matrix> matrices = List.of(Matrices.dense(2, 3, new double[] {1, 2, 3, 4, 5, 6}),
        Matrices.dense(2, 3, new double[] {1, 2, 3, 4, 5, 6}).transpose(),
        Matrices.sparse(3, 2, new int[] {0, 1, 3}, new int[] {0, 1, 2}, new double[] {1.5, -2, 4}),
        Matrices.sparse(3, 2, new int[] {0, 1, 3}, new int[] {0, 1, 2}, new double[] {1.5, -2, 4}).transpose());
    List<Row> rows = matrices.stream().map(m -> org.apache.spark.sql.RowFactory.create(m)).toList();
    String path = dir.resolve("matrices").toString();
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("m", new MatrixUDT()))
        .coalesce(1).write().parquet(path);
    List<Matrix> read = io.nightjar.io.DriverParquet.rows(new org.apache.hadoop.fs.Path(path), new Configuration(),
        1 << 20).orElseThrow().rows().stream().map(r -> DriverStages.matrix((Row) r.get(0)).orElseThrow()).toList();
    assertEquals(matrices, read);
    for (int index = 0; index < matrices.size(); index++) {
      assertEquals(matrices.get(index).getClass(), read.get(index).getClass());
      assertEquals(matrices.get(index).isTransposed(), read.get(index).isTransposed());
    }
  }

  @Test
  void aMissingStageIsAModelErrorNamingIt() throws IOException {
    Dataset<Row> homes = Fixtures.homes(spark, 100, 3);
    JobSpec spec = spec(TABULAR);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    Path pipeline = dir.resolve("broken");
    PipelineFactory.build(spec, features).fit(homes).write().save(pipeline.toString());
    Path stage;
    try (Stream<Path> stages = Files.list(pipeline.resolve("stages"))) {
      stage = stages.filter(p -> p.getFileName().toString().startsWith("1_")).findFirst().orElseThrow();
    }
    try (Stream<Path> files = Files.walk(stage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    ModelException e = assertThrows(ModelException.class,
        () -> PipelineLoader.load(new org.apache.hadoop.fs.Path(pipeline.toString()), new Configuration()));
    assertTrue(e.getMessage().contains(stage.getFileName().toString()), e.getMessage());
  }
}
