package io.nightjar.pipeline.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An item-based autoencoder of the ratings (I-AutoRec, Sedhain et al., 2015), fitted on the driver and read as a
 * factorisation, so that it blends into one standard {@code ALSModel}.
 *
 * <p>Each item's vector of ratings over the users (0 where a user did not rate it) is encoded into {@code units}
 * sigmoid activations, {@code h(i) = sigmoid(V' r(i) + b)}, and decoded back per user, {@code r(u, i) = c(u) + W(u)
 * . h(i)}. The loss is half the squared error over the observed ratings only, plus {@code regParam / 2} times the
 * squared weights of V and W; it is minimised by full-batch Adam for {@code iterations} steps. A fitted model is thus
 * a dot product of a user side {@code [W(u), c(u)]} and an item side {@code [h(i), 1]}: {@link #userFactors} and
 * {@link #itemFactors}.
 *
 * <p>Why a second family: its errors differ from those of ALS on the ratings (a nonlinear code per item, learned
 * from who rated it how), and averaging the two is clearly better than either (MovieLens 100k u1, BENCHMARKS.md).
 * The cost: the model's weights ({@code 2 * units} floats per user, with Adam's state several copies of them) live
 * on the driver while it trains, so it suits catalogues of up to some hundred thousand users; {@link #requireFits}
 * refuses larger ones before anything is trained.
 *
 * <p>Deterministic: the same ratings, settings and seed give the same model, whatever the number of threads.
 */
final class ItemAutoencoder {
  /** Adam's step size; its moment decays and epsilon are the defaults of its paper. */
  static final double LEARNING_RATE = 1e-3;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  /**
   * Ranges of items whose gradients are computed apart and then summed in order: fixed, so that the sums, hence the
   * model, do not depend on the number of threads.
   */
  static final int SHARDS = 4;

  private final int units;
  private final int users;
  private final float[] decoder;
  private final float[] userBias;
  private final float[] codes;
  private final double trainingRmse;

  private ItemAutoencoder(int units, int users, float[] decoder, float[] userBias, float[] codes,
      double trainingRmse) {
    this.units = units;
    this.users = users;
    this.decoder = decoder;
    this.userBias = userBias;
    this.codes = codes;
    this.trainingRmse = trainingRmse;
  }

  /** The settings of one fit. */
  record Settings(int units, double regParam, int iterations, long seed) {
    Settings {
      if (units < 1 || regParam < 0 || iterations < 1) {
        throw new IllegalArgumentException("autoencoder units " + units + ", regParam " + regParam + ", iterations "
            + iterations + ": units and iterations must be at least 1, regParam at least 0");
      }
    }
  }

  /**
   * Bytes of driver memory a fit of {@code users} users takes: the encoder and decoder, Adam's two moments of each,
   * and one gradient of each per shard of the items, all {@code units} floats per user.
   */
  static long bytesNeeded(int units, int users) {
    return 4L * units * users * (6L + 2L * SHARDS);
  }

  /**
   * Refuses a fit that would take more than a quarter of the driver's heap (or more than one Java array can hold
   * per weight matrix), saying what to change; the ratings themselves take 12 bytes each on top.
   */
  static void requireFits(int units, int users, long ratings, long maxHeap) {
    long needed = bytesNeeded(units, users) + 12L * ratings;
    if (needed > maxHeap / 4 || (long) units * users > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(String.format(
          "autoencoderUnits = %d for %,d users and %,d ratings needs %,d MiB on the driver, more than a quarter of its "
              + "%,d MiB heap; lower autoencoderUnits, raise the driver memory (spark.driver.memory), or set "
              + "autoencoderUnits to 0 for ALS alone", units, users, ratings, needed >> 20, maxHeap >> 20));
    }
  }

  /**
   * Fits the autoencoder on ratings given as parallel arrays of user and item indices (from 0) and values.
   *
   * @param threads how many threads compute the gradient (the result does not depend on it)
   */
  static ItemAutoencoder fit(int[] user, int[] item, float[] rating, Settings settings, int threads) {
    int n = rating.length;
    if (n == 0) {
      throw new IllegalArgumentException("the autoencoder has no ratings to learn from");
    }
    int users = 0;
    int items = 0;
    double sum = 0;
    for (int p = 0; p < n; p++) {
      users = Math.max(users, user[p] + 1);
      items = Math.max(items, item[p] + 1);
      sum += rating[p];
    }
    ByItem data = ByItem.of(user, item, rating, items);
    int h = settings.units();
    Random random = new Random(settings.seed());
    float[] encoder = new float[users * h];
    float[] decoder = new float[users * h];
    double encoderScale = 1 / Math.sqrt(users);
    double decoderScale = 1 / Math.sqrt(h);
    for (int x = 0; x < encoder.length; x++) {
      encoder[x] = (float) (random.nextGaussian() * encoderScale);
    }
    for (int x = 0; x < decoder.length; x++) {
      decoder[x] = (float) (random.nextGaussian() * decoderScale);
    }
    float[] hiddenBias = new float[h];
    float[] userBias = new float[users];
    java.util.Arrays.fill(userBias, (float) (sum / n));
    Adam adam = new Adam(new float[][] {encoder, hiddenBias, decoder, userBias});
    int[] bounds = data.shards(SHARDS);
    Gradient[] shards = new Gradient[SHARDS];
    for (int s = 0; s < SHARDS; s++) {
      shards[s] = new Gradient(users, h);
    }
    int workers = Math.max(1, Math.min(threads, SHARDS));
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    double loss = 0;
    try {
      for (int step = 1; step <= settings.iterations(); step++) {
        List<Future<?>> work = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
          Gradient g = shards[s];
          int from = bounds[s];
          int to = bounds[s + 1];
          work.add(pool.submit(() -> g.compute(data, from, to, encoder, hiddenBias, decoder, userBias)));
        }
        waitFor(work);
        Gradient total = shards[0];
        for (int s = 1; s < SHARDS; s++) {
          total.add(shards[s]);
        }
        loss = total.loss;
        for (int x = 0; x < encoder.length; x++) {
          total.encoder[x] += (float) (settings.regParam() * encoder[x]);
          total.decoder[x] += (float) (settings.regParam() * decoder[x]);
        }
        adam.step(new float[][] {total.encoder, total.hiddenBias, total.decoder, total.userBias}, step);
      }
    } finally {
      pool.shutdownNow();
    }
    float[] codes = new float[items * h];
    float[] z = new float[h];
    for (int i = 0; i < items; i++) {
      encode(data, i, encoder, hiddenBias, h, z);
      System.arraycopy(z, 0, codes, i * h, h);
    }
    return new ItemAutoencoder(h, users, decoder, userBias, codes, Math.sqrt(loss / n));
  }

  /**
   * The squared-error loss over the ratings (without the penalty) and its gradient with respect to the encoder,
   * hidden bias, decoder and user bias, in that order after the loss: what each training step computes, for tests.
   */
  static Object[] lossAndGradient(int[] user, int[] item, float[] rating, int units, float[] encoder,
      float[] hiddenBias, float[] decoder, float[] userBias) {
    int items = 0;
    for (int i : item) {
      items = Math.max(items, i + 1);
    }
    ByItem data = ByItem.of(user, item, rating, items);
    Gradient g = new Gradient(userBias.length, units);
    g.compute(data, 0, items, encoder, hiddenBias, decoder, userBias);
    return new Object[] {g.loss / 2, g.encoder, g.hiddenBias, g.decoder, g.userBias};
  }

  private static void waitFor(List<Future<?>> work) {
    for (Future<?> f : work) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the autoencoder fit was interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("the autoencoder fit failed: " + e.getCause(), e.getCause());
      }
    }
  }

  /** {@code z = sigmoid(V' r(i) + b)} for item {@code i}. */
  private static void encode(ByItem data, int i, float[] encoder, float[] hiddenBias, int h, float[] z) {
    System.arraycopy(hiddenBias, 0, z, 0, h);
    for (int p = data.start[i]; p < data.start[i + 1]; p++) {
      int off = data.user[p] * h;
      float r = data.rating[p];
      for (int k = 0; k < h; k++) {
        z[k] += r * encoder[off + k];
      }
    }
    for (int k = 0; k < h; k++) {
      z[k] = (float) (1 / (1 + Math.exp(-z[k])));
    }
  }

  /** The number of hidden units. */
  int units() {
    return units;
  }

  /** Root mean squared error on the training ratings at the last step, before its update. */
  double trainingRmse() {
    return trainingRmse;
  }

  /** The user side of the factorisation, {@code [W(u), c(u)]}: {@code units + 1} values. */
  float[] userFactors(int u) {
    float[] f = new float[units + 1];
    System.arraycopy(decoder, u * units, f, 0, units);
    f[units] = userBias[u];
    return f;
  }

  /** The item side of the factorisation, {@code [h(i), 1]}: {@code units + 1} values. */
  float[] itemFactors(int i) {
    float[] f = new float[units + 1];
    System.arraycopy(codes, i * units, f, 0, units);
    f[units] = 1f;
    return f;
  }

  /** The reconstructed rating of user {@code u} for item {@code i}, both seen in training. */
  double predict(int u, int i) {
    double out = userBias[u];
    for (int k = 0; k < units; k++) {
      out += decoder[u * units + k] * codes[i * units + k];
    }
    return out;
  }

  /** Users, from 0, the model holds. */
  int users() {
    return users;
  }

  /** Items, from 0, the model holds. */
  int items() {
    return codes.length / units;
  }

  /** The ratings grouped by item: item i's are at positions {@code start[i]} to {@code start[i + 1]}. */
  private record ByItem(int[] start, int[] user, float[] rating) {
    static ByItem of(int[] user, int[] item, float[] rating, int items) {
      int[] start = new int[items + 1];
      for (int i : item) {
        start[i + 1]++;
      }
      for (int i = 0; i < items; i++) {
        start[i + 1] += start[i];
      }
      int[] next = java.util.Arrays.copyOf(start, items);
      int[] byUser = new int[user.length];
      float[] byRating = new float[user.length];
      for (int p = 0; p < user.length; p++) {
        int at = next[item[p]]++;
        byUser[at] = user[p];
        byRating[at] = rating[p];
      }
      return new ByItem(start, byUser, byRating);
    }

    int items() {
      return start.length - 1;
    }

    /** {@code shards + 1} item bounds cutting the items into ranges of about equal numbers of ratings. */
    int[] shards(int shards) {
      int[] bounds = new int[shards + 1];
      int items = items();
      int i = 0;
      for (int s = 1; s < shards; s++) {
        long target = (long) user.length * s / shards;
        while (i < items && start[i] < target) {
          i++;
        }
        bounds[s] = i;
      }
      bounds[shards] = items;
      return bounds;
    }
  }

  /** The loss gradient over a range of items: every user's rows of V and W, the hidden and user biases. */
  private static final class Gradient {
    final float[] encoder;
    final float[] decoder;
    final float[] hiddenBias;
    final float[] userBias;
    private final float[] z;
    private final float[] dz;
    double loss;

    Gradient(int users, int h) {
      encoder = new float[users * h];
      decoder = new float[users * h];
      hiddenBias = new float[h];
      userBias = new float[users];
      z = new float[h];
      dz = new float[h];
    }

    /** Replaces this gradient by that of items {@code from} to {@code to} (exclusive). */
    void compute(ByItem data, int from, int to, float[] encoderW, float[] hiddenB, float[] decoderW,
        float[] userB) {
      java.util.Arrays.fill(encoder, 0f);
      java.util.Arrays.fill(decoder, 0f);
      java.util.Arrays.fill(hiddenBias, 0f);
      java.util.Arrays.fill(userBias, 0f);
      loss = 0;
      int h = z.length;
      for (int i = from; i < to; i++) {
        int start = data.start[i];
        int end = data.start[i + 1];
        if (start == end) {
          continue;
        }
        encode(data, i, encoderW, hiddenB, h, z);
        java.util.Arrays.fill(dz, 0f);
        for (int p = start; p < end; p++) {
          int u = data.user[p];
          int off = u * h;
          float out = userB[u];
          for (int k = 0; k < h; k++) {
            out += decoderW[off + k] * z[k];
          }
          float e = out - data.rating[p];
          loss += (double) e * e;
          userBias[u] += e;
          for (int k = 0; k < h; k++) {
            dz[k] += e * decoderW[off + k];
            decoder[off + k] += e * z[k];
          }
        }
        for (int k = 0; k < h; k++) {
          dz[k] *= z[k] * (1 - z[k]);
          hiddenBias[k] += dz[k];
        }
        for (int p = start; p < end; p++) {
          int off = data.user[p] * h;
          float r = data.rating[p];
          for (int k = 0; k < h; k++) {
            encoder[off + k] += r * dz[k];
          }
        }
      }
    }

    /** Adds {@code other} into this one. */
    void add(Gradient other) {
      for (int x = 0; x < encoder.length; x++) {
        encoder[x] += other.encoder[x];
        decoder[x] += other.decoder[x];
      }
      for (int k = 0; k < hiddenBias.length; k++) {
        hiddenBias[k] += other.hiddenBias[k];
      }
      for (int u = 0; u < userBias.length; u++) {
        userBias[u] += other.userBias[u];
      }
      loss += other.loss;
    }
  }

  /** Adam's first and second moments of every parameter array, and its update. */
  private static final class Adam {
    private final float[][] parameters;
    private final float[][] first;
    private final float[][] second;

    Adam(float[][] parameters) {
      this.parameters = parameters;
      first = new float[parameters.length][];
      second = new float[parameters.length][];
      for (int a = 0; a < parameters.length; a++) {
        first[a] = new float[parameters[a].length];
        second[a] = new float[parameters[a].length];
      }
    }

    void step(float[][] gradients, int step) {
      double correct1 = 1 - Math.pow(BETA1, step);
      double correct2 = 1 - Math.pow(BETA2, step);
      for (int a = 0; a < parameters.length; a++) {
        float[] p = parameters[a];
        float[] g = gradients[a];
        float[] m = first[a];
        float[] v = second[a];
        for (int x = 0; x < p.length; x++) {
          m[x] = (float) (BETA1 * m[x] + (1 - BETA1) * g[x]);
          v[x] = (float) (BETA2 * v[x] + (1 - BETA2) * g[x] * g[x]);
          p[x] -= (float) (LEARNING_RATE * (m[x] / correct1) / (Math.sqrt(v[x] / correct2) + EPSILON));
        }
      }
    }
  }
}
