package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The autoencoder blended into the one ALSModel, checked against the same two fits made independently. */
class AutoencoderBlendTest extends SparkTestBase {
  private static final StructType SCHEMA = new StructType()
      .add("u", DataTypes.IntegerType).add("i", DataTypes.IntegerType)
      .add("residual", DataTypes.DoubleType).add("rating", DataTypes.DoubleType)
      .add("userOffset", DataTypes.DoubleType).add("itemOffset", DataTypes.DoubleType);
  private static final double WEIGHT = 0.3;

  private static Dataset<Row> ratings;
  private static List<Row> rows;

  /** Ratings of 25 users and 20 items; offsets as a bias stage would give them (mean + user bias, item bias). */
  @BeforeAll
  static void data() {
    Random random = new Random(5);
    double[] userBias = random.doubles(25, -0.5, 0.5).toArray();
    double[] itemBias = random.doubles(20, -0.5, 0.5).toArray();
    rows = new ArrayList<>();
    for (int u = 0; u < 25; u++) {
      for (int i = 0; i < 20; i++) {
        if (random.nextDouble() < 0.5) {
          double rating = Math.rint(Math.max(1, Math.min(5, 3.5 + userBias[u] + itemBias[i]
              + random.nextGaussian())));
          double userOffset = 3.5 + userBias[u];
          rows.add(RowFactory.create(u, i, rating - userOffset - itemBias[i], rating, userOffset, itemBias[i]));
        }
      }
    }
    ratings = spark.createDataFrame(rows, SCHEMA).cache();
  }

  private static BlendedAls blended(double weight) {
    BlendedAls als = new BlendedAls();
    als.setBlendInputCols("rating", "userOffset", "itemOffset").setUserCol("u").setItemCol("i")
        .setRatingCol("residual").setRank(3).setMaxIter(5).setRegParam(0.1).setSeed(9);
    return als.setAutoencoder(8, 2.0, 60, weight);
  }

  private static Map<List<Integer>, Double> predictions(ALSModel model) {
    Map<List<Integer>, Double> out = new HashMap<>();
    for (Row row : model.transform(ratings).select(col("u"), col("i"), col("prediction")).collectAsList()) {
      out.put(List.of(row.getInt(0), row.getInt(1)), (double) row.getFloat(2));
    }
    return out;
  }

  /** The autoencoder fitted straight on the raw ratings, with the settings and seed {@link #blended} gives it. */
  private static ItemAutoencoder independentAutoencoder(int threads) {
    int[] users = rows.stream().mapToInt(r -> r.getInt(0)).toArray();
    int[] items = rows.stream().mapToInt(r -> r.getInt(1)).toArray();
    float[] raw = new float[rows.size()];
    for (int k = 0; k < raw.length; k++) {
      raw[k] = (float) rows.get(k).getDouble(3);
    }
    return ItemAutoencoder.fit(users, items, raw, new ItemAutoencoder.Settings(8, 2.0, 60, 9), threads);
  }

  @Test
  void predictsTheWeightedMeanOfTheResidualFitAndTheAutoencoderMadeIndependently() {
    Map<List<Integer>, Double> blend = predictions(blended(WEIGHT).fit(ratings));
    Map<List<Integer>, Double> residual = predictions(new ALS().setUserCol("u").setItemCol("i")
        .setRatingCol("residual").setRank(3).setMaxIter(5).setRegParam(0.1).setSeed(9).fit(ratings));
    ItemAutoencoder autoencoder = independentAutoencoder(2);
    double worst = 0;
    for (Row row : rows) {
      int u = row.getInt(0);
      int i = row.getInt(1);
      double baseline = row.getDouble(4) + row.getDouble(5);
      double expected = (1 - WEIGHT) * residual.get(List.of(u, i))
          + WEIGHT * (autoencoder.predict(u, i) - baseline);
      worst = Math.max(worst, Math.abs(expected - blend.get(List.of(u, i))));
    }
    assertTrue(worst < 1e-4, "largest difference " + worst);
  }

  @Test
  void refusesTheAutoencoderWithImplicitPreferencesAndSaysWhatToChange() {
    BlendedAls als = blended(WEIGHT);
    als.setImplicitPrefs(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> als.fit(ratings));
    assertTrue(e.getMessage().contains("autoencoderUnits = 8") && e.getMessage().contains("implicitPrefs"),
        e.getMessage());
  }

  @Test
  void withWeightOneThePredictionIsTheAutoencodersAloneLessTheBaseline() {
    Map<List<Integer>, Double> blend = predictions(blended(1.0).fit(ratings));
    ItemAutoencoder autoencoder = independentAutoencoder(1);
    Row row = rows.get(7);
    assertEquals(autoencoder.predict(row.getInt(0), row.getInt(1)) - row.getDouble(4) - row.getDouble(5),
        blend.get(List.of(row.getInt(0), row.getInt(1))), 1e-4);
  }
}
