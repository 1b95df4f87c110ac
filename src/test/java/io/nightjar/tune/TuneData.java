package io.nightjar.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Seeded regression data: features of different means and scales, some correlated, a linear label plus noise. */
final class TuneData {
  static final StructType SCHEMA = new StructType()
      .add("features", new VectorUDT(), false)
      .add("label", DataTypes.DoubleType, false);

  private TuneData() {}

  /** Rows as double[]{x_0..x_{p-1}, y}. */
  static double[][] rows(int n, double[] beta, double intercept, double noise, long seed) {
    Random rnd = new Random(seed);
    int p = beta.length;
    double[][] out = new double[n][p + 1];
    for (int i = 0; i < n; i++) {
      double shared = rnd.nextGaussian();
      double y = intercept;
      for (int j = 0; j < p; j++) {
        double scale = 1 + j % 4 * 3; // 1, 4, 7, 10, ...
        double x = 5.0 * (j % 3) + scale * (0.8 * rnd.nextGaussian() + 0.3 * shared);
        out[i][j] = x;
        y += beta[j] * x;
      }
      out[i][p] = y + noise * rnd.nextGaussian();
    }
    return out;
  }

  static Dataset<Row> frame(SparkSession spark, double[][] rows) {
    List<Row> list = new ArrayList<>();
    for (double[] r : rows) {
      double[] x = java.util.Arrays.copyOf(r, r.length - 1);
      list.add(RowFactory.create(Vectors.dense(x), r[r.length - 1]));
    }
    return spark.createDataFrame(list, SCHEMA);
  }
}
