package io.nightjar.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.UserDefinedType;
import org.apache.spark.storage.StorageLevel;

/**
 * Tunes any Spark {@link Pipeline} over a grid of its last stage's (the learner's) params, by k-fold
 * cross-validation or a holdout.
 *
 * <p>The split is seeded and deterministic: each row's fold is a hash of its values and the seed (rows with equal
 * values share a fold), so it does not depend on the partitioning. The stages before the learner are fitted once per
 * fold on the fold's training rows only; the learner is fitted for every grid point, up to {@code parallelism} fits
 * at once (Spark runs jobs from several threads side by side).
 */
public final class GridTuner {
  private static final String FOLD = "__nightjar_tuning_fold";

  private GridTuner() {}

  /**
   * Scores every point of {@code grid} and picks the best mean score.
   *
   * @param grid learner param name to its values; the points are the cartesian product, the first name varying
   *     slowest. Numbers are converted to the param's type (2 becomes 2.0 for a double param).
   */
  public static TuningResult tune(Pipeline pipeline, Dataset<Row> training, Map<String, List<Object>> grid,
      TuningSettings settings, ScoreFunction score) {
    return tune(pipeline, training, grid, settings, score, PrefixFitter.standard());
  }

  /**
   * As {@link #tune(Pipeline, Dataset, Map, TuningSettings, ScoreFunction)}, with the stages before the learner fitted
   * on each fold by {@code prefixFitter}.
   */
  public static TuningResult tune(Pipeline pipeline, Dataset<Row> training, Map<String, List<Object>> grid,
      TuningSettings settings, ScoreFunction score, PrefixFitter prefixFitter) {
    long start = System.nanoTime();
    PipelineStage[] stages = pipeline.getStages();
    if (stages.length == 0 || !(stages[stages.length - 1] instanceof Estimator<?> learner)) {
      throw new IllegalArgumentException(String.format(
          "the pipeline's last stage must be an estimator to tune; it is %s",
          stages.length == 0 ? "missing (no stages)" : stages[stages.length - 1].getClass().getSimpleName()));
    }
    List<Point> points = points(learner, grid);
    boolean bigger = Metrics.biggerIsBetter(settings.metric());
    boolean cv = "cv".equals(settings.method());
    int splits = cv ? settings.folds() : 1;
    PipelineStage[] prefix = Arrays.copyOf(stages, stages.length - 1);

    Dataset<Row> withFold = training.withColumn(FOLD, foldColumn(training, settings)).persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism());
    try {
      List<Future<Dataset<Row>[]>> prepared = new ArrayList<>();
      for (int k = 0; k < splits; k++) {
        int fold = k;
        prepared.add(pool.submit(() -> split(withFold, fold, prefix, prefixFitter)));
      }
      List<Dataset<Row>[]> data = new ArrayList<>();
      for (Future<Dataset<Row>[]> f : prepared) {
        Dataset<Row>[] pair = get(f);
        data.add(pair);
        cached.addAll(List.of(pair));
      }
      List<List<Future<Double>>> scores = new ArrayList<>();
      for (Point point : points) {
        List<Future<Double>> perFold = new ArrayList<>();
        for (Dataset<Row>[] pair : data) {
          perFold.add(pool.submit(() -> {
            Model<?> model = (Model<?>) learner.fit(pair[0], point.map());
            return score.score(model.transform(pair[1]));
          }));
        }
        scores.add(perFold);
      }
      List<GridPoint> result = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        double[] foldScores = new double[splits];
        for (int k = 0; k < splits; k++) {
          foldScores[k] = get(scores.get(i).get(k));
        }
        result.add(GridPoint.of(points.get(i).values(), foldScores));
      }
      int best = TuningResult.bestIndex(result, bigger);
      if (best < 0) {
        throw new IllegalArgumentException(String.format(
            "every grid point scored NaN on %s; check the validation rows and the metric", settings.metric()));
      }
      return new TuningResult(settings.method(), settings.metric(), bigger, splits, result, result.get(best),
          (System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
      for (Dataset<Row> d : cached) {
        d.unpersist();
      }
      withFold.unpersist();
    }
  }

  /** A copy of {@code pipeline} whose last stage has {@code params} set (for the final fit at the chosen point). */
  public static Pipeline withParams(Pipeline pipeline, Map<String, Object> params) {
    PipelineStage[] stages = pipeline.getStages().clone();
    if (stages.length == 0) {
      throw new IllegalArgumentException("the pipeline has no stages");
    }
    PipelineStage last = stages[stages.length - 1];
    Map<String, List<Object>> single = new LinkedHashMap<>();
    params.forEach((k, v) -> single.put(k, List.of(v)));
    stages[stages.length - 1] = (PipelineStage) last.copy(points(last, single).get(0).map());
    return new Pipeline().setStages(stages);
  }

