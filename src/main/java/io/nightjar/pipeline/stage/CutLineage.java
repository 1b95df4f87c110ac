package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * ALS's input with a lineage of its own: the rows copied once into compact per-partition arrays (two whole-number
 * id columns, then float columns), kept in memory or on disk, and checkpointed when the session has a checkpoint
 * directory. Without it every task of every ALS iteration would carry the input's whole lineage, the id indexer's
 * label maps included (5.7 MiB per task at 20M ratings; see BENCHMARKS.md). {@link #close()} releases the copy
 * from memory; its checkpoint files stay until the run's checkpoint directory is removed, so that factors lost with
 * an executor can still be recomputed from them.
 */
final class CutLineage implements AutoCloseable {
  private final JavaRDD<Block> blocks;
  private final Dataset<Row> rows;

  private CutLineage(JavaRDD<Block> blocks, Dataset<Row> rows) {
    this.blocks = blocks;
    this.rows = rows;
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
    JavaRDD<Block> blocks = input.select(columns.toArray(org.apache.spark.sql.Column[]::new)).toDF().javaRDD()
        .mapPartitions(rows -> List.of(Block.of(rows, names, values.length)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    if (spark.sparkContext().getCheckpointDir().isDefined()) {
      blocks.checkpoint();
    }
    blocks.count();
    StructType schema = new StructType()
        .add(ids[0], DataTypes.IntegerType, false)
        .add(ids[1], DataTypes.IntegerType, false);
    for (String name : values) {
      schema = schema.add(name, DataTypes.FloatType, false);
    }
    Dataset<Row> rows = spark.createDataFrame(blocks.flatMap(Block::rows), schema);
    return new CutLineage(blocks, rows);
  }

  /** The copied rows: the two id columns as ints, then the value columns as floats. */
  Dataset<Row> rows() {
    return rows;
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

  /** One partition's rows as parallel primitive arrays. */
  static final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    final int size;
    final int[] users;
    final int[] items;
    final float[][] values;

    private Block(int size, int[] users, int[] items, float[][] values) {
      this.size = size;
      this.users = users;
      this.items = items;
      this.values = values;
    }

    static Block of(Iterator<Row> rows, String[] names, int valueCount) {
      int[] users = new int[1024];
      int[] items = new int[1024];
      float[][] values = new float[valueCount][1024];
      int size = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        if (size == users.length) {
          users = Arrays.copyOf(users, size * 2);
          items = Arrays.copyOf(items, size * 2);
          for (int v = 0; v < valueCount; v++) {
            values[v] = Arrays.copyOf(values[v], size * 2);
          }
        }
        for (int field = 0; field < 2; field++) {
          if (row.isNullAt(field)) {
            throw new IllegalArgumentException("Column '" + names[field] + "' holds a null id; ALS needs every id");
          }
        }
        users[size] = BiasEstimator.index(row, 0, names[0]);
        items[size] = BiasEstimator.index(row, 1, names[1]);
        for (int v = 0; v < valueCount; v++) {
          if (row.isNullAt(2 + v)) {
            throw new IllegalArgumentException("Column '" + names[2 + v] + "' holds a null; ALS needs a number in "
                + "every row");
          }
          values[v][size] = (float) row.getDouble(2 + v);
        }
        size++;
      }
      float[][] trimmed = new float[valueCount][];
      for (int v = 0; v < valueCount; v++) {
        trimmed[v] = Arrays.copyOf(values[v], size);
      }
      return new Block(size, Arrays.copyOf(users, size), Arrays.copyOf(items, size), trimmed);
    }

    Iterator<Row> rows() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Row next() {
          Object[] fields = new Object[2 + values.length];
          fields[0] = users[next];
          fields[1] = items[next];
          for (int v = 0; v < values.length; v++) {
            fields[2 + v] = values[v][next];
          }
          next++;
          return RowFactory.create(fields);
        }
      };
    }
  }
}
