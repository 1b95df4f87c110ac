package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition's ratings as parallel primitive arrays: user and item indices (whole numbers within the int range)
 * and one or more float value columns. The bias fit scans it in every pass; {@link CutLineage} turns it back into
 * rows for ALS.
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
