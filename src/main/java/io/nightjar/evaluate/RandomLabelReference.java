package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.nightjar.pipeline.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * The reference that predicts, for each holdout row, a label drawn at random from the training labels.
 *
 * <p>The training labels are represented by a uniform sample of at most {@code maxSample} of them (all of them when
 * there are fewer): the rows with the smallest seeded hash of all their columns. Each holdout row draws one sample
 * entry by a seeded hash of its own columns. Both choices depend only on the rows' values and the seed, never on
 * partitioning or row order: the same data and seed give the same metrics. Identical rows share their hash, so they
 * are sampled together and draw the same label; the sample stays unbiased.
 *
 * <p>The sample is broadcast once; {@link #close()} releases it.
 */
public final class RandomLabelReference implements AutoCloseable {
  /** The default bound on the training labels kept. */
  public static final int DEFAULT_SAMPLE_SIZE = 100_000;
  private static final double TWO_TO_53 = 9007199254740992.0;

  private final double[] sample;
  private final long seed;
  private Broadcast<double[]> broadcast;

  private RandomLabelReference(double[] sample, long seed) {
    if (sample.length == 0) {
      throw new IllegalStateException("the training data has no label to draw from");
    }
    this.sample = sample;
    this.seed = seed;
  }

  /** {@link #fromTraining(Dataset, String, long, int)} with at most {@link #DEFAULT_SAMPLE_SIZE} labels. */
  public static RandomLabelReference fromTraining(Dataset<Row> training, String label, long seed) {
    return fromTraining(training, label, seed, DEFAULT_SAMPLE_SIZE);
  }

  /**
   * Samples the training labels: one count, then one pass keeping about twice {@code maxSample} rows by hash and a
   * per-partition top-{@code maxSample} (nothing else reaches the driver). Rows whose label is null or NaN are
   * skipped.
   *
   * @param training the training rows with all their columns (the hash of the whole row picks the sample)
   * @param seed the job's seed
   * @param maxSample the most labels kept, at least 1
   * @throws IllegalStateException if no training row has a label
   */
  public static RandomLabelReference fromTraining(Dataset<Row> training, String label, long seed, int maxSample) {
    if (maxSample < 1) {
      throw new IllegalArgumentException("maxSample must be at least 1, got " + maxSample);
    }
    Column y = col(label).cast("double");
    Dataset<Row> labelled = training.where(y.isNotNull().and(functions.not(y.isNaN())));
    long rows = labelled.agg(count(lit(1))).first().getLong(0);
    Column hash = rowHash(training, seed);
    Dataset<Row> hashed = labelled.select(hash.alias("h"), y.alias("y"));
    double fraction = 2.0 * maxSample / Math.max(1, rows);
    if (fraction < 1.0) {
      hashed = hashed.where(pmod(col("h"), lit((long) TWO_TO_53)).divide(TWO_TO_53).lt(fraction));
    }
    List<Row> kept = hashed.orderBy(col("h"), col("y")).limit(maxSample).select("y").collectAsList();
    double[] sample = new double[kept.size()];
    for (int k = 0; k < sample.length; k++) {
      sample[k] = kept.get(k).getDouble(0);
    }
    return new RandomLabelReference(sample, seed);
  }

  /** A reference over given labels (tests, or labels already at hand). */
  public static RandomLabelReference of(double[] labels, long seed) {
    return new RandomLabelReference(labels.clone(), seed);
  }

  /** How many training labels the draws come from. */
  public int sampleSize() {
    return sample.length;
  }

  /** The sampled training labels, in hash order. */
  public double[] sample() {
    return sample.clone();
  }

  /**
   * The reference's prediction for each row of {@code rows}: a sampled training label picked by a seeded hash of the
   * row's own columns (every column except Nightjar's internal ones, {@code prediction}, maps and vectors).
   */
  public Column prediction(Dataset<Row> rows) {
    List<String> hashed = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      if (!field.name().startsWith(Columns.INTERNAL_PREFIX) && !field.name().equals(Columns.PREDICTION)
          && !(field.dataType() instanceof MapType) && !(field.dataType() instanceof UserDefinedType)) {
        hashed.add(field.name());
      }
    }
    return prediction(hashed, rows.sparkSession());
  }

  /** The reference's prediction for each row, picked by a seeded hash of the named columns. */
  public Column prediction(List<String> rowColumns, SparkSession spark) {
    if (rowColumns.isEmpty()) {
      throw new IllegalArgumentException("the rows have no column to draw a label by");
    }
    Column[] inputs = new Column[rowColumns.size() + 1];
    inputs[0] = lit(seed * 31 + 17); // a different stream from the training sample's
    for (int k = 0; k < rowColumns.size(); k++) {
      inputs[k + 1] = col(rowColumns.get(k));
    }
    Column index = pmod(xxhash64(inputs), lit((long) sample.length));
    return pick(spark).apply(index);
  }

  private synchronized UserDefinedFunction pick(SparkSession spark) {
    if (broadcast == null) {
      broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(sample);
    }
    Broadcast<double[]> labels = broadcast;
    return functions.udf((UDF1<Long, Double>) k -> labels.value()[(int) (long) k], DataTypes.DoubleType);
  }

  private static Column rowHash(Dataset<Row> rows, long seed) {
    List<Column> inputs = new ArrayList<>();
    inputs.add(lit(seed));
    for (StructField field : rows.schema().fields()) {
      if (!(field.dataType() instanceof MapType) && !(field.dataType() instanceof UserDefinedType)) {
        inputs.add(col(field.name()));
      }
    }
    return xxhash64(inputs.toArray(Column[]::new));
  }

  /** Releases the broadcast sample. */
  @Override
  public synchronized void close() {
    if (broadcast != null) {
      broadcast.destroy();
      broadcast = null;
    }
  }
}
