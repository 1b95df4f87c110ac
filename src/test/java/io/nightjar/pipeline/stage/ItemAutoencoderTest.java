package io.nightjar.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ItemAutoencoderTest {
  /** Ratings of a rank-2 taste model plus noise, about 60% of the pairs observed; the rest held out. */
  private static final class Data {
    final List<int[]> trainPairs = new ArrayList<>();
    final List<Float> trainRatings = new ArrayList<>();
    final List<int[]> heldPairs = new ArrayList<>();
    final List<Float> heldRatings = new ArrayList<>();

    Data(int users, int items, long seed) {
      Random random = new Random(seed);
      double[][] u = new double[users][2];
      double[][] v = new double[items][2];
      for (double[] f : u) {
        f[0] = random.nextGaussian();
        f[1] = random.nextGaussian();
      }
      for (double[] f : v) {
        f[0] = random.nextGaussian();
        f[1] = random.nextGaussian();
      }
      for (int a = 0; a < users; a++) {
        for (int b = 0; b < items; b++) {
          float r = (float) Math.max(1, Math.min(5, 3 + u[a][0] * v[b][0] + u[a][1] * v[b][1]
              + 0.2 * random.nextGaussian()));
          boolean train = random.nextDouble() < 0.6;
          (train ? trainPairs : heldPairs).add(new int[] {a, b});
          (train ? trainRatings : heldRatings).add(r);
        }
      }
    }

    int[] column(int c) {
      return trainPairs.stream().mapToInt(p -> p[c]).toArray();
    }

    float[] ratings() {
      float[] out = new float[trainRatings.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = trainRatings.get(k);
      }
      return out;
    }
  }

  private static ItemAutoencoder fit(Data data, int threads) {
    return ItemAutoencoder.fit(data.column(0), data.column(1), data.ratings(),
        new ItemAutoencoder.Settings(16, 1.0, 1000, 5), threads);
  }

  @Test
  void learnsTheRatingsItIsGivenAndPredictsHeldOutOnesBetterThanTheMean() {
    Data data = new Data(60, 50, 3);
    ItemAutoencoder model = fit(data, 2);
    double mean = data.trainRatings.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    double meanError = 0;
    double modelError = 0;
    for (int k = 0; k < data.heldPairs.size(); k++) {
      int[] pair = data.heldPairs.get(k);
      double actual = data.heldRatings.get(k);
      meanError += (actual - mean) * (actual - mean);
      modelError += Math.pow(actual - model.predict(pair[0], pair[1]), 2);
    }
    double meanRmse = Math.sqrt(meanError / data.heldPairs.size());
    double modelRmse = Math.sqrt(modelError / data.heldPairs.size());
    double spread = Math.sqrt(data.trainRatings.stream().mapToDouble(r -> (r - mean) * (r - mean)).average()
        .orElseThrow());
    assertTrue(model.trainingRmse() < 0.4 * spread, "training RMSE " + model.trainingRmse() + ", ratings' "
        + "standard deviation " + spread);
    assertTrue(modelRmse < 0.5 * meanRmse, "held-out RMSE " + modelRmse + " against the mean's " + meanRmse);
  }

  @Test
  void theSameModelWhateverTheNumberOfThreads() {
    Data data = new Data(40, 30, 7);
    ItemAutoencoder one = fit(data, 1);
    ItemAutoencoder three = fit(data, 3);
    for (int u = 0; u < one.users(); u++) {
      assertArrayEquals(one.userFactors(u), three.userFactors(u), "user " + u);
    }
    for (int i = 0; i < one.items(); i++) {
      assertArrayEquals(one.itemFactors(i), three.itemFactors(i), "item " + i);
    }
  }

  @Test
  void itsPredictionIsTheDotProductOfItsTwoFactorSides() {
    ItemAutoencoder model = fit(new Data(20, 15, 11), 2);
    for (int u = 0; u < model.users(); u++) {
      for (int i = 0; i < model.items(); i++) {
        float[] a = model.userFactors(u);
        float[] b = model.itemFactors(i);
        double dot = 0;
        for (int k = 0; k < a.length; k++) {
          dot += a[k] * b[k];
        }
        assertEquals(model.predict(u, i), dot, 1e-4, "user " + u + ", item " + i);
      }
    }
  }

  @Test
  void refusesAModelTooLargeForTheDriverSayingWhatToChange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ItemAutoencoder.requireFits(500, 1_000_000, 20_000_000, 8L << 30));
    assertTrue(e.getMessage().contains("autoencoderUnits = 500") && e.getMessage().contains("1,000,000 users")
        && e.getMessage().contains("spark.driver.memory"), e.getMessage());
    ItemAutoencoder.requireFits(500, 943, 80_000, 1L << 30);
  }

  @Test
  void eachStepsGradientIsTheLossesAsFiniteDifferencesGiveIt() {
    Data data = new Data(6, 5, 13);
    int[] user = data.column(0);
    int[] item = data.column(1);
    float[] rating = data.ratings();
    int units = 3;
    Random random = new Random(17);
    float[][] params = {new float[6 * units], new float[units], new float[6 * units], new float[6]};
    for (float[] p : params) {
      for (int x = 0; x < p.length; x++) {
        p[x] = (float) (0.5 * random.nextGaussian());
      }
    }
    Object[] analytic = ItemAutoencoder.lossAndGradient(user, item, rating, units, params[0], params[1], params[2],
        params[3]);
    double step = 1e-2;
    for (int a = 0; a < params.length; a++) {
      float[] gradient = (float[]) analytic[a + 1];
      for (int x = 0; x < params[a].length; x++) {
        float kept = params[a][x];
        params[a][x] = (float) (kept + step);
        double up = (Double) ItemAutoencoder.lossAndGradient(user, item, rating, units, params[0], params[1],
            params[2], params[3])[0];
        params[a][x] = (float) (kept - step);
        double down = (Double) ItemAutoencoder.lossAndGradient(user, item, rating, units, params[0], params[1],
            params[2], params[3])[0];
        params[a][x] = kept;
        double numeric = (up - down) / (2 * step);
        assertEquals(numeric, gradient[x], 1e-2 * Math.max(1, Math.abs(numeric)),
            "parameter array " + a + ", entry " + x);
      }
    }
  }
}
