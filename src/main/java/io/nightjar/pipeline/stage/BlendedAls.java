package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Spark's ALS on the bias residuals, optionally blended with plain ALS fits on the raw ratings, and always fitted
 * into one standard {@link ALSModel}, so that the saved pipeline, predict and recommend see nothing new.
 *
 * <p>With {@code blendMembers = 0} (the default) this is exactly {@link ALS}: the same training ({@code ALS.train}),
 * fed {@link ALS.Rating}s straight from the compact copy of its input rather than rows. With K members, it also fits
 * K plain ALS models of rank {@code blendRank} and ALS-WR regParam {@code blendRegParam} on the raw ratings, differing
 * only by their seeds, and the fitted model predicts
 * {@code (1 - w) * residual(u, i) + w * (mean over members of rating(u, i) - baseline(u, i))}, with w =
 * {@code blendWeight}; the combiner adds the baseline back, so the final prediction is
 * {@code (1 - w) * (baseline + residual) + w * mean raw prediction}. All of that is one dot product: the residual
 * factors scaled by {@code sqrt(1 - w)}, each member's by {@code sqrt(w / K)}, and two more columns,
 * {@code [-w * (mean + user bias), -w]} for users and {@code [1, item bias]} for items, that subtract the baseline.
 * The bias stage supplies its two sides as the offset columns. A user or item without factors still gets NaN, and
 * the combiner falls back to the baseline as before.
 *
 * <p>With {@code autoencoderUnits} above 0, an {@link ItemAutoencoder} of the raw ratings, fitted on the driver, is
 * blended in too: the prediction above weighs {@code 1 - a} and the autoencoder's {@code a} =
 * {@code autoencoderWeight}, its two sides {@code [W(u), c(u)]} and {@code [code(i), 1]} scaled by {@code sqrt(a)}
 * and the baseline subtracted {@code (1 - a) w + a} times ({@code Weights}).
 *
 * <p>Why: low-rank ALS on the raw ratings makes errors different from those of biases plus ALS on the residuals, and
 * averaging the two is more accurate than either (MovieLens 100k u1, see BENCHMARKS.md). It costs K more ALS fits,
 * each at rank {@code blendRank}; the input is cached once for all of them.
 */
