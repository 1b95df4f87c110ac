package io.nightjar.recommend;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Every item's latent factors and bias, laid out for scoring one user against many items at once: item ids ascending,
 * factors feature-major ({@code factors[f * n + j]} is feature {@code f} of the {@code j}-th item), so scoring a user
 * is {@code rank} passes of a multiply-add over contiguous floats, which the JIT vectorises.
 *
 * <p>Broadcast to every task as it is: its size is {@code n * (rank + 1) * 4} bytes plus the ids.
 */
final class ItemMatrix implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Item factors above this many floats are refused: a broadcast that large would not fit an executor. */
  static final long MAX_FLOATS = 256L * 1024 * 1024;

  final int n;
  final int rank;
  /** Item ids (the ALS item ids), ascending. */
  final int[] ids;
  /** Feature-major factors, {@code rank * n} floats. */
  final float[] factors;
  /** Item biases by position, or null when the model has none; the float copy seeds the scores. */
  final double[] bias;
  final float[] biasF;

  private ItemMatrix(int[] ids, float[] factors, int rank, double[] bias) {
    this.n = ids.length;
    this.rank = rank;
    this.ids = ids;
    this.factors = factors;
    this.bias = bias;
    if (bias == null) {
      this.biasF = null;
    } else {
      this.biasF = new float[n];
      for (int j = 0; j < n; j++) {
        biasF[j] = (float) bias[j];
      }
    }
  }

  /**
   * Builds the matrix from collected ALS item factors.
   *
   * @param rows rows of (id int, features array of float), as {@code ALSModel.itemFactors()} holds them
   * @param biasById the item bias by item id, or null when the model has no bias stage; an id it lacks gets 0
   */
  static ItemMatrix of(List<Row> rows, int rank, java.util.function.IntToDoubleFunction biasById) {
    int n = rows.size();
    if ((long) n * rank > MAX_FLOATS) {
      throw new IllegalStateException(String.format("%d items of rank %d are too many to broadcast for top-K "
          + "scoring (limit %d floats); this model is too large for the recommend verb", n, rank, MAX_FLOATS));
    }
    Row[] sorted = rows.toArray(Row[]::new);
    Arrays.sort(sorted, (a, b) -> Integer.compare(a.getInt(0), b.getInt(0)));
    int[] ids = new int[n];
    float[] factors = new float[n * rank];
    double[] bias = biasById == null ? null : new double[n];
    for (int j = 0; j < n; j++) {
      ids[j] = sorted[j].getInt(0);
      List<Object> features = sorted[j].getList(1);
      if (features.size() != rank) {
        throw new IllegalStateException("item " + ids[j] + " has " + features.size() + " factors, expected " + rank);
      }
      for (int f = 0; f < rank; f++) {
        factors[f * n + j] = ((Number) features.get(f)).floatValue();
      }
      if (bias != null) {
        bias[j] = biasById.applyAsDouble(ids[j]);
      }
    }
    return new ItemMatrix(ids, factors, rank, bias);
  }

  /** Position of item {@code id}, or a negative number when absent. */
  int position(int id) {
    return Arrays.binarySearch(ids, id);
  }

  /** The exact model score of item {@code j} for a user with {@code x} (null: no factors), in double. */
  double score(int j, float[] x) {
    double sum = bias == null ? 0.0 : bias[j];
    if (x != null) {
      double dot = 0.0;
      for (int f = 0; f < rank; f++) {
        dot += (double) x[f] * factors[f * n + j];
      }
      sum += dot;
    }
    return sum;
  }
}
