package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** The way between Spark and the driver-side {@link ItemAutoencoder}: its ratings in, its factors out as tables. */
final class AutoencoderTables {
  private static final long SLICE_BYTES = 512L << 10;

  private AutoencoderTables() {}

  /** Ratings as parallel arrays, and how many users (1 + the largest user index) they hold. */
  record Ratings(int[] user, int[] item, float[] rating, int users) implements Serializable {}

  /** Collects {@code count} ratings to the driver, one compact block per partition. */
  static Ratings collect(JavaRDD<ALS.Rating<Object>> ratings, long count) {
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(String.format("the autoencoder learns from at most %,d ratings on the "
          + "driver, these are %,d; set autoencoderUnits to 0", Integer.MAX_VALUE - 8, count));
    }
    List<Ratings> blocks = ratings.mapPartitions(AutoencoderTables::block).collect();
    int n = (int) count;
    int[] user = new int[n];
    int[] item = new int[n];
    float[] rating = new float[n];
    int at = 0;
    int users = 0;
    for (Ratings block : blocks) {
      int size = block.rating().length;
      if (at + size > n) {
        throw new IllegalStateException("the ratings changed while they were collected: more than " + n);
      }
      System.arraycopy(block.user(), 0, user, at, size);
      System.arraycopy(block.item(), 0, item, at, size);
      System.arraycopy(block.rating(), 0, rating, at, size);
      users = Math.max(users, block.users());
      at += size;
    }
    if (at != n) {
      throw new IllegalStateException("the ratings changed while they were collected: " + at + " of " + n);
    }
    return new Ratings(user, item, rating, users);
  }

  private static Iterator<Ratings> block(Iterator<ALS.Rating<Object>> rows) {
    List<ALS.Rating<Object>> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    int[] user = new int[all.size()];
    int[] item = new int[all.size()];
    float[] rating = new float[all.size()];
    int users = 0;
    for (int p = 0; p < all.size(); p++) {
      ALS.Rating<Object> r = all.get(p);
      user[p] = (Integer) r.user();
      item[p] = (Integer) r.item();
      rating[p] = r.rating();
      if (user[p] < 0 || item[p] < 0) {
        throw new IllegalStateException("negative index " + user[p] + ", " + item[p] + " in ALS's input");
      }
      users = Math.max(users, user[p] + 1);
    }
    return List.of(new Ratings(user, item, rating, users)).iterator();
  }

  /** The user side, {@code [W(u), c(u)]}, as a factor table of {@code ALSModel}'s schema. */
  static Dataset<Row> users(SparkSession spark, ItemAutoencoder model) {
    List<Row> rows = new ArrayList<>(model.users());
    for (int u = 0; u < model.users(); u++) {
      rows.add(RowFactory.create(u, wrap(model.userFactors(u))));
    }
    return table(spark, rows, model.units() + 1);
  }

  /** The item side, {@code [h(i), 1]}, as a factor table of {@code ALSModel}'s schema. */
  static Dataset<Row> items(SparkSession spark, ItemAutoencoder model) {
    List<Row> rows = new ArrayList<>(model.items());
    for (int i = 0; i < model.items(); i++) {
      rows.add(RowFactory.create(i, wrap(model.itemFactors(i))));
    }
    return table(spark, rows, model.units() + 1);
  }

  /**
   * Distributed from the driver in slices of at most about {@link #SLICE_BYTES} (Spark warns of tasks above 1 MiB),
   * not as one local relation inside the plan.
   */
  private static Dataset<Row> table(SparkSession spark, List<Row> rows, int width) {
    org.apache.spark.api.java.JavaSparkContext context =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    long bytes = (long) rows.size() * (4L * width + 32);
    int slices = (int) Math.max(1, Math.min(Math.max(context.defaultParallelism(), bytes / SLICE_BYTES + 1),
        Math.max(1, rows.size())));
    return spark.createDataFrame(context.parallelize(rows, slices), BlendedAls.FACTORS);
  }

  private static Object wrap(float[] values) {
    return scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(values);
  }
}
