package io.nightjar.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import io.nightjar.pipeline.ColdStartCounts;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Accuracy of the Nightjar ALS pipeline on MovieLens (issue 3), every test row scored, each figure beside plain Spark
 * ALS fitted in the same run and the published anchors:
 *
 * <ol>
 *   <li>ml-100k, standard u1.base / u1.test: RMSE (target at most 0.905);
 *   <li>ml-latest-small, seeded 80/20 split: RMSE (target at most 0.86);
 *   <li>ml-100k u.data, 75/25 split stratified per item, items seen in training removed: precision@10 of the
 *       implicit-preference pipeline (target at least 0.35), beside explicit plain ALS under the same protocol.
 * </ol>
 *
 * <p>Hyperparameters are chosen on a seeded 90/10 validation split of the training part only; the test part is
 * scored once, with the chosen configuration refitted on the whole training part. Precision@10 is computed here by a
 * private helper (the shared ranking evaluation lives in another branch).
 *
 * <p>Args, in any order: {@code quick} tries one candidate per grid (smoke run); {@code --ranking-only} runs only
 * the ml-100k ranking part, {@code --rmse-only} the two RMSE parts, {@code --u1-only} only
 * the u1 RMSE; {@code --explicit-grid=CONFIG|...} replaces
 * {@link #EXPLICIT_GRID} and {@code --implicit-grid=CONFIG|CONFIG|...} replaces {@link #IMPLICIT_GRID} for this run
 * (each CONFIG is ';'-separated job-spec overrides, as in the grid).
 */
public final class MovieLensBench {
  /** The ALS job spec of the MovieLens benchmarks (U1EnsembleBench uses it too); paths are set per run. */
  static final String SPEC = """
      name: movielens
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      seed: 42
      model: {store: unused}
      """;
  private static final String BLOCKS = "params.numUserBlocks=2;params.numItemBlocks=2";

  /**
   * Explicit candidates: bias shrinkage, then ALS on residuals (rank, ALS-WR regParam, iterations), then the same
   * blended with five plain rank-5 ALS fits on the raw ratings (the blend U1EnsembleBench found, see BENCHMARKS.md),
   * then that blend half and half with an item autoencoder of 500 units.
   */
  private static final List<String> EXPLICIT_GRID = List.of(
      "biases.regParam=5;biases.maxIter=20;params.rank=50;params.regParam=0.15;params.maxIter=15",
      "biases.regParam=5;biases.maxIter=20;params.rank=50;params.regParam=0.1;params.maxIter=15",
      "biases.regParam=5;biases.maxIter=20;params.rank=50;params.regParam=0.15;params.maxIter=15;"
          + "params.blendMembers=5;params.blendRank=5;params.blendRegParam=0.08;params.blendWeight=0.5",
      "biases.regParam=5;biases.maxIter=20;params.rank=50;params.regParam=0.15;params.maxIter=15;"
          + "params.blendMembers=5;params.blendRank=5;params.blendRegParam=0.08;params.blendWeight=0.5;"
          + "params.autoencoderUnits=500;params.autoencoderRegParam=100;params.autoencoderIterations=400;"
          + "params.autoencoderWeight=0.5");
  /**
   * Implicit candidates: confidence 1 + alpha * rating. The three best by validation precision@10 of a 42-config
   * search (rank 50-200, regParam 0.01-5, alpha 0.5-10, maxIter 10-20, on the validation split only); Spark scales
   * regParam by each user's and item's rating count, so the useful range sits near 1, and regParam 5 with a small
   * alpha collapses.
   */
  private static final List<String> IMPLICIT_GRID = List.of(
      "params.implicitPrefs=true;params.rank=100;params.regParam=0.75;params.alpha=3.0;params.maxIter=10",
      "params.implicitPrefs=true;params.rank=200;params.regParam=1.0;params.alpha=5.0;params.maxIter=10",
      "params.implicitPrefs=true;params.rank=100;params.regParam=1.0;params.alpha=5.0;params.maxIter=10");

  private MovieLensBench() {}

  public static void main(String[] args) {
    List<String> argList = List.of(args);
    boolean quick = argList.contains("quick");
    boolean rankingOnly = argList.contains("--ranking-only");
    boolean u1Only = argList.contains("--u1-only");
    boolean rmseOnly = u1Only || argList.contains("--rmse-only");
    List<String> implicitGrid = IMPLICIT_GRID;
    List<String> explicitGrid = EXPLICIT_GRID;
    for (String arg : argList) {
      if (arg.startsWith("--implicit-grid=")) {
        implicitGrid = List.of(arg.substring("--implicit-grid=".length()).split("\\|"));
      } else if (arg.startsWith("--explicit-grid=")) {
        explicitGrid = List.of(arg.substring("--explicit-grid=".length()).split("\\|"));
      }
    }
    System.out.println(BenchSupport.machine());
    SparkSession spark = BenchSupport.localSession("movielens-bench");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    spark.sparkContext().setCheckpointDir(BenchSupport.benchDir().resolve("checkpoints").toString());
    try {
      Path ml100k = BenchSupport.sharedDataset("movielens-100k");
      Path latest = BenchSupport.sharedDataset("movielens-latest-small");
      if (ml100k != null && !rankingOnly) {
        Dataset<Row> train = tabSeparated(spark, ml100k.resolve("u1.base")).cache();
        Dataset<Row> test = tabSeparated(spark, ml100k.resolve("u1.test")).cache();
        rmse(spark, "ml-100k u1", train, test, grid(explicitGrid, quick), 0.905,
            "anchors: plain Spark ALS rank 10-50 0.928-0.938; Surprise SVD 0.934, SVD++ 0.919 (5-fold); GC-MC 0.905");
      }
      if (ml100k != null && !rmseOnly) {
        ranking(spark, tabSeparated(spark, ml100k.resolve("u.data")), grid(implicitGrid, quick));
      }
      if (latest != null && !rankingOnly && !u1Only) {
        Dataset<Row> all = spark.read().option("header", "true")
            .schema("user_id INT, item_id INT, rating DOUBLE, ts LONG").csv(latest.resolve("ratings.csv").toString())
            .drop("ts");
        Dataset<Row>[] split = all.randomSplit(new double[] {0.8, 0.2}, 42L);
        rmse(spark, "ml-latest-small 80/20 (seed 42)", split[0].cache(), split[1].cache(),
            grid(explicitGrid, quick), 0.86, "target at most 0.86");
      }
    } finally {
      spark.stop();
    }
  }

  private static List<String> grid(List<String> grid, boolean quick) {
    return quick ? grid.subList(0, 1) : grid;
  }

  private static Dataset<Row> tabSeparated(SparkSession spark, Path file) {
    return spark.read().option("sep", "\t").schema("user_id INT, item_id INT, rating DOUBLE, ts LONG")
        .csv(file.toString()).drop("ts");
  }

  private static PipelineModel fit(String config, Dataset<Row> train) {
    List<String> overrides = new ArrayList<>(List.of((config + ";" + BLOCKS).split(";")));
    return PipelineFactory.build(JobSpecLoader.load("movielens", SPEC, overrides), null).fit(train);
  }

  private static double rmseOf(Dataset<Row> scored) {
    return scored.agg(sqrt(avg(pow(col("rating").minus(col("prediction")), 2)))).first().getDouble(0);
  }

  /** Picks a config on a 90/10 validation split of {@code train}, refits on all of it, scores {@code test} once. */
  private static void rmse(SparkSession spark, String name, Dataset<Row> train, Dataset<Row> test,
      List<String> grid, double target, String anchors) {
    System.out.printf("== %s: %d training rows, %d test rows%n", name, train.count(), test.count());
    Dataset<Row>[] inner = train.randomSplit(new double[] {0.9, 0.1}, 7L);
    Dataset<Row> fitPart = inner[0].cache();
    Dataset<Row> validation = inner[1].cache();
    String best = null;
    double bestRmse = Double.MAX_VALUE;
    for (String config : grid) {
      long start = System.nanoTime();
      double value = rmseOf(fit(config, fitPart).transform(validation));
      System.out.printf(Locale.ROOT, "  validation RMSE %.4f  %s  (%.0f s)%n", value, config,
          BenchSupport.secondsSince(start));
      if (value < bestRmse) {
        bestRmse = value;
        best = config;
      }
    }
    System.out.printf(Locale.ROOT, "  chosen by validation RMSE (90/10 split of the training part, seed 7): %s%n",
        best);
    long start = System.nanoTime();
    Dataset<Row> scored = fit(best, train).transform(test).cache();
    double fitSeconds = BenchSupport.secondsSince(start);
    double nightjar = rmseOf(scored);
    ColdStartCounts cold = ColdStartCounts.of(scored);
    double plain = plainAlsRmse(train, test);
    System.out.println("  " + BenchSupport.ratio("test RMSE, Nightjar pipeline vs plain ALS", nightjar, plain, ""));
    System.out.printf(Locale.ROOT, "  test RMSE %.4f (target at most %.3f: %s); fit+score %.0f s%n", nightjar, target,
        nightjar <= target ? "met" : "NOT met", fitSeconds);
    System.out.printf("  test rows %d, scored %d; cold-start path: %d user unseen, %d item unseen, %d both%n",
        test.count(), cold.rows(), cold.userUnseen(), cold.itemUnseen(), cold.bothUnseen());
    System.out.println("  " + anchors);
    scored.unpersist();
  }

  /** Plain Spark ALS (rank 10, regParam 0.1, 10 iterations), NaN for unseen ids replaced by the training mean. */
  private static double plainAlsRmse(Dataset<Row> train, Dataset<Row> test) {
    double mean = train.agg(avg("rating")).first().getDouble(0);
    ALSModel model = new ALS().setUserCol("user_id").setItemCol("item_id").setRatingCol("rating").setRank(10)
        .setRegParam(0.1).setMaxIter(10).setNumUserBlocks(2).setNumItemBlocks(2).setSeed(42L).fit(train);
    Dataset<Row> scored = model.setColdStartStrategy("nan").transform(test)
        .withColumn("prediction", when(isnan(col("prediction")), lit(mean)).otherwise(col("prediction")));
    return rmseOf(scored);
  }

  // ---------------------------------------------------------------------------------------------------- ranking

  private static void ranking(SparkSession spark, Dataset<Row> ratings, List<String> grid) {
    Dataset<Row>[] split = stratifiedByItem(ratings, 0.75, 42L);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    System.out.printf("== ml-100k ranking: 75/25 split stratified per item (seed 42): %d training, %d test rows%n",
        train.count(), test.count());
    Dataset<Row>[] inner = stratifiedByItem(train, 0.8, 7L);
    Dataset<Row> fitPart = inner[0].cache();
    Dataset<Row> validation = inner[1].cache();
    String best = null;
    double bestPrecision = -1;
    for (String config : grid) {
      long start = System.nanoTime();
      double value = precisionAt10(fit(config, fitPart), fitPart, validation);
      System.out.printf(Locale.ROOT, "  validation precision@10 %.4f  %s  (%.0f s)%n", value, config,
          BenchSupport.secondsSince(start));
      if (value > bestPrecision) {
        bestPrecision = value;
        best = config;
      }
    }
    System.out.printf(Locale.ROOT, "  chosen by validation precision@10 (80/20 per-item split of the training part, "
        + "seed 7): %s%n", best);
    PipelineModel model = fit(best, train);
    double nightjar = precisionAt10(model, train, test);
    double nanScores = model.transform(test).where(isnan(col("prediction")).or(col("prediction").isNull())).count();
    ALSModel plain = new ALS().setUserCol("user_id").setItemCol("item_id").setRatingCol("rating").setRank(10)
        .setRegParam(0.1).setMaxIter(10).setNumUserBlocks(2).setNumItemBlocks(2).setSeed(42L).fit(train);
    double explicit = precisionAt10(factors(plain.userFactors()), factors(plain.itemFactors()), train, test);
    System.out.println("  " + BenchSupport.ratio("precision@10, implicit pipeline vs explicit ALS", nightjar,
        explicit, ""));
    System.out.printf(Locale.ROOT, "  precision@10 %.4f (target at least 0.35: %s); NaN scores on test rows: %.0f%n",
        nightjar, nightjar >= 0.35 ? "met" : "NOT met", nanScores);
    System.out.println("  anchors (Microsoft Recommenders, ml-100k): SAR 0.33, BPR 0.39, explicit Spark ALS 0.048");
  }

  /** Each item's ratings split {@code fraction} / rest at random (an item with one rating stays in training). */
  private static Dataset<Row>[] stratifiedByItem(Dataset<Row> ratings, double fraction, long seed) {
    Dataset<Row> ranked = ratings.withColumn("__r", rand(seed))
        .withColumn("__pos", row_number().over(Window.partitionBy("item_id").orderBy("__r")))
        .withColumn("__n", count(lit(1)).over(Window.partitionBy("item_id")));
    org.apache.spark.sql.Column inTrain = col("__pos").leq(functionsGreatest1(col("__n").multiply(fraction)));
    @SuppressWarnings("unchecked")
    Dataset<Row>[] parts = new Dataset[] {
        ranked.where(inTrain).drop("__r", "__pos", "__n"),
        ranked.where(inTrain.unary_$bang()).drop("__r", "__pos", "__n")};
    return parts;
  }

  private static org.apache.spark.sql.Column functionsGreatest1(org.apache.spark.sql.Column c) {
    return org.apache.spark.sql.functions.greatest(org.apache.spark.sql.functions.round(c), lit(1));
  }

  /** Precision@10 of the pipeline's ALS factors (mapped back to the original ids through its indexer). */
  private static double precisionAt10(PipelineModel model, Dataset<Row> train, Dataset<Row> test) {
    StringIndexerModel indexer = (StringIndexerModel) model.stages()[0];
    ALSModel als = (ALSModel) model.stages()[2];
    String[][] labels = indexer.labelsArray();
    return precisionAt10(relabel(factors(als.userFactors()), labels[0]), relabel(factors(als.itemFactors()),
        labels[1]), train, test);
  }

  private static Map<Integer, float[]> factors(Dataset<Row> table) {
    Map<Integer, float[]> result = new HashMap<>();
    for (Row row : table.collectAsList()) {
      List<Float> values = row.getList(1);
      float[] vector = new float[values.size()];
      for (int k = 0; k < vector.length; k++) {
        vector[k] = values.get(k);
      }
      result.put(row.getInt(0), vector);
    }
    return result;
  }

  private static Map<Integer, float[]> relabel(Map<Integer, float[]> byIndex, String[] labels) {
    Map<Integer, float[]> result = new HashMap<>();
    byIndex.forEach((index, vector) -> result.put(Integer.parseInt(labels[index]), vector));
    return result;
  }

  /**
   * For each test user: the 10 highest-scored items among the training items the user has not rated in training;
   * precision = relevant (in the user's test rows) / 10, averaged over the test users. Users or items without
   * factors score 0 (what the pipeline's cold-start path gives in implicit mode).
   */
  private static double precisionAt10(Map<Integer, float[]> users, Map<Integer, float[]> items,
      Dataset<Row> train, Dataset<Row> test) {
    Map<Integer, Set<Integer>> seen = byUser(train);
    Map<Integer, Set<Integer>> relevant = byUser(test);
    List<Integer> catalogue = new ArrayList<>(items.keySet());
    double total = 0;
    for (Map.Entry<Integer, Set<Integer>> entry : relevant.entrySet()) {
      float[] user = users.get(entry.getKey());
      Set<Integer> exclude = seen.getOrDefault(entry.getKey(), Set.of());
      int[] top = new int[10];
      double[] topScore = new double[10];
      java.util.Arrays.fill(topScore, Double.NEGATIVE_INFINITY);
      for (int item : catalogue) {
        if (exclude.contains(item)) {
          continue;
        }
        double score = 0;
        if (user != null) {
          float[] vector = items.get(item);
          for (int k = 0; k < vector.length; k++) {
            score += user[k] * vector[k];
          }
        }
        if (score > topScore[9]) {
          int pos = 9;
          while (pos > 0 && score > topScore[pos - 1]) {
            topScore[pos] = topScore[pos - 1];
            top[pos] = top[pos - 1];
            pos--;
          }
          topScore[pos] = score;
          top[pos] = item;
        }
      }
      int hits = 0;
      for (int k = 0; k < 10; k++) {
        if (topScore[k] > Double.NEGATIVE_INFINITY && entry.getValue().contains(top[k])) {
          hits++;
        }
      }
      total += hits / 10.0;
    }
    return total / relevant.size();
  }

  private static Map<Integer, Set<Integer>> byUser(Dataset<Row> ratings) {
    Map<Integer, Set<Integer>> result = new HashMap<>();
    for (Row row : ratings.select("user_id", "item_id").collectAsList()) {
      result.computeIfAbsent(row.getInt(0), k -> new HashSet<>()).add(row.getInt(1));
    }
    return result;
  }
}