  @SuppressWarnings("unchecked")
  private static Dataset<Row>[] split(Dataset<Row> withFold, int fold, PipelineStage[] prefix,
      PrefixFitter prefixFitter) {
    Column inFold = functions.col(FOLD).equalTo(fold);
    Dataset<Row> train = withFold.filter(functions.not(inFold)).drop(FOLD);
    Dataset<Row> valid = withFold.filter(inFold).drop(FOLD);
    if (prefix.length > 0) {
      PrefixFitter.Fitted fitted = prefixFitter.fit(prefix, train);
      train = fitted.train();
      valid = fitted.model().transform(valid);
    }
    return new Dataset[] {train.persist(StorageLevel.MEMORY_AND_DISK()), valid.persist(StorageLevel.MEMORY_AND_DISK())};
  }

  /** Fold of each row: cv, pmod(hash, folds); holdout, 0 for the validation rows and 1 for the others. */
  private static Column foldColumn(Dataset<Row> training, TuningSettings settings) {
    List<Column> hashed = new ArrayList<>();
    hashed.add(functions.lit(settings.seed()));
    for (StructField f : training.schema().fields()) {
      if (!(f.dataType() instanceof MapType) && !(f.dataType() instanceof UserDefinedType<?>)) {
        hashed.add(functions.col(f.name()));
      }
    }
    if (hashed.size() == 1) {
      throw new IllegalArgumentException(
          "the training rows have no column that can be hashed into folds (only map or vector columns)");
    }
    Column hash = functions.xxhash64(hashed.toArray(Column[]::new));
    if ("cv".equals(settings.method())) {
      return functions.pmod(hash, functions.lit((long) settings.folds())).cast("int");
    }
    long buckets = 1_000_000L;
    Column u = functions.pmod(hash, functions.lit(buckets)).cast("double").divide(buckets);
    return functions.when(u.lt(settings.validationFraction()), 0).otherwise(1);
  }

  /** One grid point: the param map to fit with, and its values by name in grid order. */
  private record Point(ParamMap map, Map<String, Object> values) {}

  /** The grid's points as param maps of {@code learner}, each value converted and validated. */
  private static List<Point> points(org.apache.spark.ml.param.Params learner, Map<String, List<Object>> grid) {
    if (grid == null || grid.isEmpty()) {
      throw new IllegalArgumentException("the tuning grid is empty; give at least one param with at least one value");
    }
    List<Point> out = new ArrayList<>();
    out.add(new Point(new ParamMap(), new LinkedHashMap<>()));
    for (Map.Entry<String, List<Object>> entry : grid.entrySet()) {
      String name = entry.getKey();
      if (name == null || !learner.hasParam(name)) {
        TreeSet<String> known = new TreeSet<>();
        for (Param<?> p : learner.params()) {
          known.add(p.name());
        }
        throw new IllegalArgumentException(String.format(
            "tuning grid param '%s' is not a param of %s; its params are: %s", name,
            io.nightjar.pipeline.EstimatorParams.name(learner), String.join(", ", known)));
      }
      List<Object> values = entry.getValue();
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException(String.format(
            "tuning grid param '%s' has no values; give at least one", name));
      }
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) learner.getParam(name);
      List<Point> next = new ArrayList<>();
      for (Point base : out) {
        for (Object raw : values) {
          Object value = convert(param, raw);
          ParamPair<Object> pair;
          try {
            pair = new ParamPair<>(param, value); // validates
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(
                "tuning grid value %s = %s is not valid for %s (%s)", name, raw,
                io.nightjar.pipeline.EstimatorParams.name(learner), param.doc()), e);
          }
          Map<String, Object> named = new LinkedHashMap<>(base.values());
          named.put(name, value);
          next.add(new Point(base.map().copy().put(pair.param(), pair.value()), named));
        }
      }
      out = next;
    }
    return out;
  }

  private static Object convert(Param<?> param, Object raw) {
    String name = param.name();
    if (param instanceof DoubleParam || param instanceof FloatParam || param instanceof IntParam
        || param instanceof LongParam) {
      if (!(raw instanceof Number number)) {
        throw new IllegalArgumentException(String.format(
            "tuning grid value %s = %s is not a number", name, raw));
      }
      if (param instanceof DoubleParam) {
        return number.doubleValue();
      }
      if (param instanceof FloatParam) {
        return number.floatValue();
      }
      double d = number.doubleValue();
      if (d != Math.rint(d)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "tuning grid value %s = %s must be a whole number", name, raw));
      }
      return param instanceof IntParam ? (Object) number.intValue() : (Object) number.longValue();
    }
    if (param instanceof BooleanParam && !(raw instanceof Boolean)) {
      throw new IllegalArgumentException(String.format(
          "tuning grid value %s = %s must be true or false", name, raw));
    }
    return raw;
  }

  private static <T> T get(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("tuning was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("a tuning fit failed: " + cause, cause);
    }
  }
}
