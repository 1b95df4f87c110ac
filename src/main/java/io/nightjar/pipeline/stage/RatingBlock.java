package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALS$Rating$mcI$sp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

/**
 * One partition's ratings as parallel primitive arrays: user and item indices (whole numbers within the int range)
 * and one or more float value columns. The bias fit scans it in every pass; ALS reads its entries as ratings
 * ({@link #ratings}, {@link #residualRatings}).
 */
final class RatingBlock implements Serializable {
  private static final long serialVersionUID = 1L;
  final int size;
  final int[] users;
  final int[] items;
  final float[][] values;

  private RatingBlock(int size, int[] users, int[] items, float[][] values) {
    this.size = size;
    this.users = users;
    this.items = items;
    this.values = values;
  }

  /**
   * {@code rows} (two id columns, then {@code valueCount} double columns, named {@code names} in errors) copied into
   * one block per partition, kept in memory or on disk, and checkpointed when the session has a checkpoint
   * directory: once the first job has run, tasks reading the blocks no longer carry the lineage of {@code rows}.
   */
  static JavaRDD<RatingBlock> copy(Dataset<Row> rows, String[] names, int valueCount) {
    return keep(rows.javaRDD().mapPartitions(partition -> List.of(of(partition, names, valueCount)).iterator()));
  }

  /**
   * {@code blocks} kept in memory or on disk, and marked for a checkpoint when the session has a checkpoint
   * directory (written by the first job that reads them).
   */
  static JavaRDD<RatingBlock> keep(JavaRDD<RatingBlock> blocks) {
    JavaRDD<RatingBlock> kept = blocks.persist(StorageLevel.MEMORY_AND_DISK());
    if (kept.context().getCheckpointDir().isDefined()) {
      kept.checkpoint();
    }
    return kept;
  }

  /** Deletes the blocks' checkpoint files, if they were checkpointed; a failure leaves them to the run's clean-up. */
  static void deleteCheckpoint(JavaRDD<RatingBlock> blocks) {
    org.apache.spark.api.java.Optional<String> file = blocks.getCheckpointFile();
    if (file.isPresent()) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.get());
      try {
        path.getFileSystem(blocks.context().hadoopConfiguration()).delete(path, true);
      } catch (java.io.IOException e) {
        // Left for the run's checkpoint directory clean-up.
      }
    }
  }

  /** A block of the given arrays, {@code size} entries each. */
  static RatingBlock of(int size, int[] users, int[] items, float[][] values) {
    return new RatingBlock(size, users, items, values);
  }

  static RatingBlock of(Iterator<Row> rows, String[] names, int valueCount) {
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
      users[size] = index(row, 0, names[0]);
      items[size] = index(row, 1, names[1]);
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
    return new RatingBlock(size, Arrays.copyOf(users, size), Arrays.copyOf(items, size), trimmed);
  }

  /** The schema of the blocks' entries as rows: the two ids as ints, then the value columns as floats. */
  static org.apache.spark.sql.types.StructType rowSchema(String user, String item, String[] values) {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add(user, org.apache.spark.sql.types.DataTypes.IntegerType, false)
        .add(item, org.apache.spark.sql.types.DataTypes.IntegerType, false);
    for (String name : values) {
      schema = schema.add(name, org.apache.spark.sql.types.DataTypes.FloatType, false);
    }
    return schema;
  }

  Iterator<Row> rows() {
    return each(k -> {
      Object[] fields = new Object[2 + values.length];
      fields[0] = users[k];
      fields[1] = items[k];
      for (int v = 0; v < values.length; v++) {
        fields[2 + v] = values[v][k];
      }
      return RowFactory.create(fields);
    });
  }

  /**
   * The block's rows with the residual from a baseline instead of the rating: user, item, {@code rating - baseline}
   * as float, where {@code baseline = (mean + userBias[user]) + itemBias[item]} (the sum {@link BiasModel} forms);
   * with {@code offsets}, then the rating and the baseline's two sides, {@code mean + userBias[user]} and
   * {@code itemBias[item]}, as floats.
   */
  Iterator<Row> residualRows(double mean, double[] userBias, double[] itemBias, boolean offsets) {
    return each(k -> {
      int user = users[k];
      int item = items[k];
      float rating = values[0][k];
      double userOffset = mean + userBias[user];
      double itemOffset = itemBias[item];
      float residual = residual(rating, userOffset, itemOffset);
      return offsets
          ? RowFactory.create(user, item, residual, rating, (float) userOffset, (float) itemOffset)
          : RowFactory.create(user, item, residual);
    });
  }

  /**
   * The block's entries as ALS ratings, value column {@code valueIndex} as the rating.
   *
   * @throws IllegalArgumentException (when iterated) at a NaN rating, named {@code column}
   */
  Iterator<ALS.Rating<Object>> ratings(int valueIndex, String column) {
    float[] ratings = values[valueIndex];
    return each(k -> rating(users[k], items[k], ratings[k], column));
  }

  /**
   * The block's entries as ALS ratings of the residual from the baseline, as {@link #residualRows} computes it.
   *
   * @throws IllegalArgumentException (when iterated) at a NaN residual, named {@code column}
   */
  Iterator<ALS.Rating<Object>> residualRatings(double mean, double[] userBias, double[] itemBias, String column) {
    return each(k -> rating(users[k], items[k],
        residual(values[0][k], mean + userBias[users[k]], itemBias[items[k]]), column));
  }

  private static float residual(float rating, double userOffset, double itemOffset) {
    return (float) (rating - (userOffset + itemOffset));
  }

  private static ALS.Rating<Object> rating(int user, int item, float rating, String column) {
    if (Float.isNaN(rating)) {
      throw new IllegalArgumentException("Column '" + column + "' holds NaN for user index " + user + " and item "
          + "index " + item + "; ALS needs a number in every row: drop or fill NaN ratings");
    }
    return new ALS$Rating$mcI$sp(user, item, rating);
  }

  /** The block's entries in order, each made an element by {@code element}. */
  private <T> Iterator<T> each(java.util.function.IntFunction<T> element) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public T next() {
        if (next >= size) {
          throw new java.util.NoSuchElementException();
        }
        return element.apply(next++);
      }
    };
  }

  /** Whole-number index of an id column, checked. */
  static int index(Row row, int field, String column) {
    Object value = row.get(field);
    double number = ((Number) value).doubleValue();
    if (!(number >= 0 && number < Integer.MAX_VALUE) || number != Math.rint(number)) {
      throw new IllegalArgumentException("Column '" + column + "' holds " + value + ", which is not an index (a whole "
          + "number from 0 to " + (Integer.MAX_VALUE - 1) + "); index the ids first (StringIndexer)");
    }
    return (int) number;
  }
}
