package io.nightjar.pipeline.stage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * ALS's input with a lineage of its own: the rows copied once into compact per-partition arrays (two whole-number
 * id columns, then float columns), kept in memory or on disk, and checkpointed when the session has a checkpoint
 * directory. Without it every task of every ALS iteration would carry the input's whole lineage, the id indexer's
 * label maps included (5.7 MiB per task at 20M ratings; see BENCHMARKS.md). {@link #close()} releases the copy
 * from memory; its checkpoint files stay until the run's checkpoint directory is removed, so that factors lost with
 * an executor can still be recomputed from them.
 */
final class CutLineage implements AlsInput, AutoCloseable {
  private final JavaRDD<RatingBlock> blocks;
  private final Dataset<Row> rows;
  private final String[] values;

  private CutLineage(JavaRDD<RatingBlock> blocks, Dataset<Row> rows, String[] values) {
    this.blocks = blocks;
    this.rows = rows;
    this.values = values;
  }

  /**
   * Copies {@code input}'s columns {@code ids[0]}, {@code ids[1]} (whole numbers within the int range, as ALS
   * requires) and {@code values} (numbers, none null), and returns them under the same names as int and float
   * columns.
   */
  static CutLineage of(Dataset<?> input, String[] ids, String[] values) {
    SparkSession spark = input.sparkSession();
    List<org.apache.spark.sql.Column> columns = new ArrayList<>();
    for (String name : ids) {
      columns.add(org.apache.spark.sql.functions.col(name));
    }
    for (String name : values) {
      columns.add(org.apache.spark.sql.functions.col(name).cast("double"));
    }
    String[] names = concat(ids, values);
    JavaRDD<RatingBlock> blocks = RatingBlock.copy(
        input.select(columns.toArray(org.apache.spark.sql.Column[]::new)).toDF(), names, values.length);
    blocks.count();
    Dataset<Row> rows = spark.createDataFrame(blocks.flatMap(RatingBlock::rows),
        RatingBlock.rowSchema(ids[0], ids[1], values));
    return new CutLineage(blocks, rows, values.clone());
  }

  /** The copied rows: the two id columns as ints, then the value columns as floats. */
  @Override
  public SparkSession spark() {
    return rows.sparkSession();
  }

  @Override
  public Dataset<Row> rows() {
    return rows;
  }

  @Override
  public JavaRDD<ALS.Rating<Object>> ratings(int valueIndex) {
    String column = values[valueIndex];
    return blocks.flatMap(block -> block.ratings(valueIndex, column));
  }

  @Override
  public void close() {
    blocks.unpersist(false);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
