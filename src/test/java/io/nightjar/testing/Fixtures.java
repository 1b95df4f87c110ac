package io.nightjar.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small datasets built in code, with a known structure, for the case each test covers. */
public final class Fixtures {
  private Fixtures() {}

  public static final StructType RATINGS = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("item_id", DataTypes.StringType)
      .add("rating", DataTypes.DoubleType);

  /** (user, item) pairs to score, ids as strings as in {@link #RATINGS}. */
  public static final StructType PAIRS = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("item_id", DataTypes.StringType);

  public static final StructType HOMES = new StructType()
      .add("sqft", DataTypes.DoubleType)
      .add("age", DataTypes.IntegerType)
      .add("noise", DataTypes.DoubleType)
      .add("region", DataTypes.StringType)
      .add("price", DataTypes.DoubleType);

  /**
   * Ratings with user and item biases and one latent factor: {@code users} x {@code items} pairs, about
   * {@code density} of them rated. User {@code u000} rates everything 5 (a strongly positive bias).
   */
  public static Dataset<Row> ratings(SparkSession spark, int users, int items, double density, long seed) {
    Random random = new Random(seed);
    double[] userBias = new double[users];
    double[] userFactor = new double[users];
    double[] itemBias = new double[items];
    double[] itemFactor = new double[items];
    for (int u = 0; u < users; u++) {
      userBias[u] = random.nextGaussian() * 0.4;
      userFactor[u] = random.nextGaussian();
    }
    for (int i = 0; i < items; i++) {
      itemBias[i] = random.nextGaussian() * 0.5;
      itemFactor[i] = random.nextGaussian();
    }
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (random.nextDouble() < density) {
          double value = u == 0 ? 5.0
              : 3.5 + userBias[u] + itemBias[i] + 0.5 * userFactor[u] * itemFactor[i] + random.nextGaussian() * 0.3;
          rows.add(RowFactory.create(userId(u), itemId(i), Math.max(1.0, Math.min(5.0, Math.rint(value)))));
        }
      }
    }
    return spark.createDataFrame(rows, RATINGS);
  }

  /**
   * The ALS tests' ratings (40 users, 30 items, half rated, seed 11), cached, with a checkpoint directory set on the
   * session as the train verb sets one.
   */
  public static Dataset<Row> alsRatings(SparkSession spark) {
    spark.sparkContext().setCheckpointDir(System.getProperty("java.io.tmpdir") + "/nightjar-test-checkpoints");
    return ratings(spark, 40, 30, 0.5, 11).cache();
  }

  public static String userId(int u) {
    return String.format("u%03d", u);
  }

  public static String itemId(int i) {
    return String.format("m%03d", i);
  }

  /**
   * Homes whose price is {@code 50000 + 100 * sqft - 1000 * age + region effect + noise}; {@code noise} column has no
   * effect. About 5% of sqft values are missing.
   */
  public static Dataset<Row> homes(SparkSession spark, int n, long seed) {
    Random random = new Random(seed);
    String[] regions = {"north", "south", "east"};
    double[] effects = {20000, -10000, 0};
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double sqft = 800 + random.nextInt(2000);
      int age = random.nextInt(60);
      int region = random.nextInt(regions.length);
      double price = 50000 + 100 * sqft - 1000 * age + effects[region] + random.nextGaussian() * 5000;
      Double shownSqft = random.nextDouble() < 0.05 ? null : sqft;
      rows.add(RowFactory.create(shownSqft, age, random.nextGaussian(), regions[region], Math.rint(price)));
    }
    return spark.createDataFrame(rows, HOMES);
  }
}
