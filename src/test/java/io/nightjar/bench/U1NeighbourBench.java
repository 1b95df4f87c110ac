package io.nightjar.bench;

import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scratch study for issue 3 (u1.test RMSE at most 0.905): would an item-neighbourhood model on the baseline
 * residuals, blended with the product's ALS blend, get there? Everything is chosen on a 90/10 split of u1.base (seed
 * 7, as U1EnsembleBench); then both models are refitted on all of u1.base, blended with the weights fitted on the
 * validation rows, and u1.test is scored once, every row. The neighbourhood model runs on the driver (plain arrays;
 * 80k ratings): shrunk cosine similarity of residuals over common users, the user's K most similar rated items with a
 * positive similarity, and the baseline alone when there are none.
 *
 * <p>Args: {@code [K (40)] [SHRINK (100)]}.
 */
public final class U1NeighbourBench {
  private static final String PRODUCT = "biases.maxIter=20;biases.regParam=5;params.rank=50;params.regParam=0.15;"
      + "params.maxIter=15;params.numUserBlocks=2;params.numItemBlocks=2;params.blendMembers=5;params.blendRank=5;"
      + "params.blendRegParam=0.08;params.blendWeight=0.5";

  private U1NeighbourBench() {}

  public static void main(String[] args) {
    int k = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    double shrink = args.length > 1 ? Double.parseDouble(args[1]) : 100;
    System.out.println(BenchSupport.machine());
    Path ml100k = BenchSupport.sharedDataset("movielens-100k");
    if (ml100k == null) {
      System.out.println("SKIP U1NeighbourBench: needs ../shared/data/movielens-100k (u1.base, u1.test)");
      return;
    }
    SparkSession spark = BenchSupport.localSession("u1-neighbour-bench");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    spark.sparkContext().setCheckpointDir(BenchSupport.benchDir().resolve("checkpoints").toString());
    try {
      Dataset<Row> train = read(spark, ml100k.resolve("u1.base")).cache();
      Dataset<Row> test = read(spark, ml100k.resolve("u1.test")).cache();
      Dataset<Row>[] inner = train.randomSplit(new double[] {0.9, 0.1}, 7L);
      Dataset<Row> fitPart = inner[0].cache();
      Dataset<Row> validation = inner[1].cache();
      double[][] v = scores(spark, fitPart, validation, k, shrink);
      double[][] t = scores(spark, train, test, k, shrink);
      // Blend: rating ~ a + b * als + c * knn, least squares on the validation rows.
      double[] w = leastSquares(v[0], v[1], v[2]);
      System.out.printf(Locale.ROOT, "K %d, shrink %.0f; blend weights: intercept %.4f, ALS blend %.4f, kNN %.4f%n",
          k, shrink, w[0], w[1], w[2]);
      for (String part : List.of("validation", "TEST u1.test")) {
        double[][] s = part.startsWith("TEST") ? t : v;
        double[] blended = new double[s[0].length];
        for (int r = 0; r < blended.length; r++) {
          blended[r] = Math.min(5, Math.max(1, w[0] + w[1] * s[1][r] + w[2] * s[2][r]));
        }
        System.out.printf(Locale.ROOT, "  %s (%d rows): product ALS blend %.4f, kNN on residuals %.4f, both %.4f%n",
            part, s[0].length, rmse(s[0], s[1]), rmse(s[0], s[2]), rmse(s[0], blended));
      }
    } finally {
      spark.stop();
    }
  }

  /** Rows of {@code scored}: [0] the rating, [1] the product's prediction, [2] the neighbourhood prediction. */
  private static double[][] scores(SparkSession spark, Dataset<Row> fit, Dataset<Row> scored, int k, double shrink) {
    JobSpec spec = JobSpecLoader.load("movielens", MovieLensBench.SPEC, List.of(PRODUCT.split(";")));
    long start = System.nanoTime();
    PipelineModel model = PipelineFactory.fit(spec, PipelineFactory.build(spec, null), fit);
    List<Row> rows = model.transform(scored).select("user_id", "item_id", "rating", "prediction").collectAsList();
    double alsSeconds = BenchSupport.secondsSince(start);
    start = System.nanoTime();
    Neighbours knn = Neighbours.fit(fit.select("user_id", "item_id", "rating").collectAsList(), k, shrink);
    double[][] out = new double[3][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      out[0][r] = row.getDouble(2);
      out[1][r] = row.getDouble(3);
      out[2][r] = knn.predict(row.getInt(0), row.getInt(1));
    }
    System.out.printf(Locale.ROOT, "fitted on %d rows: ALS blend %.1f s, kNN %.1f s%n", fit.count(), alsSeconds,
        BenchSupport.secondsSince(start));
    return out;
  }

  private static Dataset<Row> read(SparkSession spark, Path file) {
    return spark.read().option("sep", "\t").schema("user_id INT, item_id INT, rating DOUBLE, ts LONG")
        .csv(file.toString()).drop("ts");
  }

  private static double rmse(double[] actual, double[] predicted) {
    double sum = 0;
    for (int r = 0; r < actual.length; r++) {
      sum += (actual[r] - predicted[r]) * (actual[r] - predicted[r]);
    }
    return Math.sqrt(sum / actual.length);
  }

