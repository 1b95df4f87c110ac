package io.nightjar.tune;

import java.io.Serializable;

/**
 * Count, means and centred co-moments of a vector (the features followed by the label), packed upper triangle.
 *
 * <p>Rows are added against a shift (the first row seen), which keeps the sums small; {@link #finish()} turns them
 * into means and centred co-moments, and {@link #merge} combines two finished parts (Chan et al.), so the figures
 * stay accurate over hundreds of millions of rows.
 */
final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;

  final int dim;
  long n;
  /** Before finish: the shift; after: the means. */
  final double[] mean;
  /** Before finish: sums of shifted values; unused after. */
  private double[] sum;
  /** Before finish: sums of shifted products; after: centred co-moments sum (x-mean)(x-mean)'. */
  final double[] m2;
  private boolean finished;

  Moments(int dim) {
    this.dim = dim;
    this.mean = new double[dim];
    this.sum = new double[dim];
    this.m2 = new double[dim * (dim + 1) / 2];
  }

  static int index(int i, int j) {
    return i <= j ? j * (j + 1) / 2 + i : i * (i + 1) / 2 + j;
  }

  /** Adds one row; {@code scratch} has length dim. */
  void add(double[] row, double[] scratch) {
    if (n == 0) {
      System.arraycopy(row, 0, mean, 0, dim);
    }
    n++;
    double[] d = scratch;
    for (int i = 0; i < dim; i++) {
      d[i] = row[i] - mean[i];
      sum[i] += d[i];
    }
    double[] s = m2;
    for (int j = 0; j < dim; j++) {
      double dj = d[j];
      if (dj != 0.0) {
        int base = j * (j + 1) / 2;
        for (int i = 0; i <= j; i++) {
          s[base + i] += d[i] * dj;
        }
      }
    }
  }

  /** Turns the shifted sums into means and centred co-moments. */
  Moments finish() {
    if (finished) {
      return this;
    }
    if (n > 0) {
      double[] meanShift = new double[dim];
      for (int i = 0; i < dim; i++) {
        meanShift[i] = sum[i] / n;
      }
      for (int j = 0; j < dim; j++) {
        int base = j * (j + 1) / 2;
        for (int i = 0; i <= j; i++) {
          m2[base + i] -= n * meanShift[i] * meanShift[j];
        }
      }
      for (int i = 0; i < dim; i++) {
        mean[i] += meanShift[i];
      }
    }
    sum = null;
    finished = true;
    return this;
  }

  /** A new finished part holding this one and {@code other} (both finished). */
  Moments merge(Moments other) {
    if (!finished || !other.finished) {
      throw new IllegalStateException("merge needs finished moments");
    }
    Moments out = new Moments(dim);
    out.sum = null;
    out.finished = true;
    long total = n + other.n;
    out.n = total;
    if (total == 0) {
      return out;
    }
    double wa = (double) n / total;
    double wb = (double) other.n / total;
    double[] delta = new double[dim];
    for (int i = 0; i < dim; i++) {
      delta[i] = other.mean[i] - mean[i];
      out.mean[i] = n == 0 ? other.mean[i] : other.n == 0 ? mean[i] : mean[i] * wa + other.mean[i] * wb;
    }
    double f = (double) n * other.n / total;
    for (int j = 0; j < dim; j++) {
      int base = j * (j + 1) / 2;
      for (int i = 0; i <= j; i++) {
        out.m2[base + i] = m2[base + i] + other.m2[base + i] + f * delta[i] * delta[j];
      }
    }
    return out;
  }

  /** Co-moment sum (x_i - mean_i)(x_j - mean_j) over the rows. */
  double comoment(int i, int j) {
    return m2[index(i, j)];
  }
}
