package io.nightjar.pipeline.stage;

import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fits the bias stage and then ALS on its residuals from <b>one</b> compact copy of the indexed ratings: the same
 * two models as {@code biases.fit(rows)} followed by {@code als.fit(biasModel.transform(rows))}, without the second
 * pass over the rows that the second call makes (two broadcast joins for the baseline and a second compact copy with
 * its checkpoint). The bias fit's copy is checkpointed, and ALS reads its residuals computed from it on the fly, with
 * the fitted biases broadcast. The copy leaves memory once it is read for the last time: when the biases are fitted
 * if ALS reads it only once (no blend, and checkpointed, so ALS reads it back from the files), else after the fit.
 * Its checkpoint files stay until the run's checkpoint directory is removed, so that factors lost with an executor
 * can still be recomputed.
 *
 * <p>Rows with a null id or rating are left out of both fits (the bias fit leaves them out anyway).
 */
public final class ResidualFit {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResidualFit.class);

  /** The two fitted stages. */
  public record Fitted(BiasModel biases, ALSModel factors) {}

  private ResidualFit() {}

  /**
   * True when {@code als} learns what {@code biases} outputs: the same id columns, the residual as its rating and,
   * with a blend, the raw rating and the baseline's two sides.
   */
  public static boolean chains(BiasEstimator biases, BlendedAls als) {
    boolean ids = als.getUserCol().equals(biases.getOrDefault(biases.userCol()))
        && als.getItemCol().equals(biases.getOrDefault(biases.itemCol()))
        && als.getRatingCol().equals(biases.getOrDefault(biases.residualCol()));
    if (!ids || (Integer) als.getOrDefault(als.blendMembers()) == 0) {
      return ids;
    }
    return Objects.equals(als.getOrDefault(als.rawRatingCol()), biases.getOrDefault(biases.ratingCol()))
        && Objects.equals(als.getOrDefault(als.userOffsetCol()), biases.getOrDefault(biases.userOffsetCol()))
        && Objects.equals(als.getOrDefault(als.itemOffsetCol()), biases.getOrDefault(biases.itemOffsetCol()));
  }

  /**
   * Fits both stages on {@code indexed} (the bias stage's input: indexed ids and the rating).
   *
   * @throws IllegalArgumentException when {@code als} does not learn what {@code biases} outputs ({@link #chains})
   */
  public static Fitted fit(BiasEstimator biases, BlendedAls als, Dataset<Row> indexed) {
    checkChained(biases, als);
    return fit(biases, als, indexed.sparkSession(), biases.copy(indexed));
  }

  /**
   * Fits both stages on ratings already copied and indexed ({@link IndexedRatings}), and releases them from memory.
   *
   * @throws IllegalArgumentException when {@code als} does not learn what {@code biases} outputs ({@link #chains})
   */
  public static Fitted fit(BiasEstimator biases, BlendedAls als, SparkSession spark, IndexedRatings ratings) {
    checkChained(biases, als);
    return fit(biases, als, spark, ratings.blocks());
  }

  private static void checkChained(BiasEstimator biases, BlendedAls als) {
    if (!chains(biases, als)) {
      throw new IllegalArgumentException("ALS (" + als.uid() + ") does not learn the bias stage's residuals: its "
          + "user, item and rating columns must be the bias stage's user, item and residual columns");
    }
  }

  private static Fitted fit(BiasEstimator biases, BlendedAls als, SparkSession spark, JavaRDD<RatingBlock> blocks) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<double[]> userBias = null;
    Broadcast<double[]> itemBias = null;
    try {
      long start = System.nanoTime();
      BiasEstimator.Solved solved = biases.fit(spark, blocks);
      long biased = System.nanoTime();
      userBias = sc.broadcast(solved.userBias());
      itemBias = sc.broadcast(solved.itemBias());
      boolean offsets = (Integer) als.getOrDefault(als.blendMembers()) > 0;
      if (!offsets && blocks.isCheckpointed()) {
        // Plain ALS reads its input once, into blocks of its own: read the copy back from its checkpoint files and
        // leave the memory to ALS's blocks. A blend reads it once per member, so it stays in memory then.
        blocks.unpersist(false);
      }
      ALSModel factors = als.fitCompact(new Residuals(spark, blocks, solved.mean(), userBias, itemBias,
          als.valueCols(), als.getUserCol(), als.getItemCol()));
      LOG.info(String.format(java.util.Locale.ROOT, "biases fitted in %.1f s (the compact copy made on the way), "
          + "ALS in %.1f s", (biased - start) / 1e9, (System.nanoTime() - biased) / 1e9));
      return new Fitted(solved.model(), factors);
    } finally {
      blocks.unpersist(false);
      if (userBias != null) {
        userBias.unpersist(false);
        itemBias.unpersist(false);
      }
    }
  }

  /**
   * The residuals of the copy from the fitted baseline, as ALS reads them: value 0 is the residual, value 1 the raw
   * rating; rows (for a blend's offsets) add the raw rating and the baseline's two sides.
   */
  private record Residuals(SparkSession spark, JavaRDD<RatingBlock> blocks, double mean,
      Broadcast<double[]> userBias, Broadcast<double[]> itemBias, String[] values, String userCol, String itemCol)
      implements AlsInput {
    @Override
    public JavaRDD<ALS.Rating<Object>> ratings(int valueIndex) {
      String column = values[valueIndex];
      if (valueIndex > 0) {
        return blocks.flatMap(block -> block.ratings(0, column));
      }
      double baseline = mean;
      Broadcast<double[]> users = userBias;
      Broadcast<double[]> items = itemBias;
      return blocks.flatMap(block -> block.residualRatings(baseline, users.value(), items.value(), column));
    }

    @Override
    public Dataset<Row> rows() {
      double baseline = mean;
      Broadcast<double[]> users = userBias;
      Broadcast<double[]> items = itemBias;
      boolean offsets = values.length > 1;
      return spark.createDataFrame(blocks.flatMap(block -> block.residualRows(baseline, users.value(),
          items.value(), offsets)), RatingBlock.rowSchema(userCol, itemCol, values));
    }
  }
}