  /** Least squares of y on [1, a, b] by the 3x3 normal equations. */
  private static double[] leastSquares(double[] y, double[] a, double[] b) {
    double[][] m = new double[3][4];
    for (int r = 0; r < y.length; r++) {
      double[] x = {1, a[r], b[r]};
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          m[i][j] += x[i] * x[j];
        }
        m[i][3] += x[i] * y[r];
      }
    }
    for (int p = 0; p < 3; p++) {
      for (int i = p + 1; i < 3; i++) {
        double f = m[i][p] / m[p][p];
        for (int j = p; j < 4; j++) {
          m[i][j] -= f * m[p][j];
        }
      }
    }
    double[] w = new double[3];
    for (int i = 2; i >= 0; i--) {
      double s = m[i][3];
      for (int j = i + 1; j < 3; j++) {
        s -= m[i][j] * w[j];
      }
      w[i] = s / m[i][i];
    }
    return w;
  }

  /** Item-based neighbourhood on baseline residuals, all in driver arrays. */
  static final class Neighbours {
    private final double mean;
    private final double[] userBias;
    private final double[] itemBias;
    private final double[][] similarity;
    private final int[][] ratedItems;
    private final double[][] ratedResiduals;
    private final int k;

    private Neighbours(double mean, double[] userBias, double[] itemBias, double[][] similarity, int[][] ratedItems,
        double[][] ratedResiduals, int k) {
      this.mean = mean;
      this.userBias = userBias;
      this.itemBias = itemBias;
      this.similarity = similarity;
      this.ratedItems = ratedItems;
      this.ratedResiduals = ratedResiduals;
      this.k = k;
    }

    static Neighbours fit(List<Row> ratings, int k, double shrink) {
      int users = 0;
      int items = 0;
      double sum = 0;
      for (Row r : ratings) {
        users = Math.max(users, r.getInt(0) + 1);
        items = Math.max(items, r.getInt(1) + 1);
        sum += r.getDouble(2);
      }
      double mean = sum / ratings.size();
      double[] bu = new double[users];
      double[] bi = new double[items];
      for (int pass = 0; pass < 20; pass++) {
        double[] s = new double[items];
        int[] n = new int[items];
        for (Row r : ratings) {
          s[r.getInt(1)] += r.getDouble(2) - mean - bu[r.getInt(0)];
          n[r.getInt(1)]++;
        }
        for (int i = 0; i < items; i++) {
          bi[i] = s[i] / (5 + n[i]);
        }
        s = new double[users];
        n = new int[users];
        for (Row r : ratings) {
          s[r.getInt(0)] += r.getDouble(2) - mean - bi[r.getInt(1)];
          n[r.getInt(0)]++;
        }
        for (int u = 0; u < users; u++) {
          bu[u] = s[u] / (5 + n[u]);
        }
      }
      List<List<double[]>> byUser = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        byUser.add(new ArrayList<>());
      }
      for (Row r : ratings) {
        int u = r.getInt(0);
        int i = r.getInt(1);
        byUser.get(u).add(new double[] {i, r.getDouble(2) - mean - bu[u] - bi[i]});
      }
      double[][] dot = new double[items][items];
      double[][] sq = new double[items][items];
      int[][] common = new int[items][items];
      int[][] ratedItems = new int[users][];
      double[][] ratedResiduals = new double[users][];
      for (int u = 0; u < users; u++) {
        List<double[]> list = byUser.get(u);
        ratedItems[u] = new int[list.size()];
        ratedResiduals[u] = new double[list.size()];
        for (int a = 0; a < list.size(); a++) {
          ratedItems[u][a] = (int) list.get(a)[0];
          ratedResiduals[u][a] = list.get(a)[1];
        }
        for (int a = 0; a < list.size(); a++) {
          int i = ratedItems[u][a];
          double ri = ratedResiduals[u][a];
          for (int b = 0; b < list.size(); b++) {
            int j = ratedItems[u][b];
            double rj = ratedResiduals[u][b];
            dot[i][j] += ri * rj;
            sq[i][j] += ri * ri;
            common[i][j]++;
          }
        }
      }
      double[][] similarity = new double[items][items];
      for (int i = 0; i < items; i++) {
        for (int j = 0; j < items; j++) {
          double norm = Math.sqrt(sq[i][j] * sq[j][i]);
          similarity[i][j] = i == j || norm == 0 ? 0 : dot[i][j] / norm * common[i][j] / (common[i][j] + shrink);
        }
      }
      return new Neighbours(mean, bu, bi, similarity, ratedItems, ratedResiduals, k);
    }

    double predict(int user, int item) {
      double baseline = mean + (user < userBias.length ? userBias[user] : 0)
          + (item < itemBias.length ? itemBias[item] : 0);
      if (user >= ratedItems.length || item >= similarity.length) {
        return baseline;
      }
      int[] rated = ratedItems[user];
      double[] sims = new double[rated.length];
      Integer[] order = new Integer[rated.length];
      for (int a = 0; a < rated.length; a++) {
        sims[a] = similarity[item][rated[a]];
        order[a] = a;
      }
      Arrays.sort(order, (x, y) -> Double.compare(sims[y], sims[x]));
      double num = 0;
      double den = 0;
      for (int n = 0; n < Math.min(k, order.length) && sims[order[n]] > 0; n++) {
        num += sims[order[n]] * ratedResiduals[user][order[n]];
        den += sims[order[n]];
      }
      return den == 0 ? baseline : baseline + num / den;
    }
  }
}
