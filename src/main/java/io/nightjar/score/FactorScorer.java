package io.nightjar.score;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.spec.ScoringMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The ALS pipeline (id indexer, biases, ALS on the residuals, combiner) compiled to two lookups and arithmetic. For
 * each side (users, items) one table is built from the fitted stages, keyed by the original id as the indexer sees
 * it (cast to a string; for whole-number ids, the number itself): the bias, whether the bias table knows the id, and
 * the latent factors as {@code rank} float columns. The batch joins both tables (broadcast, so its rows never
 * shuffle) and the prediction is {@code mean + user bias + item bias + dot(user factors, item factors)}, the dot
 * product summed in float in the order ALS sums it (for ranks up to {@link Scorers#CHUNK}; in chunks of that many
 * terms above, within float rounding of it), and counted as 0 where either side has no factors. The indexer's hash
 * lookup, the index joins of the bias stage, ALS's unhinted factor joins and its dot-product UDF are all gone; the
 * scores and the cold-start case equal the pipeline's own transform.
 */
final class FactorScorer implements Scorer {
  /** Above this estimated size a lookup table is left for Spark to join as it sees fit rather than broadcast. */
  static final long MAX_BROADCAST_BYTES = 512L << 20;
  /** Wider factor vectors make the generated code too large; such models are scored by the pipeline itself. */
  static final int MAX_RANK = 512;

  /** Lookup tables of at most this many ids are built once, when the model is compiled, and kept on the driver. */
  static final int MAX_COLLECTED_IDS = 250_000;

  private final BiasModel biases;
  private final int rank;
  private final boolean coldStart;
  private final Side users;
  private final Side items;

  private FactorScorer(StringIndexerModel indexer, BiasModel biases, ALSModel als, boolean coldStart) {
    this.biases = biases;
    this.rank = als.rank();
    this.coldStart = coldStart;
    SparkSession spark = biases.userBiases().sparkSession();
    users = Side.of(spark, "__nj_su_", indexer.getInputCols()[0], indexer.labelsArray()[0], biases.userBiases(),
        "u", als.userFactors(), rank);
    items = Side.of(spark, "__nj_si_", indexer.getInputCols()[1], indexer.labelsArray()[1], biases.itemBiases(),
        "i", als.itemFactors(), rank);
  }

  static Compilation compile(PipelineModel model) {
    Transformer[] stages = model.stages();
    if (stages.length != 4 || !(stages[0] instanceof StringIndexerModel indexer)
        || !(stages[1] instanceof BiasModel biases) || !(stages[2] instanceof ALSModel als)
        || !(stages[3] instanceof PredictionCombiner combiner)) {
      return Compilation.refused("not the indexer, bias, ALS and combiner stages of an ALS job");
    }
    if (!indexer.isSet(indexer.inputCols()) || indexer.getInputCols().length != 2
        || !"keep".equals(indexer.getHandleInvalid())) {
      return Compilation.refused("the id indexer is not the two-column, keep-unseen one");
    }
    String[] indexed = indexer.getOutputCols();
    boolean wired = indexed[0].equals(biases.getOrDefault(biases.userCol()))
        && indexed[1].equals(biases.getOrDefault(biases.itemCol()))
        && indexed[0].equals(als.getUserCol()) && indexed[1].equals(als.getItemCol())
        && biases.getOrDefault(biases.baselineCol()).equals(combiner.getOrDefault(combiner.baselineCol()))
        && als.getPredictionCol().equals(combiner.getOrDefault(combiner.residualPredictionCol()))
        && Columns.PREDICTION.equals(combiner.getOrDefault(combiner.predictionCol()));
    if (!wired) {
      return Compilation.refused("the stages' columns are not wired as an ALS job wires them");
    }
    if (!"nan".equals(als.getColdStartStrategy())) {
      return Compilation.refused("ALS coldStartStrategy is " + als.getColdStartStrategy());
    }
    if (als.rank() > MAX_RANK) {
      return Compilation.refused("rank " + als.rank() + " is above " + MAX_RANK);
    }
    boolean coldStart = !biases.getOrDefault(biases.coldStartCol()).isEmpty();
    return Compilation.of(new FactorScorer(indexer, biases, als, coldStart));
  }

  @Override
  public Dataset<Row> score(Dataset<Row> batch) {
    SparkSession spark = batch.sparkSession();
    DataType userType = batch.schema().apply(users.idColumn()).dataType();
    DataType itemType = batch.schema().apply(items.idColumn()).dataType();
    Dataset<Row> joined = batch
        .join(users.lookup(spark, userType), users.joinCondition(userType), "left")
        .join(items.lookup(spark, itemType), items.joinCondition(itemType), "left");
    List<Column> products = new ArrayList<>();
    for (int k = 0; k < rank; k++) {
      products.add(users.factor(k).multiply(items.factor(k)));
    }
    Column dot = Scorers.sum(products);
    // As the combiner reads ALS's answer: a missing dot product (no factors on a side) or NaN counts as 0.
    Column residual = dot.cast("double");
    Column known = when(residual.isNull().or(isnan(residual)), lit(0.0)).otherwise(residual);
    Column baseline = lit(biases.getGlobalMean())
        .plus(coalesce(users.bias(), lit(0.0)))
        .plus(coalesce(items.bias(), lit(0.0)));
    List<Column> output = Scorers.batchColumns(batch);
    output.add(baseline.plus(known).as(Columns.PREDICTION));
    if (coldStart) {
      output.add(when(users.seen(), lit(0)).otherwise(lit(1))
          .plus(when(items.seen(), lit(0)).otherwise(lit(2))).cast("int").as(Columns.COLD_START));
    }
    return joined.select(output.toArray(Column[]::new));
  }

  @Override
  public String method() {
    return ScoringMode.COMPILED.specName();
  }

  /**
   * One side's lookup table (id as the indexer reads it, bias, whether the bias table knows the id, factors) and the
   * names of its columns, all prefixed so they never meet a batch column. A small table is computed once and kept
   * on the driver as rows ({@code collected}); a large one stays a Spark plan ({@code table}).
   */
  private record Side(String prefix, String idColumn, long ids, int rank, Dataset<Row> table, List<Row> collected,
      StructType schema) {
    static Side of(SparkSession spark, String prefix, String idColumn, String[] labels, Dataset<Row> biasTable,
        String biasKey, Dataset<Row> factors, int rank) {
      List<Row> rows = new ArrayList<>(labels.length);
      for (int index = 0; index < labels.length; index++) {
        rows.add(RowFactory.create(labels[index], (double) index));
      }
      StructType schema = new StructType()
          .add(prefix + "key", DataTypes.StringType, false)
          .add(prefix + "index", DataTypes.DoubleType, false);
      Column index = col(prefix + "index");
      Dataset<Row> joined = spark.createDataFrame(rows, schema)
          .join(biasTable.select(col(biasKey).as(prefix + "bias_key"), col("b").as(prefix + "bias")),
              index.equalTo(col(prefix + "bias_key")), "left")
          .join(factors.select(col("id").as(prefix + "factor_id"), col("features").as(prefix + "features")),
              index.cast("int").equalTo(col(prefix + "factor_id")), "left");
      List<Column> columns = new ArrayList<>();
      columns.add(col(prefix + "key"));
      columns.add(col(prefix + "bias"));
      columns.add(col(prefix + "bias_key").isNotNull().as(prefix + "seen"));
      for (int k = 0; k < rank; k++) {
        columns.add(col(prefix + "features").getItem(k).as(prefix + "f" + k));
      }
      Dataset<Row> table = joined.select(columns.toArray(Column[]::new));
      List<Row> collected = labels.length <= MAX_COLLECTED_IDS ? table.collectAsList() : null;
      return new Side(prefix, idColumn, labels.length, rank, table, collected, table.schema());
    }

    /**
     * The lookup table, keyed to match the batch's id column of type {@code idType}: by the id's string, as the
     * indexer matches it, or, for a whole-number id, by the level parsed back to that type (only levels that are
     * exactly that number's string, so the same rows match), which spares every batch row a conversion to a string.
     */
    Dataset<Row> lookup(SparkSession spark, DataType idType) {
      Dataset<Row> lookup = collected != null ? spark.createDataFrame(collected, schema) : table;
      if (integral(idType)) {
        Column typed = col(prefix + "key").try_cast(idType);
        lookup = lookup.where(typed.cast("string").eqNullSafe(col(prefix + "key")))
            .withColumn(prefix + "key", typed);
      }
      long estimatedBytes = ids * (4L * rank + 64);
      return estimatedBytes <= MAX_BROADCAST_BYTES ? broadcast(lookup) : lookup;
    }

    /** The batch's id matched against the table's key: as it is for a whole number, else as a string. */
    Column joinCondition(DataType idType) {
      Column id = col(Columns.quoted(idColumn));
      return (integral(idType) ? id : id.cast("string")).equalTo(col(prefix + "key"));
    }

    private static boolean integral(DataType type) {
      return type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
          || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType);
    }

    Column factor(int k) {
      return col(prefix + "f" + k);
    }

    Column bias() {
      return col(prefix + "bias");
    }

    /** True when the bias table knows the id (as the bias stage decides the cold-start case). */
    Column seen() {
      return coalesce(col(prefix + "seen"), lit(false));
    }
  }
}
