package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Spark's ALS on the bias residuals, optionally blended with plain ALS fits on the raw ratings, and always fitted
 * into one standard {@link ALSModel}, so that the saved pipeline, predict and recommend see nothing new.
 *
 * <p>With {@code blendMembers = 0} (the default) this is exactly {@link ALS}. With K members, it also fits K plain
 * ALS models of rank {@code blendRank} and ALS-WR regParam {@code blendRegParam} on the raw ratings, differing only by
 * their seeds, and the fitted model predicts
 * {@code (1 - w) * residual(u, i) + w * (mean over members of rating(u, i) - baseline(u, i))}, with w =
 * {@code blendWeight}; the combiner adds the baseline back, so the final prediction is
 * {@code (1 - w) * (baseline + residual) + w * mean raw prediction}. All of that is one dot product: the residual
 * factors scaled by {@code sqrt(1 - w)}, each member's by {@code sqrt(w / K)}, and two more columns,
 * {@code [-w * (mean + user bias), -w]} for users and {@code [1, item bias]} for items, that subtract the baseline.
 * The bias stage supplies its two sides as the offset columns. A user or item without factors still gets NaN, and
 * the combiner falls back to the baseline as before.
 *
 * <p>Why: low-rank ALS on the raw ratings makes errors different from those of biases plus ALS on the residuals, and
 * averaging the two is more accurate than either (MovieLens 100k u1, see BENCHMARKS.md). It costs K more ALS fits,
 * each at rank {@code blendRank}; the input is cached once for all of them.
 */
public class BlendedAls extends ALS {
  private final IntParam blendMembers;
  private final IntParam blendRank;
  private final DoubleParam blendRegParam;
  private final DoubleParam blendWeight;
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
    rawRatingCol = new Param<>(this, "rawRatingCol", "the raw rating column the blended fits learn");
    userOffsetCol = new Param<>(this, "userOffsetCol", "mean + user bias, from the bias stage");
    itemOffsetCol = new Param<>(this, "itemOffsetCol", "item bias, from the bias stage");
    setDefault(blendMembers, 0);
    setDefault(blendRank, 5);
    setDefault(blendRegParam, 0.08);
    setDefault(blendWeight, 0.5);
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
      return fitCompact(cut.rows());
    }
  }

  private void checkBlend() {
    int members = (Integer) getOrDefault(blendMembers);
    if (members > 0 && getImplicitPrefs()) {
      throw new IllegalArgumentException("blendMembers = " + members + " blends fits of explicit ratings and does not "
          + "apply with implicitPrefs = true; set blendMembers to 0 or implicitPrefs to false");
    }
  }

  /** The columns the fit reads besides the ids: the residual, then, with a blend, the raw rating and the offsets. */
  String[] valueCols() {
    return (Integer) getOrDefault(blendMembers) == 0 ? new String[] {getRatingCol()}
        : new String[] {getRatingCol(), getOrDefault(rawRatingCol), getOrDefault(userOffsetCol),
            getOrDefault(itemOffsetCol)};
  }

  /**
   * Fits on rows that already are a compact copy with a short lineage (int ids, then the float {@link #valueCols}):
   * every fit of the blend reads them as they are.
   */
  ALSModel fitCompact(Dataset<Row> input) {
    checkBlend();
    int members = (Integer) getOrDefault(blendMembers);
    String raw = getOrDefault(rawRatingCol);
    String userOffset = getOrDefault(userOffsetCol);
    String itemOffset = getOrDefault(itemOffsetCol);
    ALSModel residual = super.fit(input);
    if (members == 0) {
      return residual;
    }
    List<ALSModel> plain = new ArrayList<>();
    for (int m = 1; m <= members; m++) {
      BlendedAls member = (BlendedAls) copy(ParamMap.empty());
      member.set(member.blendMembers, 0);
      member.setRatingCol(raw).setRank((Integer) getOrDefault(blendRank))
          .setRegParam((Double) getOrDefault(blendRegParam)).setSeed(getSeed() + 7919L * m);
      plain.add(member.fitCompact(input));
    }
    double weight = (Double) getOrDefault(blendWeight);
    Dataset<Row> users = side(residual.userFactors(), plain, true, offsets(input, getUserCol(), userOffset),
        weight).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> items = side(residual.itemFactors(), plain, false, offsets(input, getItemCol(), itemOffset),
        weight).persist(StorageLevel.MEMORY_AND_DISK());
    users.count();
    items.count();
    int rank = residual.rank() + 2;
    for (ALSModel one : plain) {
      rank += one.rank();
    }
    ALSModel model = new ALSModel(uid(), rank, users, items);
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  /** One value per id (all rows of an id carry the same offset). */
  private static Dataset<Row> offsets(Dataset<Row> input, String idCol, String offsetCol) {
    return input.groupBy(col(idCol).as("id")).agg(first(col(offsetCol)).as("__nj_offset"));
  }

  /** The concatenated factor table of one side: scaled residual factors, scaled members, the two baseline columns. */
  private static Dataset<Row> side(Dataset<Row> residual, List<ALSModel> plain, boolean userSide,
      Dataset<Row> offsets, double weight) {
    Dataset<Row> joined = residual.select(col("id"), col("features").as("__nj_f0"));
    List<Column> parts = new ArrayList<>();
    parts.add(scaled(col("__nj_f0"), Math.sqrt(1.0 - weight)));
    for (int m = 0; m < plain.size(); m++) {
      String name = "__nj_f" + (m + 1);
      Dataset<Row> factors = userSide ? plain.get(m).userFactors() : plain.get(m).itemFactors();
      joined = joined.join(factors.select(col("id"), col("features").as(name)), "id");
      parts.add(scaled(col(name), Math.sqrt(weight / plain.size())));
    }
    joined = joined.join(offsets, "id");
    Column offset = col("__nj_offset");
    parts.add(userSide
        ? array(offset.multiply(-weight).cast("float"), lit((float) -weight))
        : array(lit(1f), offset.cast("float")));
    return joined.select(col("id"), concat(parts.toArray(Column[]::new)).as("features"));
  }

  private static Column scaled(Column factors, double scale) {
    float by = (float) scale;
    return transform(factors, x -> x.multiply(lit(by)).cast("float"));
  }
}
