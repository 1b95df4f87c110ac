package io.nightjar.recommend;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import io.nightjar.pipeline.stage.BiasModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Top-K recommendations per user, as a Dataset, from a fitted ALS pipeline ({@link #forPipeline}) or a plain
 * {@link ALSModel} ({@link #forAls}).
 *
 * <p>How: the item factors and biases are collected once and broadcast ({@link ItemMatrix}); each user row carries
 * its factors, its constant offset (global mean plus user bias) and the sorted ids of the items it has seen; one
 * {@code mapPartitions} pass ({@link BlockScorer}) scores every user against every item and keeps its best
 * {@code k}. Unlike {@code ALSModel.recommendForAllUsers}, nothing is cross-joined and no partial top-K lists are
 * shuffled and merged: the only shuffles are grouping the seen items by user and joining the user side.
 */
public final class TopKRecommender {
  static final String KEY = "__nj_key";
  static final String FACTORS = "__nj_factors";
  static final String OFFSET = "__nj_offset";
  static final String SEEN = "__nj_seen";
  static final String ITEM = "__nj_item";
  public static final String RANK = "rank";
  public static final String PREDICTION = "prediction";

  private TopKRecommender() {}

  /**
   * Recommends for every user of a plain ALS model (as the benchmark's baseline has it): columns {@code user} (int),
   * {@code item} (int), {@code rank} (1..k) and {@code prediction} ({@code x_u . y_i}).
   *
   * @param seenPairs (user int, item int) pairs to leave out, or null to leave nothing out
   * @param partitions how many tasks score (and so how many output files), or 0 for the default parallelism
   */
  public static Dataset<Row> forAls(ALSModel als, Dataset<Row> seenPairs, int k, int partitions) {
    SparkSession spark = als.userFactors().sparkSession();
    ItemMatrix items = ItemMatrix.of(als.itemFactors().collectAsList(), als.rank(), null);
    Dataset<Row> users = als.userFactors().select(col("id").as(KEY), col("features").as(FACTORS),
        lit(0.0).as(OFFSET));
    Dataset<Row> pairs = seenPairs == null ? null : seenPairs.select(
        col(seenPairs.columns()[0]).cast("int").as(KEY), col(seenPairs.columns()[1]).cast("int").as(ITEM));
    int tasks = tasks(spark, partitions);
    return score(spark, items, withSeen(users, pairs, tasks), k)
        .select(col(KEY).as("user"), col(ITEM).as("item"), col(RANK), col(PREDICTION));
  }

  /**
   * What {@link #forPipeline} returns: the recommendations and how the requested users fared. Call
   * {@link #release()} once {@code rows} is written: the user side is cached until then.
   */
  public record Recommendations(Dataset<Row> rows, UserCounts users, Dataset<Row> cachedUsers) {
    public void release() {
      cachedUsers.unpersist();
    }
  }

  /**
   * How the users were found.
   *
   * @param requested distinct users asked for (every user of the model, or the distinct non-null ids of the list)
   * @param known those the model knows
   * @param unknown those it does not: recommended by the baseline (the items' biases) when the model has one,
   *     otherwise left out
   * @param unknownRecommended whether unknown users got baseline recommendations (false: they were left out)
   * @param invalid list entries with a null id, or an id that cannot be one of the job's user column type; left out
   */
  public record UserCounts(long requested, long known, long unknown, boolean unknownRecommended, long invalid) {}

  /**
   * Recommends with a fitted ALS pipeline. Output columns: {@code userColumn} and {@code itemColumn} (the original
   * ids, of the training types), {@code rank} (int, 1 is best) and {@code prediction} (the rating the pipeline
   * predicts: mean + user bias + item bias + {@code x_u . y_i}).
   *
   * @param training the training input, for the seen items; null when they are not excluded
   * @param userType the type of the user id column at training ({@code string} when unknown)
   * @param itemType the type of the item id column at training
   * @param usersList the users to recommend for, one id per row in column {@code usersListColumn}; null for all users
   * @param partitions how many tasks score, or 0 for the default parallelism
   */
  public static Recommendations forPipeline(SparkSession spark, RecommendModel model, String userColumn,
      String itemColumn, DataType userType, DataType itemType, Dataset<Row> training, Dataset<Row> usersList,
      String usersListColumn, int k, int partitions) {
    BiasModel biases = model.biases().orElse(null);
    Map<Integer, Double> itemBias = biases == null ? null : biasesById(biases.itemBiases());
    ItemMatrix items = ItemMatrix.of(model.als().itemFactors().collectAsList(), model.als().rank(),
        itemBias == null ? null : id -> itemBias.getOrDefault(id, 0.0));
    Dataset<Row> userLabels = labels(spark, model.userLabels(), userType);
    Dataset<Row> itemLabels = labels(spark, model.itemLabels(), itemType);

    Dataset<Row> users;
    long invalid = 0;
    if (usersList == null) {
      users = userLabels;
    } else {
      Dataset<Row> keys = usersList.select(key(col(usersListColumn), userType).as(KEY));
      invalid = keys.where(col(KEY).isNull()).count();
      Dataset<Row> valid = keys.where(col(KEY).isNotNull()).distinct();
      users = valid.join(userLabels, valid.col(KEY).equalTo(userLabels.col(KEY)), "left")
          .select(valid.col(KEY), userLabels.col("__nj_idx"));
    }
    Dataset<Row> factors = model.als().userFactors();
    users = users.join(factors, users.col("__nj_idx").equalTo(factors.col("id")), "left")
        .select(users.col(KEY), users.col("__nj_idx"), factors.col("features").as(FACTORS));
    Column offset = lit(0.0);
    if (biases != null) {
      Dataset<Row> userBias = biases.userBiases().select(col("u").cast("int").as("__nj_bu_id"),
          col("b").as("__nj_bu"));
      users = users.join(userBias, users.col("__nj_idx").equalTo(userBias.col("__nj_bu_id")), "left");
      offset = lit(biases.getGlobalMean()).plus(coalesce(col("__nj_bu"), lit(0.0)));
    }
    users = users.select(col(KEY), col("__nj_idx"), col(FACTORS), offset.as(OFFSET));
    Dataset<Row> indexed = null;
    if (training != null) {
      Dataset<Row> pairs = training
          .select(key(col(userColumn), userType).as(KEY), key(col(itemColumn), itemType).as("__nj_ikey"))
          .where(col(KEY).isNotNull().and(col("__nj_ikey").isNotNull()));
      indexed = pairs.join(broadcast(itemLabels.withColumnRenamed(KEY, "__nj_ikey")), "__nj_ikey")
          .select(col(KEY), col("__nj_idx").as(ITEM));
    }
    users = withSeen(users, indexed, tasks(spark, partitions)).cache();
    long requested = users.count();
    long known = users.where(col("__nj_idx").isNotNull()).count();
    UserCounts counts = new UserCounts(requested, known, requested - known, biases != null, invalid);

    Dataset<Row> scored = score(spark, items, users.select(KEY, FACTORS, OFFSET, SEEN), k);
    Dataset<Row> named = scored
        .join(broadcast(itemLabels.withColumnRenamed(KEY, "__nj_ikey")), scored.col(ITEM).equalTo(col("__nj_idx")))
        .select(output(col(KEY), userType).as(userColumn), output(col("__nj_ikey"), itemType).as(itemColumn),
            col(RANK), col(PREDICTION));
    return new Recommendations(named, counts, users);
  }

  /**
   * Adds to each user the ids of the items it has seen, unsorted ({@code null} when none), and hash-partitions the
   * users by key into {@code tasks} partitions. The seen pairs are partitioned the same way before they are grouped,
   * so the grouping and the join share one shuffle of the pairs.
   *
   * @param pairs (key, item id) pairs, or null to leave nothing out
   */
  static Dataset<Row> withSeen(Dataset<Row> users, Dataset<Row> pairs, int tasks) {
    Dataset<Row> byKey = users.repartition(tasks, col(KEY));
    if (pairs == null) {
      return byKey.withColumn(SEEN, lit(null).cast("array<int>"));
    }
    // collect_list, not collect_set: duplicates do no harm, and the kernel sorts each list itself.
    Dataset<Row> seen = pairs.repartition(tasks, col(KEY)).groupBy(col(KEY)).agg(collect_list(col(ITEM)).as(SEEN));
    return byKey.join(seen, byKey.col(KEY).equalTo(seen.col(KEY)), "left").drop(seen.col(KEY));
  }

  static int tasks(SparkSession spark, int partitions) {
    return partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
  }

  /**
   * Runs the kernel, one task per partition of {@code users}: (key, factors, offset, seen). Result: (key, item id,
   * rank, prediction).
   */
  static Dataset<Row> score(SparkSession spark, ItemMatrix items, Dataset<Row> users, int k) {
    Broadcast<ItemMatrix> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(items);
    StructType out = new StructType()
        .add(KEY, users.schema().apply(KEY).dataType(), false)
        .add(ITEM, DataTypes.IntegerType, false)
        .add(RANK, DataTypes.IntegerType, false)
        .add(PREDICTION, DataTypes.DoubleType, false);
    return users.mapPartitions(new BlockScorer(shared, k), Encoders.row(out));
  }

  /**
   * Original id labels by index, as (key, __nj_idx): the key in the training type when labels convert back to it
   * exactly (strings and whole numbers), else the label string itself.
   */
  static Dataset<Row> labels(SparkSession spark, String[] labels, DataType type) {
    List<Row> rows = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(labels[i], i));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new StructType()
        .add("__nj_label", DataTypes.StringType, false)
        .add("__nj_idx", DataTypes.IntegerType, false));
    return df.select(key(col("__nj_label"), type).as(KEY), col("__nj_idx"));
  }

  /**
   * The join key of an id value, matching {@code StringIndexer}, which compares {@code CAST(value AS STRING)} with
   * its labels: for strings and whole numbers the value itself in the training type (equal strings iff equal values),
   * otherwise its string form. A value that cannot be of the training type becomes null.
   */
  static Column key(Column value, DataType trainingType) {
    return exact(trainingType) ? value.try_cast(trainingType) : value.cast(DataTypes.StringType);
  }

  /** The output id, in the training type, from a {@link #key}. */
  static Column output(Column key, DataType trainingType) {
    return exact(trainingType) ? key : key.try_cast(trainingType);
  }

  private static boolean exact(DataType type) {
    return type instanceof StringType || type instanceof IntegerType || type instanceof LongType
        || type instanceof ShortType || type instanceof ByteType;
  }

  private static Map<Integer, Double> biasesById(Dataset<Row> table) {
    Map<Integer, Double> byId = new HashMap<>();
    for (Row row : table.select(col("i").cast("int"), col("b").cast("double")).collectAsList()) {
      byId.put(row.getInt(0), row.getDouble(1));
    }
    return byId;
  }
}
