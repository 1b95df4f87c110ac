package io.nightjar.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.nightjar.evaluate.BinaryEvaluation;
import io.nightjar.evaluate.BinaryEvaluation.BinaryHoldout;
import io.nightjar.evaluate.BinaryEvaluation.BinaryMetrics;
import io.nightjar.evaluate.CoefficientReport;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.pipeline.ElasticNetPipeline.Family;
import io.nightjar.pipeline.LabelKind;
import io.nightjar.pipeline.TabularFeatures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Binomial ElasticNet on the UCI Adult census data ({@code ../shared/data/adult-census/adult.data}, label income
 * {@code >50K} = 1) on a seeded 80/20 split: AUC-ROC, AUC-PR, log-loss and accuracy beside the reference that always
 * predicts the training positive rate (the majority class at threshold 0.5). Also times the fit beside a gaussian
 * fit on the same features, and Nightjar's evaluation beside Spark's BinaryClassificationEvaluator (whose areas it
 * must match).
 *
 * <p>{@code scripts/benchmark.sh AdultCensusBench [regParam] [elasticNetParam]} (defaults 0.001 and 0.5).
 */
public final class AdultCensusBench {
  private static final String SCHEMA = "age INT, workclass STRING, fnlwgt INT, education STRING, education_num INT, "
      + "marital_status STRING, occupation STRING, relationship STRING, race STRING, sex STRING, capital_gain INT, "
      + "capital_loss INT, hours_per_week INT, native_country STRING, income STRING";
  private static final List<String> NUMERIC = List.of("age", "fnlwgt", "education_num", "capital_gain",
      "capital_loss", "hours_per_week");
  private static final List<String> CATEGORICAL = List.of("workclass", "education", "marital_status", "occupation",
      "relationship", "race", "sex", "native_country");

  private AdultCensusBench() {}

  public static void main(String[] args) {
    System.out.println(BenchSupport.machine());
    Path dir = BenchSupport.sharedDataset("adult-census");
    if (dir == null) {
      return;
    }
    double regParam = args.length > 0 ? Double.parseDouble(args[0]) : 0.001;
    double elasticNetParam = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    SparkSession spark = BenchSupport.localSession("adult-census-bench");
    try {
      run(spark, dir, regParam, elasticNetParam);
    } finally {
      spark.stop();
    }
  }

  private static void run(SparkSession spark, Path dir, double regParam, double elasticNetParam) {
    Dataset<Row> raw = spark.read().schema(SCHEMA).option("sep", ",").option("ignoreLeadingWhiteSpace", "true")
        .option("ignoreTrailingWhiteSpace", "true").option("nullValue", "?").option("mode", "FAILFAST")
        .csv(dir.resolve("adult.data").toString())
        .where(col("income").isNotNull());
    Dataset<Row> data = raw.withColumn("label", when(trim(col("income")).equalTo(">50K"), 1.0).otherwise(0.0))
        .drop("income");
    Dataset<Row>[] split = data.randomSplit(new double[] {0.8, 0.2}, 42);
    Dataset<Row> training = split[0].cache();
    Dataset<Row> holdout = split[1].cache();
    LabelKind.Summary summary = LabelKind.requireBinary(training, "label");
    long holdoutRows = holdout.count();
    System.out.printf(Locale.ROOT, "data: %d training rows (positive rate %.4f), %d holdout rows; regParam %s, "
        + "elasticNetParam %s%n", summary.rows(), summary.positiveRate(), holdoutRows, regParam, elasticNetParam);

    Map<String, JsonNode> params = new LinkedHashMap<>();
    params.put("regParam", JsonNodeFactory.instance.numberNode(regParam));
    params.put("elasticNetParam", JsonNodeFactory.instance.numberNode(elasticNetParam));
    params.put("maxIter", JsonNodeFactory.instance.numberNode(100));
    TabularFeatures features = new TabularFeatures(NUMERIC, CATEGORICAL);

    long start = System.nanoTime();
    PipelineModel gaussian = ElasticNetPipeline.build(params, "label", features, Family.GAUSSIAN).fit(training);
    double gaussianSeconds = BenchSupport.secondsSince(start);
    start = System.nanoTime();
    PipelineModel model = ElasticNetPipeline.build(params, "label", features, Family.BINOMIAL).fit(training);
    double fitSeconds = BenchSupport.secondsSince(start);

    Dataset<Row> scored = model.transform(holdout)
        .withColumn(ElasticNetPipeline.PROBABILITY, ElasticNetPipeline.positiveProbability()).cache();
    scored.count();
    start = System.nanoTime();
    BinaryHoldout result = BinaryEvaluation.evaluate(scored, "label", col(ElasticNetPipeline.PROBABILITY),
        summary.positiveRate());
    double evaluateSeconds = BenchSupport.secondsSince(start);
    start = System.nanoTime();
    BinaryClassificationEvaluator spark4 = new BinaryClassificationEvaluator()
        .setRawPredictionCol(ElasticNetPipeline.PROBABILITY).setLabelCol("label").setNumBins(0);
    double sparkRoc = spark4.setMetricName("areaUnderROC").evaluate(scored);
    double sparkPr = spark4.setMetricName("areaUnderPR").evaluate(scored);
    double sparkSeconds = BenchSupport.secondsSince(start);

    BinaryMetrics m = result.model();
    BinaryMetrics r = result.reference();
    System.out.println("holdout metrics: model beside the constant training-positive-rate reference "
        + "(majority class for accuracy)");
    System.out.println(line("AUC-ROC", m.aucRoc(), r.aucRoc()));
    System.out.println(line("AUC-PR", m.aucPr(), r.aucPr()));
    System.out.println(line("log-loss", m.logLoss(), r.logLoss()));
    System.out.println(line("accuracy (threshold 0.5)", m.accuracy(), r.accuracy()));
    System.out.printf(Locale.ROOT, "confusion at 0.5: TP %d FP %d TN %d FN %d; curves %d ROC / %d PR points%n",
        m.confusion().truePositives(), m.confusion().falsePositives(), m.confusion().trueNegatives(),
        m.confusion().falseNegatives(), m.roc().size(), m.pr().size());
    System.out.println("cross-check against Spark's BinaryClassificationEvaluator (numBins 0), same scored rows:");
    System.out.println(line("AUC-ROC Nightjar vs Spark", m.aucRoc(), sparkRoc));
    System.out.println(line("AUC-PR Nightjar vs Spark", m.aucPr(), sparkPr));
    System.out.println(BenchSupport.ratio("fit seconds: binomial vs gaussian", fitSeconds, gaussianSeconds, "s"));
    System.out.println(BenchSupport.ratio("evaluate seconds: Nightjar vs Spark (2 areas)", evaluateSeconds,
        sparkSeconds, "s"));

    CoefficientReport coefficients = CoefficientReport.of(model, training);
    System.out.printf(Locale.ROOT, "coefficients: %d of %d non-zero, intercept %.4f; largest:%n",
        coefficients.nonZero(), coefficients.coefficients().size(), coefficients.intercept());
    coefficients.coefficients().stream().limit(5).forEach(c ->
        System.out.printf(Locale.ROOT, "  %-40s %9.4f%n", c.name(), c.value()));
    System.out.printf(Locale.ROOT, "gaussian model on the same label for reference: %d coefficients%n",
        CoefficientReport.of(gaussian, training).coefficients().size());
  }

  private static String line(String what, double value, double baseline) {
    return String.format(Locale.ROOT, "%-44s %10.4f   baseline %10.4f   ratio %.3f", what, value, baseline,
        value / baseline);
  }
}
