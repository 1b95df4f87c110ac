package io.nightjar.score;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.nightjar.error.ModelException;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.stage.BiasModel;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.spec.ScoringMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

  private FactorScorer(StringIndexerModel indexer, BiasModel biases, ALSModel als, boolean coldStart,
      int maxCollectedIds) {
    this.biases = biases;
    this.rank = als.rank();
    this.coldStart = coldStart;
    SparkSession spark = biases.userBiases().sparkSession();
    String[] userLevels = indexer.labelsArray()[0];
    String[] itemLevels = indexer.labelsArray()[1];
    Dataset<Row> userBiases = biases.userBiases().select(col("u"), col("b"));
    Dataset<Row> itemBiases = biases.itemBiases().select(col("i"), col("b"));
    Dataset<Row> userFactors = als.userFactors().select(col("id"), col("features"));
    Dataset<Row> itemFactors = als.itemFactors().select(col("id"), col("features"));
    boolean smallUsers = userLevels.length <= maxCollectedIds;
    boolean smallItems = itemLevels.length <= maxCollectedIds;
    List<Dataset<Row>> toCollect = new ArrayList<>();
    if (smallUsers) {
      toCollect.addAll(List.of(userBiases, userFactors));
    }
    if (smallItems) {
      toCollect.addAll(List.of(itemBiases, itemFactors));
    }
    Iterator<List<Row>> collected = collectConcurrently(toCollect).iterator();
    String userColumn = indexer.getInputCols()[0];
    String itemColumn = indexer.getInputCols()[1];
    users = smallUsers
        ? Side.assembled("__nj_su_", userColumn, userLevels, collected.next(), collected.next(), rank)
        : Side.planned(spark, "__nj_su_", userColumn, userLevels, userBiases, userFactors, rank);
    items = smallItems
        ? Side.assembled("__nj_si_", itemColumn, itemLevels, collected.next(), collected.next(), rank)
        : Side.planned(spark, "__nj_si_", itemColumn, itemLevels, itemBiases, itemFactors, rank);
  }

  /**
   * The rows of each table, collected at once: each is a small Spark job reading a few files, and one after the
   * other they added up to most of an ALS model's compilation. The threads are made here, so they inherit the
   * caller's Spark job group (a cancelled load cancels these jobs too).
   */
  private static List<List<Row>> collectConcurrently(List<Dataset<Row>> tables) {
    if (tables.isEmpty()) {
      return List.of();
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(tables.size(), task -> {
      Thread thread = new Thread(task, "nightjar-collect-lookup-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<List<Row>>> pending = new ArrayList<>();
      for (Dataset<Row> table : tables) {
        pending.add(pool.submit(table::collectAsList));
      }
      List<List<Row>> rows = new ArrayList<>();
      for (Future<List<Row>> future : pending) {
        rows.add(future.get());
      }
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while collecting the ALS lookup tables", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("cannot collect the ALS lookup tables: " + e.getCause(), e.getCause());
    } finally {
      // Not interrupted: a Spark job interrupted mid-broadcast logs errors that have nothing to do with the failure.
      pool.shutdown();
    }
  }

  static Compilation compile(PipelineModel model) {
    return compile(model, MAX_COLLECTED_IDS);
  }

  /** With the largest number of ids a side may have to be collected; larger sides stay Spark plans. */
  static Compilation compile(PipelineModel model, int maxCollectedIds) {
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
    return Compilation.of(new FactorScorer(indexer, biases, als, coldStart, maxCollectedIds));
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
   * The table rows built on the driver, one per level in the indexer's order, as the joins of the large-table path
   * build them: the level, its bias (null when the bias table does not know its index), whether it does, and its
   * factors (nulls when ALS has none for it). Bias and factor rows of indices no level has are left out.
   *
   * @throws ModelException when the saved tables hold an index twice
   */
  static List<Row> assemble(String[] labels, List<Row> biasRows, List<Row> factorRows, int rank) {
    Double[] bias = new Double[labels.length];
    boolean[] seen = new boolean[labels.length];
    for (Row row : biasRows) {
      int index = levelIndex(((Number) row.get(0)).doubleValue(), labels.length);
      if (index >= 0) {
        if (seen[index]) {
          throw new ModelException("the saved bias table holds index " + index + " twice; retrain the model");
        }
        seen[index] = true;
        bias[index] = row.isNullAt(1) ? null : row.getDouble(1);
      }
    }
    List<?>[] vectors = new List<?>[labels.length];
    for (Row row : factorRows) {
      int index = levelIndex(row.getInt(0), labels.length);
      if (index >= 0) {
        if (vectors[index] != null) {
          throw new ModelException("the saved ALS factors hold id " + index + " twice; retrain the model");
        }
        vectors[index] = row.isNullAt(1) ? List.of() : row.getList(1);
      }
    }
    List<Row> rows = new ArrayList<>(labels.length);
    for (int index = 0; index < labels.length; index++) {
      Object[] values = new Object[3 + rank];
      values[0] = labels[index];
      values[1] = bias[index];
      values[2] = seen[index];
      List<?> vector = vectors[index];
      for (int k = 0; k < rank; k++) {
        values[3 + k] = vector == null || k >= vector.size() ? null : vector.get(k);
      }
      rows.add(RowFactory.create(values));
    }
    return rows;
  }

  /** The level a saved index names, or -1 when it names none (not a whole number, or out of range). */
  private static int levelIndex(double index, int levels) {
    return index >= 0 && index < levels && index == Math.rint(index) ? (int) index : -1;
  }

  /**
   * The value of type {@code type} (a byte, short, int or long) whose string is exactly {@code label}, as Spark
   * casts it back to a string; null when there is none ({@code "007"}, {@code "+7"}, {@code " 7"}, a number out of
   * range, not a number): a batch id of that type never matches such a level, as the indexer would not.
   */
  static Object wholeNumber(String label, DataType type) {
    long value;
    try {
      value = Long.parseLong(label);
    } catch (NumberFormatException e) {
      return null;
    }
    if (!Long.toString(value).equals(label)) {
      return null;
    }
    if (type.equals(DataTypes.LongType)) {
      return value;
    }
    if (type.equals(DataTypes.IntegerType)) {
      return value == (int) value ? Integer.valueOf((int) value) : null;
    }
    if (type.equals(DataTypes.ShortType)) {
      return value == (short) value ? Short.valueOf((short) value) : null;
    }
    if (type.equals(DataTypes.ByteType)) {
      return value == (byte) value ? Byte.valueOf((byte) value) : null;
    }
    throw new IllegalArgumentException("not a whole-number type: " + type);
  }

  /**
   * One side's lookup table (id as the indexer reads it, bias, whether the bias table knows the id, factors) and the
   * names of its columns, all prefixed so they never meet a batch column. A small table is assembled once, on the
   * driver, from the collected bias and factor rows, and kept as rows ({@code collected}); a large one stays a Spark
   * plan ({@code table}).
   */
  private record Side(String prefix, String idColumn, long ids, int rank, Dataset<Row> table, List<Row> collected,
      StructType schema) {
    /** A side whose bias and factor rows were collected: its table is assembled on the driver. */
    static Side assembled(String prefix, String idColumn, String[] labels, List<Row> biasRows, List<Row> factorRows,
        int rank) {
      StructType schema = new StructType()
          .add(prefix + "key", DataTypes.StringType, false)
          .add(prefix + "bias", DataTypes.DoubleType, true)
          .add(prefix + "seen", DataTypes.BooleanType, false);
      for (int k = 0; k < rank; k++) {
        schema = schema.add(prefix + "f" + k, DataTypes.FloatType, true);
      }
      return new Side(prefix, idColumn, labels.length, rank, null, assemble(labels, biasRows, factorRows, rank),
          schema);
    }

    /** A side too large to collect: its table is the joins of the levels, the biases and the factors, as a plan. */
    static Side planned(SparkSession spark, String prefix, String idColumn, String[] labels, Dataset<Row> biases,
        Dataset<Row> vectors, int rank) {
      List<Row> rows = new ArrayList<>(labels.length);
      for (int index = 0; index < labels.length; index++) {
        rows.add(RowFactory.create(labels[index], (double) index));
      }
      StructType levels = new StructType()
          .add(prefix + "key", DataTypes.StringType, false)
          .add(prefix + "index", DataTypes.DoubleType, false);
      Column index = col(prefix + "index");
      Dataset<Row> joined = spark.createDataFrame(rows, levels)
          .join(biases.toDF(prefix + "bias_key", prefix + "bias"), index.equalTo(col(prefix + "bias_key")), "left")
          .join(vectors.toDF(prefix + "factor_id", prefix + "features"),
              index.cast("int").equalTo(col(prefix + "factor_id")), "left");
      List<Column> columns = new ArrayList<>();
      columns.add(col(prefix + "key"));
      columns.add(col(prefix + "bias"));
      columns.add(col(prefix + "bias_key").isNotNull().as(prefix + "seen"));
      for (int k = 0; k < rank; k++) {
        columns.add(col(prefix + "features").getItem(k).as(prefix + "f" + k));
      }
      Dataset<Row> table = joined.select(columns.toArray(Column[]::new));
      return new Side(prefix, idColumn, labels.length, rank, table, null, table.schema());
    }

    /**
     * The lookup table, keyed to match the batch's id column of type {@code idType}: by the id's string, as the
     * indexer matches it, or, for a whole-number id, by the level parsed back to that type (only levels that are
     * exactly that number's string, so the same rows match), which spares every batch row a conversion to a string.
     */
    Dataset<Row> lookup(SparkSession spark, DataType idType) {
      Dataset<Row> lookup;
      if (table == null) {
        // Keyed on the driver: the plan holds the finished table, and the optimizer has no projection of its rows
        // to evaluate each time the batch's plan is optimized.
        lookup = integral(idType) ? spark.createDataFrame(typedRows(collected, idType), typedSchema(idType))
            : spark.createDataFrame(collected, schema);
      } else if (integral(idType)) {
        Column typed = col(prefix + "key").try_cast(idType);
        lookup = table.where(typed.cast("string").eqNullSafe(col(prefix + "key")))
            .withColumn(prefix + "key", typed);
      } else {
        lookup = table;
      }
      long estimatedBytes = ids * (4L * rank + 64);
      return estimatedBytes <= MAX_BROADCAST_BYTES ? broadcast(lookup) : lookup;
    }

    /** The collected rows whose key is a whole number of {@code idType}, keyed by that number. */
    private static List<Row> typedRows(List<Row> rows, DataType idType) {
      List<Row> typed = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Object key = wholeNumber(row.getString(0), idType);
        if (key != null) {
          Object[] values = new Object[row.size()];
          values[0] = key;
          for (int field = 1; field < values.length; field++) {
            values[field] = row.get(field);
          }
          typed.add(RowFactory.create(values));
        }
      }
      return typed;
    }

    private StructType typedSchema(DataType idType) {
      StructType typed = new StructType().add(prefix + "key", idType, false);
      for (int field = 1; field < schema.fields().length; field++) {
        typed = typed.add(schema.fields()[field]);
      }
      return typed;
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
