package io.nightjar.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Seeded tabular batches for the predict benchmarks, at any size: 20 numeric features {@code x00..x19} (doubles,
 * about 1% of {@code x00} missing), two categoricals ({@code region}: 12 levels, {@code channel}: 150 levels), and
 * the partition column {@code ds} spread evenly over {@link #DATES} dates from {@link #FIRST_DATE}. The same seed and
 * size always give the same rows. {@link #training} adds a {@code label} that is a linear function of the features
 * plus noise, for fitting the benchmark model quickly on a sample.
 *
 * <p>Run {@code scripts/benchmark.sh TabularBatches ROWS [OUT]} to write a batch; benchmarks call {@link #ensure}.
 */
public final class TabularBatches {
  /** Numeric feature count. */
  public static final int NUMERIC = 20;
  /** How many ds partitions a batch spans. */
  public static final int DATES = 4;
  public static final LocalDate FIRST_DATE = LocalDate.of(2026, 11, 20);

  private TabularBatches() {}

  /** {@code rows} batch rows (no label), partition column {@code ds} as a yyyy-MM-dd string. */
  public static Dataset<Row> batch(SparkSession spark, long rows, long seed) {
    return features(spark, rows, seed);
  }

  /** {@code rows} labelled rows (no ds) for training the benchmark model. */
  public static Dataset<Row> training(SparkSession spark, long rows, long seed) {
    Dataset<Row> data = features(spark, rows, seed);
    Column label = lit(100.0);
    for (int k = 0; k < NUMERIC; k++) {
      // x00 may be null: treat it as 0 in the label so every label is finite.
      Column x = k == 0 ? when(col(name(k)).isNull(), lit(0.0)).otherwise(col(name(k))) : col(name(k));
      label = label.plus(x.multiply((k % 5) - 2.0));
    }
    label = label.plus(when(col("region").equalTo("r03"), lit(5.0)).otherwise(lit(0.0)))
        .plus(randn(seed + 99).multiply(0.5));
    return data.withColumn("label", label).drop("ds");
  }

  public static String name(int k) {
    return String.format("x%02d", k);
  }

  private static Dataset<Row> features(SparkSession spark, long rows, long seed) {
    int slices = (int) Math.max(2, Math.min(64, rows / 500_000));
    Dataset<Row> base = spark.range(0, rows, 1, slices).toDF();
    List<Column> cols = new ArrayList<>();
    for (int k = 0; k < NUMERIC; k++) {
      Column value = randn(seed + k).multiply(k + 1.0).plus(k * 10.0);
      if (k == 0) {
        value = when(rand(seed + 1000).lt(0.01), lit(null).cast("double")).otherwise(value);
      }
      cols.add(value.as(name(k)));
    }
    cols.add(concat(lit("r"), lpad(floor(rand(seed + 2000).multiply(12)).cast("string"), 2, "0")).as("region"));
    cols.add(concat(lit("c"), lpad(floor(rand(seed + 2001).multiply(150)).cast("string"), 3, "0")).as("channel"));
    // ds by id modulo the dates, so every date gets the same share; date_add keeps it a plain yyyy-MM-dd string.
    cols.add(org.apache.spark.sql.functions.date_add(lit(FIRST_DATE.toString()).cast("date"),
        pmod(col("id"), lit(DATES)).cast("int")).cast("string").as("ds"));
    return base.select(cols.toArray(Column[]::new));
  }

  /** Writes the batch under {@code dir} partitioned by ds unless a complete copy is there; returns the root. */
  public static Path ensure(SparkSession spark, Path dir, long rows, long seed) {
    if (!Files.exists(dir.resolve("_SUCCESS"))) {
      long start = System.nanoTime();
      BenchSupport.deleteTree(dir);
      batch(spark, rows, seed).write().mode(SaveMode.Overwrite).partitionBy("ds").parquet(dir.toString());
      System.out.printf("generated %,d tabular rows under %s in %.1f s%n", rows, dir, BenchSupport.secondsSince(start));
    }
    return dir;
  }

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000L;
    Path out = args.length > 1 ? Path.of(args[1]) : BenchSupport.benchDir().resolve("tabular-" + rows);
    System.out.println(BenchSupport.machine());
    SparkSession spark = BenchSupport.localSession("TabularBatches");
    try {
      ensure(spark, out, rows, 7);
    } finally {
      spark.stop();
    }
  }
}
