package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.nightjar.io.DriverParquet;
import io.nightjar.io.HadoopPaths;
import io.nightjar.io.ParquetSchemas;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The fitted baseline: global mean, one bias per known user and per known item. A user or item never seen in
 * training contributes a bias of zero, so every row gets a finite baseline. When {@code coldStartCol} is set, each
 * row also gets its cold-start case: 0 user and item seen in training, 1 user unseen, 2 item unseen, 3 both.
 *
 * <p>Persistence: params (the global mean included) in Spark's standard metadata, the bias tables as Parquet under
 * {@code data/users} and {@code data/items}.
 */
public class BiasModel extends Model<BiasModel> implements DefaultParamsWritable {
  private static final String USERS_DIR = "data/users";
  private static final String ITEMS_DIR = "data/items";

  private final String uid;
  private final Param<String> userCol;
  private final Param<String> itemCol;
  private final Param<String> ratingCol;
  private final Param<String> baselineCol;
  private final Param<String> residualCol;
  private final Param<String> coldStartCol;
  private final Param<String> userOffsetCol;
  private final Param<String> itemOffsetCol;
  private final DoubleParam globalMean;
  /** Columns {@code u} (user index) and {@code b} (bias); null until fitted or loaded. */
  private Dataset<Row> userBiases;
  /** Columns {@code i} (item index) and {@code b} (bias); null until fitted or loaded. */
  private Dataset<Row> itemBiases;

  /** For {@code PipelineModel.load}: the params come from metadata, the bias tables from {@link #read()}. */
  public BiasModel(String uid) {
    this.uid = uid;
    userCol = new Param<>(this, "userCol", "indexed user column");
    itemCol = new Param<>(this, "itemCol", "indexed item column");
    ratingCol = new Param<>(this, "ratingCol", "rating column, used for the residual when present");
    baselineCol = new Param<>(this, "baselineCol", "output column for mean + user bias + item bias");
    residualCol = new Param<>(this, "residualCol", "output column for rating - baseline, when ratings are present");
    globalMean = new DoubleParam(this, "globalMean", "mean rating over the training data");
    coldStartCol = new Param<>(this, "coldStartCol", "output column for the cold-start case: 0 user and item seen "
        + "in training, 1 user unseen, 2 item unseen, 3 both; empty for none");
    userOffsetCol = new Param<>(this, "userOffsetCol", "output column for the user's side of the baseline, mean + "
        + "user bias (the mean alone for an unseen user); empty for none");
    itemOffsetCol = new Param<>(this, "itemOffsetCol", "output column for the item's side of the baseline, the item "
        + "bias (0 for an unseen item); empty for none");
    // Models saved before the indicator or the offsets existed load without them and add no column.
    setDefault(coldStartCol, "");
    setDefault(userOffsetCol, "");
    setDefault(itemOffsetCol, "");
  }

  BiasModel(String uid, double mean, Dataset<Row> userBiases, Dataset<Row> itemBiases) {
    this(uid);
    set(globalMean, mean);
    this.userBiases = userBiases;
    this.itemBiases = itemBiases;
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> userCol() {
    return userCol;
  }

  public Param<String> itemCol() {
    return itemCol;
  }

  public Param<String> ratingCol() {
    return ratingCol;
  }

  public Param<String> baselineCol() {
    return baselineCol;
  }

  public Param<String> residualCol() {
    return residualCol;
  }

  public Param<String> coldStartCol() {
    return coldStartCol;
  }

  public Param<String> userOffsetCol() {
    return userOffsetCol;
  }

  public Param<String> itemOffsetCol() {
    return itemOffsetCol;
  }

  public DoubleParam globalMean() {
    return globalMean;
  }

  public double getGlobalMean() {
    return (Double) getOrDefault(globalMean);
  }

  /** User index and bias, one row per user seen in training. */
  public Dataset<Row> userBiases() {
    return userBiases;
  }

  /** Item index and bias, one row per item seen in training. */
  public Dataset<Row> itemBiases() {
    return itemBiases;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    String user = getOrDefault(userCol);
    String item = getOrDefault(itemCol);
    // Broadcast joins keep the batch's own partitioning: scoring never shuffles the rows.
    Dataset<Row> users = userBiases.select(col("u").as("__nj_bu_key"), col("b").as("__nj_bu"));
    Dataset<Row> items = itemBiases.select(col("i").as("__nj_bi_key"), col("b").as("__nj_bi"));
    Dataset<Row> joined = dataset.toDF()
        .join(broadcast(users), col(user).cast("double").equalTo(col("__nj_bu_key")), "left")
        .join(broadcast(items), col(item).cast("double").equalTo(col("__nj_bi_key")), "left");
    Column userOffset = lit(getGlobalMean()).plus(coalesce(col("__nj_bu"), lit(0.0)));
    Column itemOffset = coalesce(col("__nj_bi"), lit(0.0));
    Dataset<Row> out = joined.withColumn(getOrDefault(baselineCol), userOffset.plus(itemOffset));
    if (!getOrDefault(userOffsetCol).isEmpty()) {
      out = out.withColumn(getOrDefault(userOffsetCol), userOffset);
    }
    if (!getOrDefault(itemOffsetCol).isEmpty()) {
      out = out.withColumn(getOrDefault(itemOffsetCol), itemOffset);
    }
    if (!getOrDefault(coldStartCol).isEmpty()) {
      out = out.withColumn(getOrDefault(coldStartCol), coldStart(col("__nj_bu_key"), col("__nj_bi_key")));
    }
    if (hasRatings(dataset.schema())) {
      out = out.withColumn(getOrDefault(residualCol),
          col(getOrDefault(ratingCol)).cast("double").minus(col(getOrDefault(baselineCol))));
    }
    return out.drop("__nj_bu_key", "__nj_bu", "__nj_bi_key", "__nj_bi").select(columns(schema));
  }

  /** 0 when both keys matched a bias, +1 when the user did not, +2 when the item did not. */
  private static Column coldStart(Column userKey, Column itemKey) {
    return when(userKey.isNull(), lit(1)).otherwise(lit(0))
        .plus(when(itemKey.isNull(), lit(2)).otherwise(lit(0)))
        .cast("int");
  }

  private static Column[] columns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(name -> col("`" + name + "`")).toArray(Column[]::new);
  }

