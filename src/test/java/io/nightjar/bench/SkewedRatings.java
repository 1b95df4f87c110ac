package io.nightjar.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sin;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Generates explicit ratings with skewed popularity, at any size, deterministically from a seed: item popularity and
 * user activity follow power laws (a few items get most ratings, as in MovieLens), and each rating comes from a user
 * bias, an item bias and a low-rank taste term plus noise, rounded to 1..5.
 *
 * <p>Run {@code scripts/benchmark.sh SkewedRatings ROWS [OUT]} to write Parquet (user_id INT, item_id INT, rating
 * DOUBLE); benchmarks call {@link #ensure} to reuse a copy already generated.
 */
public final class SkewedRatings {
  private SkewedRatings() {}

  /** Ratings for ROWS rows: users = rows / 140, items = rows / 700 (MovieLens 20M's shape: 138k users, 27k items). */
  public static Dataset<Row> generate(SparkSession spark, long rows, long seed) {
    long users = Math.max(100, rows / 140);
    long items = Math.max(50, rows / 700);
    Dataset<Row> base = spark.range(0, rows, 1, Math.max(2, (int) (rows / 1_000_000) * 2))
        .withColumn("u", rand(seed))
        .withColumn("v", rand(seed + 1));
    // u^3 puts most mass on low indices: a few heavy users and very popular items.
    Dataset<Row> ids = base
        .withColumn("user_id", least(floor(pow(col("u"), 2.0).multiply(users)), lit(users - 1)).cast("int"))
        .withColumn("item_id", least(floor(pow(col("v"), 3.0).multiply(items)), lit(items - 1)).cast("int"));
    // Deterministic per-id biases and a 2-factor taste from hashes of the ids.
    org.apache.spark.sql.Column userBias = pmod(hash(col("user_id"), lit(seed)), lit(1000)).divide(1000.0).minus(0.5);
    org.apache.spark.sql.Column itemBias = log(col("item_id").plus(2)).multiply(-0.15).plus(0.6);
    org.apache.spark.sql.Column taste = sin(col("user_id").multiply(0.37)).multiply(sin(col("item_id").multiply(0.11)))
        .plus(sin(col("user_id").multiply(0.05)).multiply(sin(col("item_id").multiply(0.29)).multiply(0.5)));
    org.apache.spark.sql.Column raw = lit(3.5).plus(userBias).plus(itemBias).plus(taste.multiply(0.8))
        .plus(randn(seed + 2).multiply(0.6));
    return ids.withColumn("rating", least(lit(5.0), greatest(lit(1.0), round(raw))).cast("double"))
        .select("user_id", "item_id", "rating");
  }

  /** Writes {@code rows} ratings under {@code dir} unless a complete copy is already there; returns it read back. */
  public static Dataset<Row> ensure(SparkSession spark, Path dir, long rows, long seed) {
    if (!Files.exists(dir.resolve("_SUCCESS"))) {
      long start = System.nanoTime();
      generate(spark, rows, seed).write().mode(SaveMode.Overwrite).parquet(dir.toString());
      System.out.printf("generated %,d ratings under %s in %.1f s%n", rows, dir, BenchSupport.secondsSince(start));
    }
    return spark.read().parquet(dir.toString());
  }

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 20_000_000L;
    Path out = args.length > 1 ? Path.of(args[1]) : BenchSupport.benchDir().resolve("ratings-" + rows);
    SparkSession spark = BenchSupport.localSession("skewed-ratings");
    try {
      Dataset<Row> ratings = ensure(spark, out, rows, 7L);
      ratings.groupBy("rating").count().orderBy("rating").show();
      System.out.printf("users %d, items %d%n", ratings.select("user_id").distinct().count(),
          ratings.select("item_id").distinct().count());
    } finally {
      spark.stop();
    }
  }
}