public class BlendedAls extends ALS {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlendedAls.class);
  /** The schema of {@link ALSModel}'s factor tables, as {@link ALS#fit} makes them. */
  static final StructType FACTORS = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);

  private final IntParam blendMembers;
  private final IntParam blendRank;
  private final DoubleParam blendRegParam;
  private final DoubleParam blendWeight;
  private final IntParam autoencoderUnits;
  private final DoubleParam autoencoderRegParam;
  private final IntParam autoencoderIterations;
  private final DoubleParam autoencoderWeight;
  private final Param<String> rawRatingCol;
  private final Param<String> userOffsetCol;
  private final Param<String> itemOffsetCol;

  public BlendedAls() {
    this(StageIds.random("njAls"));
  }

  public BlendedAls(String uid) {
    super(uid);
    blendMembers = new IntParam(this, "blendMembers", "plain ALS fits on the raw ratings blended in, differing by "
        + "seed (0 for none, at most 50)", ParamValidators.inRange(0, 50));
    blendRank = new IntParam(this, "blendRank", "rank of each blended raw-rating ALS fit (>= 1)",
        ParamValidators.gtEq(1));
    blendRegParam = new DoubleParam(this, "blendRegParam", "ALS regParam of each blended raw-rating fit (>= 0)",
        ParamValidators.gtEq(0));
    blendWeight = new DoubleParam(this, "blendWeight", "share of the raw-rating fits' mean in the prediction "
        + "(above 0, at most 1)", ParamValidators.inRange(0, 1, false, true));
    autoencoderUnits = new IntParam(this, "autoencoderUnits", "hidden units of an item autoencoder of the raw "
        + "ratings blended in (0 for none, at most 5000)", ParamValidators.inRange(0, 5000));
    autoencoderRegParam = new DoubleParam(this, "autoencoderRegParam", "L2 penalty on the autoencoder's weights, "
        + "on the scale of its summed squared error (>= 0)", ParamValidators.gtEq(0));
    autoencoderIterations = new IntParam(this, "autoencoderIterations", "full-batch Adam steps of the autoencoder "
        + "fit (>= 1)", ParamValidators.gtEq(1));
    autoencoderWeight = new DoubleParam(this, "autoencoderWeight", "share of the autoencoder in the prediction "
        + "(above 0, at most 1)", ParamValidators.inRange(0, 1, false, true));
    rawRatingCol = new Param<>(this, "rawRatingCol", "the raw rating column the blended fits learn");
    userOffsetCol = new Param<>(this, "userOffsetCol", "mean + user bias, from the bias stage");
    itemOffsetCol = new Param<>(this, "itemOffsetCol", "item bias, from the bias stage");
    setDefault(blendMembers, 0);
    setDefault(blendRank, 5);
    setDefault(blendRegParam, 0.08);
    setDefault(blendWeight, 0.5);
    setDefault(autoencoderUnits, 0);
    setDefault(autoencoderRegParam, 100.0);
    setDefault(autoencoderIterations, 400);
    setDefault(autoencoderWeight, 0.5);
    setDefault(rawRatingCol, "rating");
    setDefault(userOffsetCol, "userOffset");
    setDefault(itemOffsetCol, "itemOffset");
  }

  public IntParam blendMembers() {
    return blendMembers;
  }

  public IntParam blendRank() {
    return blendRank;
  }

  public DoubleParam blendRegParam() {
    return blendRegParam;
  }

  public DoubleParam blendWeight() {
    return blendWeight;
  }

  public IntParam autoencoderUnits() {
    return autoencoderUnits;
  }

  public DoubleParam autoencoderRegParam() {
    return autoencoderRegParam;
  }

  public IntParam autoencoderIterations() {
    return autoencoderIterations;
  }

  public DoubleParam autoencoderWeight() {
    return autoencoderWeight;
  }

  /** An item autoencoder of the raw ratings blended in with share {@code weight}; 0 units for none. */
  public BlendedAls setAutoencoder(int units, double regParam, int iterations, double weight) {
    set(autoencoderUnits, units);
    set(autoencoderRegParam, regParam);
    set(autoencoderIterations, iterations);
    set(autoencoderWeight, weight);
    return this;
  }

  public Param<String> rawRatingCol() {
    return rawRatingCol;
  }

  public Param<String> userOffsetCol() {
    return userOffsetCol;
  }

  public Param<String> itemOffsetCol() {
    return itemOffsetCol;
  }

  public BlendedAls setBlend(int members, int rank, double regParam, double weight) {
    set(blendMembers, members);
    set(blendRank, rank);
    set(blendRegParam, regParam);
    set(blendWeight, weight);
    return this;
  }

  /** The raw rating column and the bias stage's offset columns the blend reads. */
  public BlendedAls setBlendInputCols(String rawRating, String userOffset, String itemOffset) {
    set(rawRatingCol, rawRating);
    set(userOffsetCol, userOffset);
    set(itemOffsetCol, itemOffset);
    return this;
  }

  @Override
  public ALSModel fit(Dataset<?> dataset) {
    checkBlend();
    transformSchema(dataset.schema());
    String[] values = valueCols();
    List<String> present = List.of(dataset.columns());
    for (String needed : values) {
      if (!present.contains(needed)) {
        throw new IllegalArgumentException("Cannot fit ALS: input column '" + needed + "' is missing; columns "
            + "present: " + present);
      }
    }
    // Every fit reads the same rows: one compact copy with a lineage of its own serves them all.
    try (CutLineage cut = CutLineage.of(dataset, new String[] {getUserCol(), getItemCol()}, values)) {
      return fitCompact(cut);
    }
  }

  private void checkBlend() {
    int members = (Integer) getOrDefault(blendMembers);
    if (members > 0 && getImplicitPrefs()) {
      throw new IllegalArgumentException("blendMembers = " + members + " blends fits of explicit ratings and does not "
          + "apply with implicitPrefs = true; set blendMembers to 0 or implicitPrefs to false");
    }
    int units = (Integer) getOrDefault(autoencoderUnits);
    if (units > 0 && getImplicitPrefs()) {
      throw new IllegalArgumentException("autoencoderUnits = " + units + " blends a model of explicit ratings and "
          + "does not apply with implicitPrefs = true; set autoencoderUnits to 0 or implicitPrefs to false");
    }
  }

  /** True when anything is blended with the residual fit: raw-rating ALS members or the autoencoder. */
  private boolean blends() {
    return (Integer) getOrDefault(blendMembers) > 0 || (Integer) getOrDefault(autoencoderUnits) > 0;
  }

  /** The columns the fit reads besides the ids: the residual, then, with a blend, the raw rating and the offsets. */
  String[] valueCols() {
    return !blends() ? new String[] {getRatingCol()}
        : new String[] {getRatingCol(), getOrDefault(rawRatingCol), getOrDefault(userOffsetCol),
            getOrDefault(itemOffsetCol)};
  }

  /**
   * Fits on ratings that already are a compact copy with a short lineage: every fit of the blend reads them as they
   * are, the residual fit value column 0 of {@code input}, each member value column 1 (the raw rating).
   */
  ALSModel fitCompact(AlsInput input) {
    checkBlend();
    int members = (Integer) getOrDefault(blendMembers);
    String userOffset = getOrDefault(userOffsetCol);
    String itemOffset = getOrDefault(itemOffsetCol);
    ALSModel residual = train(input.spark(), input.ratings(0));
    if (!blends()) {
      return residual;
    }
    List<ALSModel> plain = new ArrayList<>();
    for (int m = 1; m <= members; m++) {
      BlendedAls member = (BlendedAls) copy(ParamMap.empty());
      member.set(member.blendMembers, 0);
      member.setRank((Integer) getOrDefault(blendRank)).setRegParam((Double) getOrDefault(blendRegParam))
          .setSeed(getSeed() + 7919L * m);
      plain.add(member.train(input.spark(), input.ratings(1)));
    }
    ItemAutoencoder autoencoder = (Integer) getOrDefault(autoencoderUnits) > 0 ? fitAutoencoder(input) : null;
    Dataset<Row> rows = input.rows();
    Weights weights = new Weights(members == 0 ? 0 : (Double) getOrDefault(blendWeight), members,
        autoencoder == null ? 0 : (Double) getOrDefault(autoencoderWeight));
    Dataset<Row> users = side(residual.userFactors(), plain,
        autoencoder == null ? null : AutoencoderTables.users(input.spark(), autoencoder), true,
        offsets(rows, getUserCol(), userOffset), weights).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> items = side(residual.itemFactors(), plain,
        autoencoder == null ? null : AutoencoderTables.items(input.spark(), autoencoder), false,
        offsets(rows, getItemCol(), itemOffset), weights).persist(StorageLevel.MEMORY_AND_DISK());
    users.count();
    items.count();
    int rank = residual.rank() + 2 + (autoencoder == null ? 0 : autoencoder.units() + 1);
    for (ALSModel one : plain) {
      rank += one.rank();
    }
    ALSModel model = new ALSModel(uid(), rank, users, items);
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  /**
   * What {@link ALS#fit} does after it has checked and converted its input: Spark's ALS training with this
   * estimator's params, its factors as the standard {@link ALSModel}'s tables ({@code id}, {@code features}).
   */
  private ALSModel train(SparkSession spark, JavaRDD<ALS.Rating<Object>> ratings) {
    scala.Tuple2<RDD<scala.Tuple2<Object, float[]>>, RDD<scala.Tuple2<Object, float[]>>> factors = ALS.train(
        ratings.rdd(), getRank(), getNumUserBlocks(), getNumItemBlocks(), getMaxIter(), getRegParam(),
        getImplicitPrefs(), getAlpha(), getNonnegative(), StorageLevel.fromString(getIntermediateStorageLevel()),
        StorageLevel.fromString(getFinalStorageLevel()), getCheckpointInterval(), getSeed(),
        scala.reflect.ClassTag$.MODULE$.Int(), scala.math.Ordering.Int$.MODULE$);
    ALSModel model = new ALSModel(uid(), getRank(), factorTable(spark, factors._1()),
        factorTable(spark, factors._2())).setBlockSize(getBlockSize());
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  private static Dataset<Row> factorTable(SparkSession spark, RDD<scala.Tuple2<Object, float[]>> factors) {
    JavaRDD<Row> rows = factors.toJavaRDD().map(pair -> RowFactory.create(pair._1(),
        scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(pair._2())));
    return spark.createDataFrame(rows, FACTORS);
  }

  /** One value per id (all rows of an id carry the same offset). */
  private static Dataset<Row> offsets(Dataset<Row> input, String idCol, String offsetCol) {
    return input.groupBy(col(idCol).as("id")).agg(first(col(offsetCol)).as("__nj_offset"));
  }

  /** The autoencoder fitted on the raw ratings (value column 1), on the driver, with this estimator's seed. */
  private ItemAutoencoder fitAutoencoder(AlsInput input) {
    int units = (Integer) getOrDefault(autoencoderUnits);
    long maxHeap = Runtime.getRuntime().maxMemory();
    long count = input.ratings(1).count();
    ItemAutoencoder.requireFits(units, 0, count, maxHeap);
    AutoencoderTables.Ratings ratings = AutoencoderTables.collect(input.ratings(1), count);
    ItemAutoencoder.requireFits(units, ratings.users(), count, maxHeap);
    int steps = (Integer) getOrDefault(autoencoderIterations);
    int threads = Runtime.getRuntime().availableProcessors();
    LOG.info(String.format(java.util.Locale.ROOT, "fitting the item autoencoder on the driver: %d units, %,d users, "
        + "%,d ratings, %d steps on %d threads", units, ratings.users(), count, steps, threads));
    long start = System.nanoTime();
    ItemAutoencoder model = ItemAutoencoder.fit(ratings.user(), ratings.item(), ratings.rating(),
        new ItemAutoencoder.Settings(units, (Double) getOrDefault(autoencoderRegParam), steps, getSeed()), threads);
    LOG.info(String.format(java.util.Locale.ROOT, "item autoencoder fitted in %.1f s; training RMSE %.4f",
        (System.nanoTime() - start) / 1e9, model.trainingRmse()));
    return model;
  }

  /**
   * The share of each part in the prediction: of the residual fit {@code (1 - a) (1 - w)}, of each of the K raw
   * members {@code (1 - a) w / K}, of the autoencoder {@code a}; the raw parts predict ratings, not residuals, so the
   * baseline is subtracted {@code (1 - a) w + a} times.
   */
  private record Weights(double raw, int members, double autoencoder) {
    double residual() {
      return (1 - autoencoder) * (1 - raw);
    }

    double member() {
      return (1 - autoencoder) * raw / members;
    }

    double baseline() {
      return (1 - autoencoder) * raw + autoencoder;
    }
  }

  /**
   * The concatenated factor table of one side: scaled residual factors, scaled members, the scaled autoencoder (if
   * any), and the two baseline columns.
   */
  private static Dataset<Row> side(Dataset<Row> residual, List<ALSModel> plain, Dataset<Row> autoencoder,
      boolean userSide, Dataset<Row> offsets, Weights weights) {
    Dataset<Row> joined = residual.select(col("id"), col("features").as("__nj_f0"));
    List<Column> parts = new ArrayList<>();
    parts.add(scaled(col("__nj_f0"), Math.sqrt(weights.residual())));
    for (int m = 0; m < plain.size(); m++) {
      String name = "__nj_f" + (m + 1);
      Dataset<Row> factors = userSide ? plain.get(m).userFactors() : plain.get(m).itemFactors();
      joined = joined.join(factors.select(col("id"), col("features").as(name)), "id");
      parts.add(scaled(col(name), Math.sqrt(weights.member())));
    }
    if (autoencoder != null) {
      joined = joined.join(autoencoder.select(col("id"), col("features").as("__nj_ae")), "id");
      parts.add(scaled(col("__nj_ae"), Math.sqrt(weights.autoencoder())));
    }
    joined = joined.join(offsets, "id");
    Column offset = col("__nj_offset");
    float baseline = (float) weights.baseline();
    parts.add(userSide
        ? array(offset.multiply(-weights.baseline()).cast("float"), lit(-baseline))
        : array(lit(1f), offset.cast("float")));
    return joined.select(col("id"), concat(parts.toArray(Column[]::new)).as("features"));
  }

  private static Column scaled(Column factors, double scale) {
    float by = (float) scale;
    return transform(factors, x -> x.multiply(lit(by)).cast("float"));
  }
}
