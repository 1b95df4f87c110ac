package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fits the classic rating baseline {@code mean + userBias + itemBias} with regularised biases, by alternating
 * least squares over item then user biases: {@code b_i = sum(r - mean - b_u) / (regParam + n_i)} and likewise for
 * users, until no bias moves more than {@code tol} or after {@code maxIter} passes. The fitted {@link BiasModel}
 * adds the baseline, the cold-start indicator and, at training time, the residual ALS learns from.
 *
 * <p>Expects user and item columns already indexed to whole numbers from 0 (StringIndexer output). The fit reads
 * the data once into a compact cached copy; each half-pass is then one scan with the other side's biases broadcast
 * (no shuffle, no join), so many passes cost little even on tens of millions of ratings.
 *
 * <p>With {@code passThrough} (implicit preferences) nothing is fitted: the mean and every bias are 0 and the
 * residual is the rating itself, but the seen users and items are recorded so that the cold-start indicator works.
 */
public class BiasEstimator extends Estimator<BiasModel> implements DefaultParamsWritable {
  private final String uid;
  private final Param<String> userCol;
  private final Param<String> itemCol;
  private final Param<String> ratingCol;
  private final Param<String> baselineCol;
  private final Param<String> residualCol;
  private final Param<String> coldStartCol;
  private final Param<String> userOffsetCol;
  private final Param<String> itemOffsetCol;
  private final DoubleParam regParam;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final BooleanParam passThrough;

  public BiasEstimator() {
    this(StageIds.random("njBias"));
  }

  public BiasEstimator(String uid) {
    this.uid = uid;
    userCol = new Param<>(this, "userCol", "indexed user column");
    itemCol = new Param<>(this, "itemCol", "indexed item column");
    ratingCol = new Param<>(this, "ratingCol", "rating column");
    baselineCol = new Param<>(this, "baselineCol", "output column for mean + user bias + item bias");
    residualCol = new Param<>(this, "residualCol", "output column for rating - baseline, when ratings are present");
    regParam = new DoubleParam(this, "regParam", "shrinkage of each bias towards zero, in pseudo-ratings (>= 0)");
    maxIter = new IntParam(this, "maxIter", "most alternating passes over item then user biases (>= 1)");
    coldStartCol = new Param<>(this, "coldStartCol", "output column for the cold-start case: 0 user and item seen "
        + "in training, 1 user unseen, 2 item unseen, 3 both; empty for none");
    tol = new DoubleParam(this, "tol", "stop before maxIter once no bias moved more than this in a pass (>= 0)");
    passThrough = new BooleanParam(this, "passThrough", "fit no baseline: mean and biases are 0 and the residual "
        + "is the rating itself (for implicit preferences); the seen users and items are still recorded");
    setDefault(userCol, "user");
    setDefault(itemCol, "item");
    setDefault(ratingCol, "rating");
    setDefault(baselineCol, "baseline");
    setDefault(residualCol, "residual");
    setDefault(regParam, 5.0);
    setDefault(maxIter, 3);
    userOffsetCol = new Param<>(this, "userOffsetCol", "output column for the user's side of the baseline, mean + "
        + "user bias (the mean alone for an unseen user); empty for none");
    itemOffsetCol = new Param<>(this, "itemOffsetCol", "output column for the item's side of the baseline, the item "
        + "bias (0 for an unseen item); empty for none");
    setDefault(coldStartCol, "");
    setDefault(userOffsetCol, "");
    setDefault(itemOffsetCol, "");
    setDefault(tol, 1e-6);
    setDefault(passThrough, false);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> userCol() {
    return userCol;
  }

  public Param<String> itemCol() {
    return itemCol;
  }

  public Param<String> ratingCol() {
    return ratingCol;
  }

  public Param<String> baselineCol() {
    return baselineCol;
  }

  public Param<String> residualCol() {
    return residualCol;
  }

  public Param<String> coldStartCol() {
    return coldStartCol;
  }

  public DoubleParam tol() {
    return tol;
  }

  public BooleanParam passThrough() {
    return passThrough;
  }

  public Param<String> userOffsetCol() {
    return userOffsetCol;
  }

  public Param<String> itemOffsetCol() {
    return itemOffsetCol;
  }

  /**
   * Also outputs the baseline's two sides, {@code mean + user bias} and {@code item bias}, which sum to it (for
   * {@link BlendedAls}, which folds the baseline into its factors).
   */
  public BiasEstimator setOffsetCols(String user, String item) {
    set(userOffsetCol, user);
    set(itemOffsetCol, item);
    return this;
  }

  public BiasEstimator setColdStartCol(String value) {
    set(coldStartCol, value);
    return this;
  }

  public BiasEstimator setTol(double value) {
    if (!(value >= 0.0)) {
      throw new IllegalArgumentException("Cannot set tol to " + value + ": it must be a number >= 0");
    }
    set(tol, value);
    return this;
  }

  public BiasEstimator setPassThrough(boolean value) {
    set(passThrough, value);
    return this;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public BiasEstimator setUserCol(String value) {
    set(userCol, value);
    return this;
  }

  public BiasEstimator setItemCol(String value) {
    set(itemCol, value);
    return this;
  }

  public BiasEstimator setRatingCol(String value) {
    set(ratingCol, value);
    return this;
  }

  public BiasEstimator setBaselineCol(String value) {
    set(baselineCol, value);
    return this;
  }

  public BiasEstimator setResidualCol(String value) {
    set(residualCol, value);
    return this;
  }

  public BiasEstimator setRegParam(double value) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Cannot set regParam to " + value + ": it must be a finite number >= 0");
    }
    set(regParam, value);
    return this;
  }

