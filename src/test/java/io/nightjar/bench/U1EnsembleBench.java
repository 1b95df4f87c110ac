package io.nightjar.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;

import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scratch experiment for issue 3 (MovieLens 100k u1, RMSE at most 0.905, every test row scored): can an ensemble
 * of ALS fits on the bias residuals, stored as ONE standard {@link ALSModel}, get there?
 *
 * <p>The Nightjar pipeline is built as the job would build it (indexer, biases, ALS on residuals, combiner). Its
 * indexer and bias stages are fitted once per training set; then K ALS members are fitted on the residuals, each on
 * its own random subsample (or bootstrap) with its own seed. The average of K dot products equals one dot product of
 * the concatenated factors, each block scaled by 1/sqrt(K); a user or item missing from a member's subsample gets a
 * zero block. So the ensemble is one ALSModel of rank sum(r_k), put back in a standard PipelineModel
 * (indexer, biases, ensemble ALSModel, combiner). Clipping to the training rating range is measured as well (in a
 * pipeline it would be a SQLTransformer after the combiner).
 *
 * <p>What helped (validation, exploration runs): not the residual ensemble itself (its members agree), but blending
 * in plain ALS fitted on the raw ratings, several low-rank members differing by seed, inside the same one ALSModel.
 *
 * <p>Protocol: every configuration is scored on the 90/10 split (seed 7) of u1.base that MovieLensBench uses; the
 * best by validation RMSE (clipped or not) is refitted on all of u1.base and u1.test is scored once, every row.
 *
 * <p>Args: {@code --grid=CFG|CFG|...} replaces {@link #GRID}; {@code --no-test} scores validation only;
 * {@code --test=CFG|...} skips the search and scores the given configs on validation and test; {@code --verify}
 * checks, on the first ensemble of the search, that the one ALSModel equals the average of its members. A CFG is
 * {@code K=10;ranks=50,100;reg=0.1;iter=15;frac=0.9} ({@code frac=boot} for a bootstrap sample, {@code frac=1}
 * for the whole residual set; ranks cycle over the members; {@code breg} is the bias regParam, default 5;
 * {@code raw=W;rawRank=R;rawReg=L} blends in, with weight W, one plain ALS fitted on the raw ratings, inside the same
 * ALSModel: two extra factor columns subtract the baseline from its prediction).
 */
public final class U1EnsembleBench {
  private static final String SPEC = MovieLensBench.SPEC;
  /** The biases MovieLensBench chose (regParam 5, 20 passes); ALS params are set per member below. */
  private static final String BASE = "biases.maxIter=20;params.rank=50;params.regParam=0.15;"
      + "params.maxIter=15;params.numUserBlocks=2;params.numItemBlocks=2";
  /**
   * The current pipeline's chosen single model first (the reference), then: a 10-member residual ensemble on 90%
   * subsamples; the reference blended half and half with plain ALS on the raw ratings (rank 10, regParam 0.1); and
   * with 5 plain rank-5 members (seeds only differ) at regParam 0.1 and 0.08. These are the reference and the best
   * of each family in the exploration runs (see BENCHMARKS.md), kept short so that one run takes minutes.
   */
  private static final List<String> GRID = List.of(
      "K=1;ranks=50;reg=0.15;iter=15;frac=1",
      "K=10;ranks=50;reg=0.15;iter=15;frac=0.9",
      "K=1;ranks=50;reg=0.15;iter=15;frac=1;raw=0.5",
      "K=1;ranks=50;reg=0.15;iter=15;frac=1;raw=0.5;rawK=5;rawRank=5",
      "K=1;ranks=50;reg=0.15;iter=15;frac=1;raw=0.5;rawK=5;rawRank=5;rawReg=0.08");

  private U1EnsembleBench() {}

  record Config(String text, int k, int[] ranks, double reg, int iter, double frac, boolean boot, double biasReg,
      double raw, int rawRank, double rawReg, double imp, int rawK) {
    static Config parse(String text) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : text.split(";")) {
        String[] pair = part.split("=", 2);
        kv.put(pair[0].trim(), pair[1].trim());
      }
      String[] r = kv.getOrDefault("ranks", "50").split(",");
      int[] ranks = new int[r.length];
      for (int i = 0; i < r.length; i++) {
        ranks[i] = Integer.parseInt(r[i]);
      }
      String frac = kv.getOrDefault("frac", "1");
      boolean boot = frac.equals("boot");
      return new Config(text, Integer.parseInt(kv.getOrDefault("K", "1")), ranks,
          Double.parseDouble(kv.getOrDefault("reg", "0.15")), Integer.parseInt(kv.getOrDefault("iter", "15")),
          boot ? 1.0 : Double.parseDouble(frac), boot, Double.parseDouble(kv.getOrDefault("breg", "5")),
          Double.parseDouble(kv.getOrDefault("raw", "0")), Integer.parseInt(kv.getOrDefault("rawRank", "10")),
          Double.parseDouble(kv.getOrDefault("rawReg", "0.1")), Double.parseDouble(kv.getOrDefault("imp", "0")),
          Integer.parseInt(kv.getOrDefault("rawK", "1")));
    }

    int rank(int member) {
      return ranks[member % ranks.length];
    }
  }

  /** The fitted indexer + biases, the residual training rows, and the unfitted ALS and combiner stages. */
  record Prepared(Dataset<Row> train, PipelineModel front, Dataset<Row> residuals, ALS als, Transformer combiner, double lo, double hi) {}

  record Fitted(PipelineModel model, List<ALSModel> members, List<ALSModel> plain, double plainWeight, ALSModel implicit,
      double implicitWeight, ALSModel ensemble, double seconds) {}

  public static void main(String[] args) {
    List<Config> grid = new ArrayList<>();
    List<Config> testOnly = new ArrayList<>();
    boolean noTest = false;
    boolean verify = false;
    for (String arg : args) {
      if (arg.startsWith("--grid=")) {
        for (String c : arg.substring(7).split("\\|")) {
          grid.add(Config.parse(c));
        }
      } else if (arg.startsWith("--test=")) {
        for (String c : arg.substring(7).split("\\|")) {
          testOnly.add(Config.parse(c));
        }
      } else if (arg.equals("--no-test")) {
        noTest = true;
      } else if (arg.equals("--verify")) {
        verify = true;
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (grid.isEmpty()) {
      GRID.forEach(c -> grid.add(Config.parse(c)));
    }
    System.out.println(BenchSupport.machine());
    Path ml100k = BenchSupport.sharedDataset("movielens-100k");
    if (ml100k == null) {
      System.out.println("SKIP U1EnsembleBench: needs ../shared/data/movielens-100k (u1.base, u1.test)");
      return;
    }
    SparkSession spark = BenchSupport.localSession("u1-ensemble-bench");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    // ALS checkpoints every 10 iterations when a directory is set; without one, 30 iterations overflow the stack.
    spark.sparkContext().setCheckpointDir(BenchSupport.benchDir().resolve("checkpoints").toString());
    try {
      Dataset<Row> train = tabSeparated(spark, ml100k.resolve("u1.base")).cache();
      Dataset<Row> test = tabSeparated(spark, ml100k.resolve("u1.test")).cache();
      Dataset<Row>[] inner = train.randomSplit(new double[] {0.9, 0.1}, 7L);
      Dataset<Row> fitPart = inner[0].cache();
      Dataset<Row> validation = inner[1].cache();
      System.out.printf("u1.base %d rows (fit %d, validation %d), u1.test %d rows%n", train.count(),
          fitPart.count(), validation.count(), test.count());
      Map<Double, Prepared> onFitByBias = new HashMap<>();
      List<Config> candidates = testOnly.isEmpty() ? grid : testOnly;
      Config best = null;
      boolean bestClip = false;
      double bestRmse = Double.MAX_VALUE;
      for (Config config : candidates) {
        Prepared onFit = onFitByBias.computeIfAbsent(config.biasReg, reg -> prepare(fitPart, reg));
        Fitted fitted = fitEnsemble(onFit, config);
        Dataset<Row> scored = fitted.model.transform(validation).cache();
        double raw = rmse(scored, "prediction");
        double clipped = rmse(clip(scored, onFit), "clipped");
        System.out.printf(Locale.ROOT, "  validation RMSE %.4f  clipped %.4f  rank %d  %s  (fit %.0f s)%n", raw,
            clipped, fitted.ensemble.rank(), config.text, fitted.seconds);
        if (verify && (config.k > 1 || config.raw > 0 || config.imp != 0)) {
          verify(fitted, onFit.front.transform(validation));
          verify = false;
        }
        scored.unpersist();
        if (Math.min(raw, clipped) < bestRmse) {
          bestRmse = Math.min(raw, clipped);
          best = config;
          bestClip = clipped < raw;
        }
      }
      if (noTest) {
        return;
      }
      List<Config> toTest = new ArrayList<>(testOnly.isEmpty() ? List.of(best) : testOnly);
      if (testOnly.isEmpty() && best != candidates.get(0)) {
        toTest.add(candidates.get(0)); // the first candidate as the same-run reference (not a choice)
      }
      if (testOnly.isEmpty()) {
        System.out.printf(Locale.ROOT, "chosen by validation RMSE (90/10 split of u1.base, seed 7): %s%s (%.4f)%n",
            best.text, bestClip ? " + clip" : "", bestRmse);
      }
      for (Config config : toTest) {
        Prepared onTrain = prepare(train, config.biasReg);
        Fitted fitted = fitEnsemble(onTrain, config);
        Dataset<Row> scored = fitted.model.transform(test).cache();
        long nan = scored.where(col("prediction").isNaN().or(col("prediction").isNull())).count();
        System.out.printf(Locale.ROOT, "  TEST u1.test RMSE %.4f  clipped %.4f  (rows %d, scored %d, NaN %d)  "
            + "%s  (fit %.0f s)%n", rmse(scored, "prediction"), rmse(clip(scored, onTrain), "clipped"),
            test.count(), scored.count(), nan, config.text, fitted.seconds);
        scored.unpersist();
      }
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> tabSeparated(SparkSession spark, Path file) {
    return spark.read().option("sep", "\t").schema("user_id INT, item_id INT, rating DOUBLE, ts LONG")
        .csv(file.toString()).drop("ts");
  }

  private static double rmse(Dataset<Row> scored, String column) {
    return scored.agg(sqrt(avg(pow(col("rating").minus(col(column)), 2)))).first().getDouble(0);
  }

  private static Dataset<Row> clip(Dataset<Row> scored, Prepared prepared) {
    return scored.withColumn("clipped", least(lit(prepared.hi), greatest(lit(prepared.lo), col("prediction"))));
  }

  /** Fits the pipeline's indexer and bias stages on {@code train}; keeps its ALS and combiner stages unfitted. */
  private static Prepared prepare(Dataset<Row> train, double biasReg) {
    List<String> overrides = new ArrayList<>(List.of(BASE.split(";")));
    overrides.add("biases.regParam=" + biasReg);
    Pipeline pipeline = PipelineFactory.build(JobSpecLoader.load("movielens", SPEC, overrides), null);
    PipelineStage[] stages = pipeline.getStages();
    PipelineModel front = new Pipeline().setStages(new PipelineStage[] {stages[0], stages[1]}).fit(train);
    Dataset<Row> residuals = front.transform(train).cache();
    residuals.count();
    Row range = train.agg(min("rating"), max("rating")).first();
    return new Prepared(train, front, residuals, (ALS) stages[2], (Transformer) stages[3], range.getDouble(0),
        range.getDouble(1));
  }

  /** K members on subsamples of the residuals, concatenated into one ALSModel, in a standard PipelineModel. */
  private static Fitted fitEnsemble(Prepared prepared, Config config) {
    long start = System.nanoTime();
    List<ALSModel> members = new ArrayList<>();
    for (int m = 0; m < config.k; m++) {
      Dataset<Row> sample = config.boot ? prepared.residuals.sample(true, 1.0, 1000L + m)
          : config.frac >= 1.0 ? prepared.residuals : prepared.residuals.sample(false, config.frac, 1000L + m);
      ALS als = prepared.als.copy(ParamMap.empty()).setRank(config.rank(m)).setRegParam(config.reg)
          .setMaxIter(config.iter).setSeed(42L + 7919L * m);
      members.add(als.fit(sample));
    }
    ALSModel ensemble;
    List<ALSModel> plain = null;
    ALSModel implicit = null;
    if (config.imp != 0) {
      // The implicit-preference ALS MovieLensBench chose for ranking (rank 100, regParam 0.75, alpha 3, 10 passes):
      // its score of "u would rate i" enters the residual with weight imp (an SVD++-like implicit signal).
      implicit = prepared.als.copy(ParamMap.empty()).setRatingCol("rating").setImplicitPrefs(true).setRank(100)
          .setRegParam(0.75).setAlpha(3.0).setMaxIter(10).setSeed(4243L).fit(prepared.residuals);
    }
    if (config.raw > 0 || implicit != null) {
      // One more member, fitted on the raw ratings (no baseline); it enters the residual model as
      // raw * (p.q - baseline): user block [sqrt(raw) p_u, -raw (mean + b_u), -raw], item block [sqrt(raw) q_i, 1, b_i].
      if (config.raw > 0) {
        plain = new ArrayList<>();
        for (int m = 0; m < config.rawK; m++) {
          // rawK > 1: every plain member sees all the ratings and differs only by its seed. (A zero block is right
          // for a residual member that lacks an id, not for a plain one: it would predict a raw rating of 0.)
          plain.add(prepared.als.copy(ParamMap.empty()).setRatingCol("rating").setRank(config.rawRank)
              .setRegParam(config.rawReg).setMaxIter(config.iter).setSeed(4242L + 7919L * m)
              .fit(prepared.residuals));
        }
      }
      ensemble = concatenate(prepared, members, 1.0 - config.raw, plain, config.raw, implicit, config.imp);
    } else {
      ensemble = config.k == 1 ? members.get(0) : concatenate(prepared, members, 1.0, null, 0.0, null, 0.0);
    }
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {prepared.front.stages()[0],
        prepared.front.stages()[1], ensemble, prepared.combiner}).fit(prepared.train);
    return new Fitted(model, members, plain, config.raw, implicit, config.imp, ensemble,
        BenchSupport.secondsSince(start));
  }

  /**
   * One ALSModel whose dot product is {@code weight} times the mean of the members' dot products (zero block where a
   * member lacks an id), plus, when {@code plain} is given, {@code plainWeight * (plain dot product - baseline)}.
   */
  static ALSModel concatenate(Prepared prepared, List<ALSModel> members, double weight, List<ALSModel> plain,
      double plainWeight, ALSModel implicit, double implicitWeight) {
    SparkSession spark = prepared.residuals.sparkSession();
    int total = implicit == null ? 0 : implicit.rank();
    if (plain != null) {
      total += 2;
      for (ALSModel one : plain) {
        total += one.rank();
      }
    }
    for (ALSModel member : members) {
      total += member.rank();
    }
    Map<Integer, float[]> users = new HashMap<>();
    Map<Integer, float[]> items = new HashMap<>();
    float scale = (float) Math.sqrt(weight / members.size());
    int offset = 0;
    for (ALSModel member : members) {
      place(users, member.userFactors(), offset, total, scale);
      place(items, member.itemFactors(), offset, total, scale);
      offset += member.rank();
    }
    if (plain != null) {
      float rootWeight = (float) Math.sqrt(plainWeight / plain.size());
      for (ALSModel one : plain) {
        place(users, one.userFactors(), offset, total, rootWeight);
        place(items, one.itemFactors(), offset, total, rootWeight);
        offset += one.rank();
      }
      int extra = offset;
      io.nightjar.pipeline.stage.BiasModel biases = (io.nightjar.pipeline.stage.BiasModel) prepared.front.stages()[1];
      Map<Integer, Double> userBias = biasMap(biases.userBiases());
      Map<Integer, Double> itemBias = biasMap(biases.itemBiases());
      for (Map.Entry<Integer, float[]> user : users.entrySet()) {
        double bias = userBias.getOrDefault(user.getKey(), 0.0);
        user.getValue()[extra] = (float) (-plainWeight * (biases.getGlobalMean() + bias));
        user.getValue()[extra + 1] = (float) -plainWeight;
      }
      for (Map.Entry<Integer, float[]> item : items.entrySet()) {
        item.getValue()[extra] = 1f;
        item.getValue()[extra + 1] = (float) (double) itemBias.getOrDefault(item.getKey(), 0.0);
      }
      offset = extra + 2;
    }
    if (implicit != null) {
      place(users, implicit.userFactors(), offset, total, (float) implicitWeight);
      place(items, implicit.itemFactors(), offset, total, 1f);
    }
    ALSModel first = members.get(0);
    ALSModel model = new ALSModel(first.uid() + "_ensemble" + members.size(), total, table(spark, users),
        table(spark, items));
    model.setUserCol(first.getUserCol()).setItemCol(first.getItemCol()).setPredictionCol(first.getPredictionCol())
        .setColdStartStrategy(first.getColdStartStrategy());
    return model;
  }

  private static Map<Integer, Double> biasMap(Dataset<Row> table) {
    Map<Integer, Double> out = new HashMap<>();
    for (Row row : table.collectAsList()) {
      out.put((int) row.getDouble(0), row.getDouble(1));
    }
    return out;
  }

  private static void place(Map<Integer, float[]> out, Dataset<Row> factors, int offset, int total, float scale) {
    for (Row row : factors.collectAsList()) {
      float[] vector = out.computeIfAbsent(row.getInt(0), id -> new float[total]);
      List<Float> values = row.getList(1);
      for (int k = 0; k < values.size(); k++) {
        vector[offset + k] = values.get(k) * scale;
      }
    }
  }

  private static Dataset<Row> table(SparkSession spark, Map<Integer, float[]> factors) {
    List<Row> rows = new ArrayList<>();
    for (Integer id : new TreeSet<>(factors.keySet())) {
      float[] vector = factors.get(id);
      List<Float> list = new ArrayList<>(vector.length);
      for (float v : vector) {
        list.add(v);
      }
      rows.add(RowFactory.create(id, list));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    return spark.createDataFrame(rows, schema);
  }

  /** The ensemble ALSModel's prediction against the mean of the members' own predictions (NaN counted as 0). */
  private static void verify(Fitted fitted, Dataset<Row> indexed) {
    Dataset<Row> rows = indexed.withColumn("__row", monotonically_increasing_id()).cache();
    String out = fitted.ensemble.getPredictionCol();
    Map<Long, double[]> sums = new HashMap<>();
    int k = fitted.members.size();
    for (int m = 0; m < k; m++) {
      for (Row row : fitted.members.get(m).transform(rows).select("__row", out).collectAsList()) {
        double[] acc = sums.computeIfAbsent(row.getLong(0), id -> new double[2]);
        double value = row.isNullAt(1) ? Double.NaN : ((Number) row.get(1)).doubleValue();
        if (!Double.isNaN(value)) {
          acc[0] += value;
          acc[1] += 1;
        }
      }
    }
    Map<Long, Double> plainResidual = new HashMap<>();
    if (fitted.plain != null) {
      String baseline = java.util.Arrays.stream(rows.columns()).filter(c -> c.endsWith("baseline")).findFirst()
          .orElseThrow();
      for (ALSModel one : fitted.plain) {
        for (Row row : one.transform(rows).select(col("__row"), col(out).minus(col(baseline))).collectAsList()) {
          double value = row.isNullAt(1) ? Double.NaN : ((Number) row.get(1)).doubleValue();
          plainResidual.merge(row.getLong(0), value / fitted.plain.size(), Double::sum);
        }
      }
    }
    Map<Long, Double> implicitScore = new HashMap<>();
    if (fitted.implicit != null) {
      for (Row row : fitted.implicit.transform(rows).select("__row", out).collectAsList()) {
        implicitScore.put(row.getLong(0), row.isNullAt(1) ? Double.NaN : ((Number) row.get(1)).doubleValue());
      }
    }
    double w = fitted.plain == null ? 0.0 : fitted.plainWeight;
    double maxDiff = 0;
    long compared = 0;
    long bothNaN = 0;
    long mismatched = 0;
    for (Row row : fitted.ensemble.transform(rows).select("__row", out).collectAsList()) {
      double[] acc = sums.get(row.getLong(0));
      double ensemble = row.isNullAt(1) ? Double.NaN : ((Number) row.get(1)).doubleValue();
      if (acc[1] == 0 && Double.isNaN(ensemble)) {
        bothNaN++;
      } else if (acc[1] == 0 || Double.isNaN(ensemble)) {
        mismatched++;
      } else {
        double expected = (1 - w) * acc[0] / k
            + (fitted.plain == null ? 0.0 : w * plainResidual.getOrDefault(row.getLong(0), Double.NaN))
            + (fitted.implicit == null ? 0.0
                : fitted.implicitWeight * implicitScore.getOrDefault(row.getLong(0), Double.NaN));
        maxDiff = Math.max(maxDiff, Math.abs(ensemble - expected));
        compared++;
      }
    }
    System.out.printf(Locale.ROOT, "  VERIFY one ALSModel (rank %d) vs mean of %d members%s: %d rows compared, max "
        + "abs difference %.3g; %d rows NaN in both, %d NaN in one only%n", fitted.ensemble.rank(), k,
        (fitted.plain == null ? "" : " blended with plain ALS minus baseline (weight " + w + ")")
        + (fitted.implicit == null ? "" : " plus implicit ALS (weight " + fitted.implicitWeight + ")"), compared,
        maxDiff, bothNaN, mismatched);
    rows.unpersist();
  }
}
