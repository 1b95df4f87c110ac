package io.nightjar.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.nightjar.io.PartitionedWriter;
import io.nightjar.recommend.TopKRecommender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Top-10 for every user of one ALS model, two ways, in the same run: (a) Spark's own
 * {@code ALSModel.recommendForAllUsers(10)} written to Parquet (the baseline; it cannot leave seen items out), and
 * (b) {@link TopKRecommender} with seen-item filtering on, written to Parquet partitioned by {@code ds} as the
 * recommend verb writes it. Both start from the same fitted model, whose factors are cached.
 *
 * <p>{@code scripts/benchmark.sh RecommendBench [ratings=20000000] [rank=10] [rounds=1]}: with several rounds, each
 * way runs once per round (alternating) and the best time of each counts.
 */
public final class RecommendBench {
  private RecommendBench() {}

  public static void main(String[] args) throws IOException {
    long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 20_000_000L;
    int rank = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int k = 10;
    System.out.println(BenchSupport.machine());
    SparkSession spark = BenchSupport.localSession("recommend-bench");
    try {
      Dataset<Row> ratings = SkewedRatings.ensure(spark, BenchSupport.benchDir().resolve("ratings-" + n), n, 7);
      long start = System.nanoTime();
      ALSModel model = new ALS().setRank(rank).setMaxIter(5).setRegParam(0.1).setSeed(42)
          .setUserCol("user_id").setItemCol("item_id").setRatingCol("rating").fit(ratings);
      long users = model.userFactors().count();
      long items = model.itemFactors().count();
      System.out.printf(Locale.ROOT, "ALS rank %d, 5 iterations on %,d ratings: %,d users, %,d items, fitted in %.1f s%n",
          rank, n, users, items, BenchSupport.secondsSince(start));

      Path outDir = BenchSupport.benchDir().resolve("recommend-out");
      double baseline = Double.MAX_VALUE;
      double ours = Double.MAX_VALUE;
      for (int round = 1; round <= rounds; round++) {
        BenchSupport.deleteTree(outDir);
        start = System.nanoTime();
        model.recommendForAllUsers(k).write().mode(SaveMode.Overwrite).parquet(outDir.resolve("spark").toString());
        double a = BenchSupport.secondsSince(start);
        start = System.nanoTime();
        Dataset<Row> top = TopKRecommender.forAls(model, ratings.select("user_id", "item_id"), k, 0)
            .withColumn("model_version", lit("bench")).withColumn("ds", lit("2026-11-20"));
        PartitionedWriter.write(top, outDir.resolve("nightjar").toString(), "ds");
        double b = BenchSupport.secondsSince(start);
        System.out.printf(Locale.ROOT, "round %d: recommendForAllUsers(%d) %.1f s, TopKRecommender (seen filtered) %.1f s%n",
            round, k, a, b);
        baseline = Math.min(baseline, a);
        ours = Math.min(ours, b);
      }
      long sparkFiles = parquetFiles(outDir.resolve("spark"));
      long ourFiles = parquetFiles(outDir.resolve("nightjar").resolve("ds=2026-11-20"));
      Dataset<Row> written = spark.read().parquet(outDir.resolve("nightjar").toString());
      long rows = written.count();
      long usersWritten = written.select("user").distinct().count();
      System.out.println(BenchSupport.ratio("top-" + k + " all users, seen filtered (s)", ours, baseline, "s"));
      System.out.println(BenchSupport.ratio("users per second", users / ours, users / baseline, "u/s"));
      System.out.printf(Locale.ROOT, "output: nightjar %,d rows for %,d users in %d file(s) under ds=2026-11-20; "
          + "spark %d file(s)%n", rows, usersWritten, ourFiles, sparkFiles);
      agreement(spark, model, outDir, k);
    } finally {
      spark.stop();
    }
  }

  /** Without seen filtering, our top-k must be Spark's own: checked on the predictions of 2000 users. */
  private static void agreement(SparkSession spark, ALSModel model, Path outDir, int k) {
    Dataset<Row> sample = model.userFactors().select(col("id").as("user_id")).orderBy("user_id").limit(2000);
    Dataset<Row> theirs = model.recommendForUserSubset(sample, k)
        .select(col("user_id").as("user"), explode(col("recommendations")).as("r"))
        .select(col("user"), col("r.rating").cast("double").as("p"));
    Dataset<Row> ours = TopKRecommender.forAls(model, null, k, 0)
        .join(sample, col("user").equalTo(col("user_id")))
        .select(col("user"), col("prediction").as("p"));
    // The same scores per user and rank, up to float rounding (ties may list items in another order).
    String sql = "SELECT user, posexplode(sort_array(collect_list(p), false)) AS (pos, p) FROM %s GROUP BY user";
    theirs.createOrReplaceTempView("theirs");
    ours.createOrReplaceTempView("ours");
    long differ = spark.sql("SELECT DISTINCT coalesce(a.user, b.user) FROM (" + String.format(sql, "theirs")
        + ") a FULL OUTER JOIN (" + String.format(sql, "ours") + ") b ON a.user = b.user AND a.pos = b.pos"
        + " WHERE a.p IS NULL OR b.p IS NULL OR abs(a.p - b.p) > 1e-4").count();
    System.out.printf("check: unfiltered top-%d of 2000 users vs recommendForUserSubset: %d user(s) differ%n", k,
        differ);
  }

  private static long parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
