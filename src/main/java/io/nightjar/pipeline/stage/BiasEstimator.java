package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Fits the classic rating baseline {@code mean + userBias + itemBias} with regularised biases, by alternating
 * least squares over item then user biases: {@code b_i = sum(r - mean - b_u) / (regParam + n_i)} and likewise for
 * users. The fitted {@link BiasModel} adds the baseline and, at training time, the residual ALS learns from.
 *
 * <p>Expects user and item columns already indexed to numbers (StringIndexer output).
 */
public class BiasEstimator extends Estimator<BiasModel> implements DefaultParamsWritable {
  private final String uid;
  private final Param<String> userCol;
  private final Param<String> itemCol;
  private final Param<String> ratingCol;
  private final Param<String> baselineCol;
  private final Param<String> residualCol;
  private final DoubleParam regParam;
  private final IntParam maxIter;

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
    maxIter = new IntParam(this, "maxIter", "alternating passes over item then user biases (>= 1)");
    setDefault(userCol, "user");
    setDefault(itemCol, "item");
    setDefault(ratingCol, "rating");
    setDefault(baselineCol, "baseline");
    setDefault(residualCol, "residual");
    setDefault(regParam, 5.0);
    setDefault(maxIter, 3);
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
    transformSchema(dataset.schema());
    double reg = (Double) getOrDefault(regParam);
    Dataset<Row> ratings = dataset.select(
            col(getOrDefault(userCol)).cast("double").as("u"),
            col(getOrDefault(itemCol)).cast("double").as("i"),
            col(getOrDefault(ratingCol)).cast("double").as("r"))
        .cache();
    try {
      double mean = ratings.agg(avg("r")).first().getDouble(0);
      Dataset<Row> userBiases = ratings.select("u").distinct().withColumn("b", lit(0.0));
      Dataset<Row> itemBiases = null;
      for (int pass = 0; pass < (Integer) getOrDefault(maxIter); pass++) {
        itemBiases = shrunkMeans(ratings.join(userBiases, "u"), "i", mean, reg);
        userBiases = shrunkMeans(ratings.join(itemBiases, "i"), "u", mean, reg);
      }
      BiasModel model = new BiasModel(uid, mean, userBiases, itemBiases);
      copyValues(model, extractParamMap());
      model.setParent(this);
      return model;
    } finally {
      ratings.unpersist();
    }
  }

  /**
   * Per-key regularised mean of {@code r - mean - b} (b being the other side's bias), checkpointed locally so many
   * passes never build a deep lineage.
   */
  private static Dataset<Row> shrunkMeans(Dataset<Row> joined, String key, double mean, double reg) {
    return joined.groupBy(key)
        .agg(sum(col("r").minus(mean).minus(col("b"))).divide(count(lit(1)).plus(reg)).as("b"))
        .localCheckpoint();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return BiasModel.outputSchema(schema, getOrDefault(userCol), getOrDefault(itemCol), getOrDefault(ratingCol),
        getOrDefault(baselineCol), getOrDefault(residualCol), true);
  }

  @Override
  public BiasEstimator copy(ParamMap extra) {
    return (BiasEstimator) defaultCopy(extra);
  }

  public static MLReader<BiasEstimator> read() {
    return new DefaultParamsReadable<BiasEstimator>() {}.read();
  }
}
