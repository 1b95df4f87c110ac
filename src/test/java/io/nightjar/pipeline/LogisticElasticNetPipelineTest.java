package io.nightjar.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.pipeline.ElasticNetPipeline.Family;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.store.StageAllowList;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogisticElasticNetPipelineTest extends SparkTestBase {
  private static final String SPEC = """
      name: t
      kind: elasticnet
      input: {path: unused}
      columns: {label: bought}
      params: {regParam: 0.0001, elasticNetParam: 0.5, maxIter: 200}
      model: {store: unused}
      """;
  static final StructType SHOP = new StructType()
      .add("x", DataTypes.DoubleType)
      .add("color", DataTypes.StringType)
      .add("bought", DataTypes.IntegerType);

  private static Dataset<Row> shop;
  private static PipelineModel model;

  /** P(bought) = sigmoid(-1 + 2 x + 1.5 [color = red]); x uniform on [-2, 2]. */
  static Dataset<Row> shop(int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double x = random.nextDouble() * 4 - 2;
      String color = random.nextBoolean() ? "red" : "blue";
      double margin = -1 + 2 * x + (color.equals("red") ? 1.5 : 0);
      int bought = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
      rows.add(RowFactory.create(k % 50 == 0 ? null : x, color, bought));
    }
    return spark.createDataFrame(rows, SHOP);
  }

  @BeforeAll
  static void fit() {
    shop = shop(2000, 7).cache();
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of());
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), shop.schema(), Set.of());
    model = ElasticNetPipeline.build(spec, features, Family.BINOMIAL).fit(shop);
  }

  @Test
  void binomialEndsInALogisticRegressionThatRecoversTheCoefficients() {
    LogisticRegressionModel logistic = (LogisticRegressionModel) model.stages()[model.stages().length - 1];
    assertEquals("binomial", logistic.getFamily());
    double[] b = logistic.coefficients().toArray();
    // Assembled order: imputed x, then color's one-hot levels by frequency (the fixture is balanced: 2 levels, one
    // slot each after dropLast keeps both because the spare "unseen" index is the one dropped).
    assertEquals(2, b.length - 1, "x plus 2 color levels");
    assertEquals(2.0, b[0], 0.25, "x");
    // The red-minus-blue difference is what the data determines: 1.5.
    List<String> labels = List.of(((org.apache.spark.ml.feature.StringIndexerModel) model.stages()[1])
        .labelsArray()[0]);
    double red = b[1 + labels.indexOf("red")];
    double blue = b[1 + labels.indexOf("blue")];
    assertEquals(1.5, red - blue, 0.3, "red minus blue");
  }

  @Test
  void positiveProbabilityIsADoubleBetweenZeroAndOneMatchingThePrediction() {
    List<Row> rows = model.transform(shop)
        .select(ElasticNetPipeline.positiveProbability().alias(ElasticNetPipeline.PROBABILITY), org.apache.spark.sql.functions.col(Columns.PREDICTION))
        .collectAsList();
    assertEquals(2000, rows.size());
    for (Row row : rows) {
      double p = row.getDouble(0);
      assertTrue(p > 0 && p < 1, "probability " + p);
      assertEquals(p > 0.5 ? 1.0 : 0.0, row.getDouble(1), "prediction at threshold 0.5 for p=" + p);
    }
  }

  @Test
  void savedBinomialPipelinePassesTheAllowListAndLoads(@TempDir Path dir) throws Exception {
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    StageAllowList.check(FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()),
        new org.apache.hadoop.fs.Path(path));
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> before = model.transform(shop).select(ElasticNetPipeline.positiveProbability()).collectAsList();
    List<Row> after = loaded.transform(shop).select(ElasticNetPipeline.positiveProbability()).collectAsList();
    for (int k = 0; k < before.size(); k++) {
      assertEquals(before.get(k).getDouble(0), after.get(k).getDouble(0), 1e-12);
    }
  }

  @Test
  void paramsGoToTheLogisticRegressionAndAreChecked() {
    JobSpec spec = JobSpecLoader.load("en.yaml", SPEC, List.of());
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), shop.schema(), Set.of());
    Pipeline pipeline = ElasticNetPipeline.build(spec, features, Family.BINOMIAL);
    LogisticRegression logistic = (LogisticRegression) PipelineFactory.learner(pipeline, spec);
    assertEquals(0.0001, logistic.getRegParam());
    assertEquals(0.5, logistic.getElasticNetParam());
    assertEquals(200, logistic.getMaxIter());

    JobSpec huber = JobSpecLoader.load("en.yaml", SPEC, List.of("params.loss=huber"));
    JobSpecException unknown = assertThrows(JobSpecException.class,
        () -> ElasticNetPipeline.build(huber, features, Family.BINOMIAL));
    assertTrue(unknown.getMessage().startsWith("params.loss is not a param of LogisticRegression; its params are: "),
        unknown.getMessage());
    JobSpec multinomial = JobSpecLoader.load("en.yaml", SPEC, List.of("params.family=multinomial"));
    JobSpecException reserved = assertThrows(JobSpecException.class,
        () -> ElasticNetPipeline.build(multinomial, features, Family.BINOMIAL));
    assertTrue(reserved.getMessage().startsWith("params.family is set by Nightjar"), reserved.getMessage());
    // The gaussian build is unchanged: same spec, LinearRegression.
    assertTrue(PipelineFactory.learner(PipelineFactory.build(spec, features), spec) instanceof LinearRegression);
  }

  @Test
  void familyParsesItsSpecNames() {
    assertEquals(Family.BINOMIAL, Family.fromSpec("family", "Binomial"));
    assertEquals(Family.GAUSSIAN, Family.fromSpec("family", "gaussian"));
    JobSpecException e = assertThrows(JobSpecException.class, () -> Family.fromSpec("model.family", "poisson"));
    assertEquals("model.family = 'poisson' is not a family; use gaussian (a numeric label) or binomial (a 0/1 label)",
        e.getMessage());
  }

  @Test
  void labelKindDetectsBinaryNumbersAndBooleans() {
    assertEquals(LabelKind.BINARY, LabelKind.detect(shop, "bought"));
    assertEquals(LabelKind.OTHER, LabelKind.detect(shop, "x"));
    assertEquals(LabelKind.OTHER, LabelKind.detect(shop, "color"));
    StructType flags = new StructType().add("f", DataTypes.BooleanType).add("d", DataTypes.DoubleType);
    Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create(true, 1.0), RowFactory.create(false, 0.0),
        RowFactory.create(true, 1.0)), flags);
    LabelKind.Summary summary = LabelKind.requireBinary(data, "f");
    assertEquals(new LabelKind.Summary("f", DataTypes.BooleanType, 3, 0, 1, 2), summary);
    assertEquals(2.0 / 3, summary.positiveRate(), 1e-12);
    assertEquals(LabelKind.BINARY, LabelKind.detect(data, "d"));
    assertEquals(List.of(1.0, 0.0, 1.0), LabelKind.withDoubleLabel(data, "f").select("f").as(
        org.apache.spark.sql.Encoders.DOUBLE()).collectAsList());
  }

  @Test
  void requireBinaryNamesTheColumnAndOffendingValues() {
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("s", DataTypes.StringType);
    Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create(0.0, "a"), RowFactory.create(1.0, "b"),
        RowFactory.create(2.0, "c"), RowFactory.create(0.5, "d"), RowFactory.create(2.0, "e")), schema);
    InputDataException others = assertThrows(InputDataException.class, () -> LabelKind.requireBinary(data, "y"));
    assertEquals("family binomial needs a label of 0 and 1, but 3 of 5 rows of the label column 'y' hold other "
        + "values, for example [0.5, 2.0]; recode the label to 0/1, or use family gaussian for a numeric target",
        others.getMessage());
    InputDataException type = assertThrows(InputDataException.class, () -> LabelKind.requireBinary(data, "s"));
    assertTrue(type.getMessage().contains("the label column 's' has type string"), type.getMessage());
    Dataset<Row> withNull = spark.createDataFrame(List.of(RowFactory.create(0.0, "a"), RowFactory.create(null, "b"),
        RowFactory.create(1.0, "c")), schema);
    InputDataException nulls = assertThrows(InputDataException.class, () -> LabelKind.requireBinary(withNull, "y"));
    assertTrue(nulls.getMessage().contains("1 of 3 rows of the label column 'y' have no label"), nulls.getMessage());
    Dataset<Row> oneClass = spark.createDataFrame(List.of(RowFactory.create(0.0, "a"), RowFactory.create(0.0, "b")),
        schema);
    InputDataException single = assertThrows(InputDataException.class, () -> LabelKind.requireBinary(oneClass, "y"));
    assertTrue(single.getMessage().contains("all 2 rows of the label column 'y' are 0"), single.getMessage());
    InputDataException missing = assertThrows(InputDataException.class, () -> LabelKind.requireBinary(data, "z"));
    assertTrue(missing.getMessage().startsWith("the label column 'z' (columns.label) is not in the input"));
  }
}