  public BiasEstimator setMaxIter(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("Cannot set maxIter to " + value + ": it must be at least 1");
    }
    set(maxIter, value);
    return this;
  }

  @Override
  public BiasModel fit(Dataset<?> dataset) {
    JavaRDD<RatingBlock> blocks = copy(dataset);
    try {
      return fit(dataset.sparkSession(), blocks).model();
    } finally {
      blocks.unpersist(false);
      // The biases live on the driver now: nothing reads the blocks again.
      RatingBlock.deleteCheckpoint(blocks);
    }
  }

  /**
   * One compact copy of (user, item, rating) as primitive arrays per partition, rows with a null in any of the
   * three left out: every pass after it is a scan with the other side's biases broadcast, and no pass shuffles or
   * joins the rows. Checkpointed: every pass's tasks would otherwise carry the input's whole lineage, the id
   * indexer's label maps included (5.7 MiB per task at 20M ratings, half the fit's time).
   */
  JavaRDD<RatingBlock> copy(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String user = getOrDefault(userCol);
    String item = getOrDefault(itemCol);
    String rating = getOrDefault(ratingCol);
    return RatingBlock.copy(dataset.select(col(user), col(item), col(rating).cast("double"))
        .where(col(user).isNotNull().and(col(item).isNotNull()).and(col(rating).isNotNull())).toDF(),
        new String[] {user, item, rating}, 1);
  }

  /** The fitted model, and the baseline it holds as arrays by index (for the residuals of the same blocks). */
  record Solved(BiasModel model, double mean, double[] userBias, double[] itemBias) {}

  /** Fits the biases on blocks {@link #copy} made; the caller releases them. */
  Solved fit(SparkSession spark, JavaRDD<RatingBlock> blocks) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // One pass for the mean and the counts per index; aggregate, not reduce: input without partitions (or rows)
    // reaches the clear error below.
    Totals totals = blocks.treeAggregate(new Totals(), Totals::add, Totals::merge);
    if (totals.count == 0) {
      throw new IllegalArgumentException("Cannot fit biases: the training data has no row with a user, an item "
          + "and a rating in columns '" + getOrDefault(userCol) + "', '" + getOrDefault(itemCol) + "', '"
          + getOrDefault(ratingCol) + "'");
    }
    boolean fitted = !(Boolean) getOrDefault(passThrough);
    double mean = fitted ? totals.sum / totals.count : 0.0;
    long[] userCount = totals.userCounts;
    long[] itemCount = totals.itemCounts;
    double[] userBias = new double[userCount.length];
    double[] itemBias = new double[itemCount.length];
    if (fitted) {
      double reg = (Double) getOrDefault(regParam);
      int passes = (Integer) getOrDefault(maxIter);
      for (int pass = 0; pass < passes; pass++) {
        double change = solve(sc, blocks, false, mean, userBias, itemBias, itemCount, reg);
        change = Math.max(change, solve(sc, blocks, true, mean, itemBias, userBias, userCount, reg));
        if (change < (Double) getOrDefault(tol)) {
          break;
        }
      }
    }
    BiasModel model = new BiasModel(uid, mean, table(spark, "u", userBias, userCount),
        table(spark, "i", itemBias, itemCount));
    copyValues(model, extractParamMap());
    model.setParent(this);
    return new Solved(model, mean, userBias, itemBias);
  }

  /**
   * One half-pass: each bias on the solved side becomes the regularised mean of {@code r - mean - otherBias}, i.e.
   * {@code sum(r - mean - b_other) / (regParam + n)}. Updates {@code solved} in place; returns the largest change.
   */
  private static double solve(JavaSparkContext sc, JavaRDD<RatingBlock> blocks, boolean solveUsers, double mean,
      double[] other, double[] solved, long[] counts, double reg) {
    Broadcast<double[]> fixed = sc.broadcast(other);
    int size = solved.length;
    try {
      double[] sums = blocks.map(block -> {
        double[] bias = fixed.value();
        double[] partial = new double[size];
        int[] keys = solveUsers ? block.users : block.items;
        int[] others = solveUsers ? block.items : block.users;
        for (int k = 0; k < block.size; k++) {
          partial[keys[k]] += block.values[0][k] - mean - bias[others[k]];
        }
        return partial;
      }).treeReduce(BiasEstimator::add);
      double change = 0.0;
      for (int key = 0; key < size; key++) {
        double value = counts[key] == 0 ? 0.0 : sums[key] / (reg + counts[key]);
        change = Math.max(change, Math.abs(value - solved[key]));
        solved[key] = value;
      }
      return change;
    } finally {
      fixed.destroy();
    }
  }

  private static double[] add(double[] a, double[] b) {
    for (int k = 0; k < a.length; k++) {
      a[k] += b[k];
    }
    return a;
  }

  /** The bias table in the saved layout: the index as a double (as StringIndexer emits it) and the bias. */
  private static Dataset<Row> table(SparkSession spark, String key, double[] bias, long[] counts) {
    List<Row> rows = new ArrayList<>();
    for (int index = 0; index < bias.length; index++) {
      if (counts[index] > 0) {
        rows.add(RowFactory.create((double) index, bias[index]));
      }
    }
    StructType schema = new StructType()
        .add(key, DataTypes.DoubleType, false)
        .add("b", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema);
  }

  /** Row count, rating sum, and ratings per user and per item index (as long as the largest index seen + 1). */
  static final class Totals implements Serializable {
    private static final long serialVersionUID = 1L;
    long count;
    double sum;
    long[] userCounts = new long[0];
    long[] itemCounts = new long[0];

    /** Counts {@code block} in; returns this. */
    Totals add(RatingBlock block) {
      int users = userCounts.length;
      int items = itemCounts.length;
      for (int k = 0; k < block.size; k++) {
        sum += block.values[0][k];
        users = Math.max(users, block.users[k] + 1);
        items = Math.max(items, block.items[k] + 1);
      }
      count += block.size;
      if (users > userCounts.length) {
        userCounts = Arrays.copyOf(userCounts, users);
      }
      if (items > itemCounts.length) {
        itemCounts = Arrays.copyOf(itemCounts, items);
      }
      for (int k = 0; k < block.size; k++) {
        userCounts[block.users[k]]++;
        itemCounts[block.items[k]]++;
      }
      return this;
    }

    Totals merge(Totals other) {
      count += other.count;
      sum += other.sum;
      userCounts = plus(userCounts, other.userCounts);
      itemCounts = plus(itemCounts, other.itemCounts);
      return this;
    }

    private static long[] plus(long[] a, long[] b) {
      long[] longer = a.length >= b.length ? a : b;
      long[] shorter = longer == a ? b : a;
      for (int k = 0; k < shorter.length; k++) {
        longer[k] += shorter[k];
      }
      return longer;
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return BiasModel.outputSchema(schema, getOrDefault(userCol), getOrDefault(itemCol), getOrDefault(ratingCol),
        getOrDefault(baselineCol), getOrDefault(residualCol), getOrDefault(coldStartCol),
        List.of(getOrDefault(userOffsetCol), getOrDefault(itemOffsetCol)), true);
  }

  @Override
  public BiasEstimator copy(ParamMap extra) {
    return (BiasEstimator) defaultCopy(extra);
  }

  public static MLReader<BiasEstimator> read() {
    return new DefaultParamsReadable<BiasEstimator>() {}.read();
  }
}