  private boolean hasRatings(StructType schema) {
    return List.of(schema.fieldNames()).contains(getOrDefault(ratingCol));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return outputSchema(schema, getOrDefault(userCol), getOrDefault(itemCol), getOrDefault(ratingCol),
        getOrDefault(baselineCol), getOrDefault(residualCol), getOrDefault(coldStartCol),
        List.of(getOrDefault(userOffsetCol), getOrDefault(itemOffsetCol)), hasRatings(schema));
  }

  /** @param offsets the user and item offset columns; an empty name adds no column */
  static StructType outputSchema(StructType schema, String user, String item, String rating, String baseline,
      String residual, String coldStart, List<String> offsets, boolean ratingsRequired) {
    List<String> names = List.of(schema.fieldNames());
    for (String required : ratingsRequired ? List.of(user, item, rating) : List.of(user, item)) {
      if (!names.contains(required)) {
        throw new IllegalArgumentException("Input column '" + required + "' is missing; columns present: " + names);
      }
    }
    StructType out = schema.add(baseline, DataTypes.DoubleType, false);
    if (!coldStart.isEmpty()) {
      out = out.add(coldStart, DataTypes.IntegerType, false);
    }
    for (String offset : offsets) {
      if (!offset.isEmpty()) {
        out = out.add(offset, DataTypes.DoubleType, false);
      }
    }
    return ratingsRequired && names.contains(rating) ? out.add(residual, DataTypes.DoubleType, true) : out;
  }

  @Override
  public BiasModel copy(ParamMap extra) {
    BiasModel copy = new BiasModel(uid, getGlobalMean(), userBiases, itemBiases);
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** The standard params-only writer, which this model's writer uses for its metadata. */
  MLWriter paramsWriter() {
    return DefaultParamsWritable.super.write();
  }

  public static MLReader<BiasModel> read() {
    return new Reader();
  }

  private static final class Writer extends MLWriter {
    private final BiasModel instance;

    Writer(BiasModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      try {
        instance.paramsWriter().save(path);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write the metadata of " + instance.uid() + " to " + path, e);
      }
      instance.userBiases.write().parquet(path + "/" + USERS_DIR);
      instance.itemBiases.write().parquet(path + "/" + ITEMS_DIR);
    }
  }

  private static final class Reader extends MLReader<BiasModel> {
    @Override
    public BiasModel load(String path) {
      // Params and tables without a Spark job: the metadata read on the driver, and the tables too when they are small
      // (else their schema from a footer, and the rows read by Spark).
      Configuration conf = HadoopPaths.conf(sparkSession());
      BiasModel model = (BiasModel) SavedParams.load(new Path(path), conf, BiasModel.class.getName());
      model.userBiases = table(path + "/" + USERS_DIR, conf);
      model.itemBiases = table(path + "/" + ITEMS_DIR, conf);
      return model;
    }

    private Dataset<Row> table(String dir, Configuration conf) {
      Optional<Dataset<Row>> small = DriverParquet.read(sparkSession(), new Path(dir), conf);
      if (small.isPresent()) {
        return small.get();
      }
      DataFrameReader reader = sparkSession().read();
      Optional<StructType> schema = ParquetSchemas.ofDataset(new Path(dir), conf);
      return (schema.isPresent() ? reader.schema(schema.get()) : reader).parquet(dir);
    }
  }
}
