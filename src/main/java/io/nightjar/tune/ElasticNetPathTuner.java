package io.nightjar.tune;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fast cross-validation of Spark's elastic-net {@code LinearRegression} along a regParam path.
 *
 * <p>One Spark pass over the rows computes, per fold, the count, means and centred co-moments of the features and
 * the label (a (p+1) x (p+1) matrix per fold, merged across partitions with {@code treeReduce}, so the memory does
 * not depend on the number of rows). On the driver, the training statistics of fold k are the merge of the other
 * folds (the means and standard deviations come from the fold's training rows only), and warm-started coordinate
 * descent walks the path from the largest regParam down; each solution is scored on fold k from its statistics.
 *
 * <p>The regParam and elasticNetParam values are in Spark {@code LinearRegression}'s parametrisation: fitting
 * {@code LinearRegression} (solver auto or normal, at most 4096 features) at a point gives the coefficients the
 * tuner solved for, up to the tolerance of Spark's own solver. Only rmse, mse and r2 can be scored from the
 * statistics; mae needs {@link GridTuner}.
 */
public final class ElasticNetPathTuner {
  /** Above this, the per-fold (p+1)^2 statistics get too big; Spark's normal solver stops at the same size. */
  public static final int MAX_FEATURES = 4096;

  private ElasticNetPathTuner() {}

  /**
   * The solutions on all rows along a path, for one elasticNetParam.
   *
   * @param regParams the path, largest first
   * @param coefficients per regParam, on the original scale of the features
   * @param intercepts per regParam
   */
  public record PathSolution(double elasticNetParam, double[] regParams, double[][] coefficients,
      double[] intercepts) {}

  /**
   * Cross-validates every (elasticNetParam, regParam) point of the path.
   *
   * @param data rows with an assembled features vector column and a numeric label (no missing or infinite value)
   * @return method "path-cv"; the points in order of {@code elasticNetParams}, each path from its largest regParam
   *     down; each point's params are {@code regParam} and {@code elasticNetParam}
   */
  public static TuningResult tune(Dataset<Row> data, String featuresCol, String labelCol, PathSettings settings) {
    long start = System.nanoTime();
    Moments[] folds = foldMoments(data, featuresCol, labelCol, settings.folds(), settings.seed());
    Moments all = mergeAll(folds, -1);
    for (int k = 0; k < folds.length; k++) {
      if (folds[k].n == 0) {
        throw new IllegalArgumentException(String.format(
            "fold %d of %d has no rows (%d rows in all); use fewer folds or more data", k + 1, folds.length, all.n));
      }
    }
    ScaledProblem full = ScaledProblem.of(all, settings.fitIntercept(), settings.standardization());
    double[] alphas = settings.elasticNetParams();
    double[][] paths = new double[alphas.length][];
    for (int a = 0; a < alphas.length; a++) {
      paths[a] = path(full, alphas[a], settings, all.n);
    }
    int k = folds.length;
    double[][][] scores = new double[alphas.length][][];
    for (int a = 0; a < alphas.length; a++) {
      scores[a] = new double[paths[a].length][k];
    }
    for (int f = 0; f < k; f++) {
      ScaledProblem train = ScaledProblem.of(mergeAll(folds, f), settings.fitIntercept(), settings.standardization());
      for (int a = 0; a < alphas.length; a++) {
        ScaledProblem.State state = train.start();
        for (int l = 0; l < paths[a].length; l++) {
          train.solve(state, paths[a][l], alphas[a], settings.tol(), settings.maxIter());
          double[] w = train.coefficients(state);
          scores[a][l][f] = score(folds[f], w, train.intercept(w), settings.metric());
        }
      }
    }
    List<GridPoint> points = new ArrayList<>();
    for (int a = 0; a < alphas.length; a++) {
      for (int l = 0; l < paths[a].length; l++) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("regParam", paths[a][l]);
        params.put("elasticNetParam", alphas[a]);
        points.add(GridPoint.of(params, scores[a][l]));
      }
    }
    boolean bigger = "r2".equals(settings.metric());
    int best = TuningResult.bestIndex(points, bigger);
    if (best < 0) {
      throw new IllegalArgumentException("every tuning score is NaN; check the label and features for constants");
    }
    return new TuningResult("path-cv", settings.metric(), bigger, k, points, points.get(best),
        (System.nanoTime() - start) / 1e9);
  }

  /** The solutions on all rows (no folds) along the path of each elasticNetParam of {@code settings}. */
  public static List<PathSolution> path(Dataset<Row> data, String featuresCol, String labelCol,
      PathSettings settings) {
    Moments all = foldMoments(data, featuresCol, labelCol, 1, settings.seed())[0];
    ScaledProblem problem = ScaledProblem.of(all, settings.fitIntercept(), settings.standardization());
    List<PathSolution> out = new ArrayList<>();
    for (double alpha : settings.elasticNetParams()) {
      double[] regParams = path(problem, alpha, settings, all.n);
      double[][] coefficients = new double[regParams.length][];
      double[] intercepts = new double[regParams.length];
      ScaledProblem.State state = problem.start();
      for (int l = 0; l < regParams.length; l++) {
        problem.solve(state, regParams[l], alpha, settings.tol(), settings.maxIter());
        coefficients[l] = problem.coefficients(state);
        intercepts[l] = problem.intercept(coefficients[l]);
      }
      out.add(new PathSolution(alpha, regParams, coefficients, intercepts));
    }
    return out;
  }

  /** The regParam path for {@code alpha}: the given values, largest first, or the default log-spaced path. */
  private static double[] path(ScaledProblem full, double alpha, PathSettings settings, long rows) {
    double[] given = settings.regParams();
    if (given != null) {
      return Arrays.stream(given).boxed().sorted((x, y) -> Double.compare(y, x)).distinct()
          .mapToDouble(Double::doubleValue).toArray();
    }
    double max = full.lambdaMax(alpha);
    if (!(max > 0)) {
      return new double[] {0.0};
    }
    double ratio = settings.lambdaMinRatio() > 0 ? settings.lambdaMinRatio() : rows > full.p ? 1e-4 : 1e-2;
    int n = settings.nLambda();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = n == 1 ? max : max * Math.exp(Math.log(ratio) * i / (n - 1));
    }
    return out;
  }

  private static Moments mergeAll(Moments[] folds, int except) {
    Moments out = null;
    for (int f = 0; f < folds.length; f++) {
      if (f != except) {
        out = out == null ? folds[f] : out.merge(folds[f]);
      }
    }
    return out;
  }

  /** The validation score of (w, b) on the rows summarised by {@code m}. */
  static double score(Moments m, double[] w, double b, String metric) {
    int p = m.dim - 1;
    double meanResidual = m.mean[p] - b;
    double spread = m.comoment(p, p);
    for (int j = 0; j < p; j++) {
      if (w[j] == 0) {
        continue;
      }
      meanResidual -= w[j] * m.mean[j];
      spread -= 2 * w[j] * m.comoment(j, p);
      double row = 0;
      for (int l = 0; l < p; l++) {
        if (w[l] != 0) {
          row += w[l] * m.comoment(j, l);
        }
      }
      spread += w[j] * row;
    }
    double sse = Math.max(spread, 0.0) + m.n * meanResidual * meanResidual;
    return switch (metric) {
      case "rmse" -> Math.sqrt(sse / m.n);
      case "mse" -> sse / m.n;
      case "r2" -> 1 - sse / m.comoment(p, p);
      default -> throw new IllegalArgumentException("metric " + metric + " cannot be computed from statistics");
    };
  }

  /** One pass: the finished moments of (features, label) of each fold. */
  static Moments[] foldMoments(Dataset<Row> data, String featuresCol, String labelCol, int folds, long seed) {
    StructType schema = data.schema();
    StructField features = field(schema, featuresCol, "features");
    StructField label = field(schema, labelCol, "label");
    if (!(features.dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(String.format(
          "features column '%s' has type %s; it must be an assembled vector (VectorAssembler output)",
          featuresCol, features.dataType().simpleString()));
    }
    if (!(label.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(String.format(
          "label column '%s' has type %s; it must be numeric", labelCol, label.dataType().simpleString()));
    }
    Partial total = data.select(functions.col(featuresCol), functions.col(labelCol).cast("double"))
        .toJavaRDD()
        .mapPartitions((Iterator<Row> rows) -> List.of(Partial.of(rows, folds, seed)).iterator())
        .treeReduce(Partial::merge, 2);
    if (total.bad > 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%d of %d rows have a missing, NaN or infinite label ('%s') or feature ('%s'); impute or drop them before"
              + " tuning", total.bad, total.bad + total.rows(), labelCol, featuresCol));
    }
    if (total.dim < 0) {
      throw new IllegalArgumentException("there are no rows to tune on");
    }
    if (total.dim - 1 > MAX_FEATURES) {
      throw new IllegalArgumentException(String.format(
          "%d features is more than the path tuner's %d; tune with the generic grid tuner instead",
          total.dim - 1, MAX_FEATURES));
    }
    return total.folds;
  }

  private static StructField field(StructType schema, String name, String role) {
    if (name == null || !Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(String.format(
          "%s column '%s' is not in the data; its columns are: %s", role, name, String.join(", ",
              schema.fieldNames())));
    }
    return schema.apply(name);
  }

  /** The fold of a row: a seeded hash of its values, so it depends neither on the order nor on the partitioning. */
  static int foldOf(double[] row, long seed, int folds) {
    long h = mix(seed + 0x9E3779B97F4A7C15L);
    for (double v : row) {
      long bits = v == 0.0 ? 0L : Double.doubleToLongBits(v); // -0.0 and 0.0 alike
      h = mix(h ^ bits) + 0x9E3779B97F4A7C15L;
    }
    return (int) Long.remainderUnsigned(mix(h), folds);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The per-fold moments of one partition, or of several merged. */
  static final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;
    int dim = -1;
    long bad;
    Moments[] folds;

    long rows() {
      long n = 0;
      if (folds != null) {
        for (Moments m : folds) {
          n += m.n;
        }
      }
      return n;
    }

    static Partial of(Iterator<Row> rows, int k, long seed) {
      Partial out = new Partial();
      double[] row = null;
      double[] scratch = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (r.isNullAt(0) || r.isNullAt(1)) {
          out.bad++;
          continue;
        }
        Vector v = (Vector) r.get(0);
        if (row == null) {
          out.dim = v.size() + 1;
          row = new double[out.dim];
          scratch = new double[out.dim];
          out.folds = new Moments[k];
          for (int f = 0; f < k; f++) {
            out.folds[f] = new Moments(out.dim);
          }
        } else if (v.size() + 1 != out.dim) {
          throw new IllegalArgumentException(String.format(
              "feature vectors differ in size: %d and %d", out.dim - 1, v.size()));
        }
        if (v instanceof DenseVector d) {
          System.arraycopy(d.values(), 0, row, 0, out.dim - 1);
        } else {
          SparseVector s = (SparseVector) v;
          Arrays.fill(row, 0, out.dim - 1, 0.0);
          int[] idx = s.indices();
          double[] val = s.values();
          for (int i = 0; i < idx.length; i++) {
            row[idx[i]] = val[i];
          }
        }
        row[out.dim - 1] = r.getDouble(1);
        boolean finite = true;
        for (double x : row) {
          if (!Double.isFinite(x)) {
            finite = false;
            break;
          }
        }
        if (!finite) {
          out.bad++;
          continue;
        }
        out.folds[k == 1 ? 0 : foldOf(row, seed, k)].add(row, scratch);
      }
      if (out.folds != null) {
        for (Moments m : out.folds) {
          m.finish();
        }
      }
      return out;
    }

    static Partial merge(Partial a, Partial b) {
      if (a.dim < 0 || b.dim < 0) {
        Partial kept = a.dim < 0 ? b : a;
        Partial out = new Partial();
        out.dim = kept.dim;
        out.folds = kept.folds;
        out.bad = a.bad + b.bad;
        return out;
      }
      if (a.dim != b.dim) {
        throw new IllegalArgumentException(String.format(
            "feature vectors differ in size: %d and %d", a.dim - 1, b.dim - 1));
      }
      Partial out = new Partial();
      out.dim = a.dim;
      out.bad = a.bad + b.bad;
      out.folds = new Moments[a.folds.length];
      for (int f = 0; f < out.folds.length; f++) {
        out.folds[f] = a.folds[f].merge(b.folds[f]);
      }
      return out;
    }
  }
}
