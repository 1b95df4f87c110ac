package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;

/**
 * An ALS job's training ratings with whole-number ids, read <b>once</b>: copied into primitive arrays per partition,
 * the ids counted in memory, labelled as {@code StringIndexer} labels them ({@code frequencyDesc}: the id's decimal
 * string, most frequent first, ties by label) and indexed in memory into the compact copy the bias fit and ALS read
 * ({@link ResidualFit}). Counting with Spark SQL and indexing by a join would read the input three times (a count
 * per id column, then the copy).
 *
 * <p>The copy of the indexed ratings is kept in memory (or on disk) until the fit releases it, and not checkpointed:
 * its lineage is two narrow steps from the input read, and its tasks carry only broadcast handles of the label
 * tables, so a lost partition is recomputed from the input as plain ALS would recompute it, and writing the copy out
 * and reading it back would cost a pass of each for nothing. The raw copy is released as soon as it is indexed.
 */
public final class IndexedRatings {
  private final String[][] labels;
  private final JavaRDD<RatingBlock> blocks;

  private IndexedRatings(String[][] labels, JavaRDD<RatingBlock> blocks) {
    this.labels = labels;
    this.blocks = blocks;
  }

  /**
   * Reads {@code training}'s columns {@code user} and {@code item} (whole numbers of any width) and {@code rating}
   * (a number). Empty when a row holds a null in any of the three: such rows need the indexer's spare index, and the
   * caller indexes them the general way (the train verb's input rules reject them before this point).
   */
  public static Optional<IndexedRatings> of(Dataset<Row> training, String user, String item, String rating) {
    SparkSession spark = training.sparkSession();
    String[] names = {user, item, rating};
    JavaRDD<RawBlock> raw = training
        .select(col(quoted(user)).cast("long"), col(quoted(item)).cast("long"), col(quoted(rating)).cast("double"))
        // Spark's own rows, read field by field as they stream by: no Row object made per rating.
        .queryExecution().toRdd().toJavaRDD()
        .mapPartitions(rows -> List.of(RawBlock.of(rows)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // treeAggregate, not treeReduce: an input without partitions gives empty counts rather than an error.
      Counts counts = raw.treeAggregate(new Counts(), Counts::add, Counts::merge);
      if (counts.nulls > 0) {
        return Optional.empty();
      }
      String[] userLabels = labels(counts.users);
      String[] itemLabels = labels(counts.items);
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<IdIndex> userIndex = sc.broadcast(indexOf(userLabels));
      Broadcast<IdIndex> itemIndex = sc.broadcast(indexOf(itemLabels));
      JavaRDD<RatingBlock> blocks = raw.map(block -> block.indexed(userIndex.value(), itemIndex.value(), names))
          .persist(StorageLevel.MEMORY_AND_DISK());
      blocks.count();
      return Optional.of(new IndexedRatings(new String[][] {userLabels, itemLabels}, blocks));
    } finally {
      raw.unpersist(false);
    }
  }

  /** The labels of the user ids, then of the item ids, in index order (as {@code StringIndexerModel} holds them). */
  public String[][] labels() {
    return new String[][] {labels[0].clone(), labels[1].clone()};
  }

  JavaRDD<RatingBlock> blocks() {
    return blocks;
  }

  /** The distinct ids as labels, most frequent first, ties by label. */
  private static String[] labels(IdCounts counts) {
    long[] ids = counts.ids();
    long[] frequencies = counts.countsInIdOrder();
    String[] text = new String[ids.length];
    Integer[] order = new Integer[ids.length];
    for (int k = 0; k < ids.length; k++) {
      text[k] = Long.toString(ids[k]);
      order[k] = k;
    }
    Arrays.sort(order, Comparator.<Integer>comparingLong(k -> -frequencies[k]).thenComparing(k -> text[k]));
    String[] labels = new String[ids.length];
    for (int index = 0; index < ids.length; index++) {
      labels[index] = text[order[index]];
    }
    return labels;
  }

  private static IdIndex indexOf(String[] labels) {
    long[] ids = new long[labels.length];
    for (int k = 0; k < labels.length; k++) {
      ids[k] = Long.parseLong(labels[k]);
    }
    return IdIndex.of(ids);
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** One partition's raw rows: ids as longs, ratings as floats, and how many rows held a null. */
  static final class RawBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    final int size;
    final long[] users;
    final long[] items;
    final float[] ratings;
    final long nulls;

    private RawBlock(int size, long[] users, long[] items, float[] ratings, long nulls) {
      this.size = size;
      this.users = users;
      this.items = items;
      this.ratings = ratings;
      this.nulls = nulls;
    }

    /** The rows (long, long, double), each read before the next is asked for (Spark may reuse the object). */
    static RawBlock of(Iterator<InternalRow> rows) {
      long[] users = new long[1024];
      long[] items = new long[1024];
      float[] ratings = new float[1024];
      int size = 0;
      long nulls = 0;
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        if (row.isNullAt(0) || row.isNullAt(1) || row.isNullAt(2)) {
          nulls++;
          continue;
        }
        if (size == users.length) {
          users = Arrays.copyOf(users, size * 2);
          items = Arrays.copyOf(items, size * 2);
          ratings = Arrays.copyOf(ratings, size * 2);
        }
        users[size] = row.getLong(0);
        items[size] = row.getLong(1);
        ratings[size] = (float) row.getDouble(2);
        size++;
      }
      return new RawBlock(size, Arrays.copyOf(users, size), Arrays.copyOf(items, size), Arrays.copyOf(ratings, size),
          nulls);
    }

    RatingBlock indexed(IdIndex userIndex, IdIndex itemIndex, String[] names) {
      int[] userIndices = new int[size];
      int[] itemIndices = new int[size];
      for (int k = 0; k < size; k++) {
        userIndices[k] = userIndex.get(users[k]);
        itemIndices[k] = itemIndex.get(items[k]);
        if (userIndices[k] < 0 || itemIndices[k] < 0) {
          throw new IllegalStateException("id " + (userIndices[k] < 0 ? users[k] + " of column '" + names[0]
              : items[k] + " of column '" + names[1]) + "' was not counted; the input changed while it was read");
        }
      }
      return RatingBlock.of(size, userIndices, itemIndices, new float[][] {ratings});
    }
  }

  /** The ids' counts over some blocks, and their rows with a null. */
  static final class Counts implements Serializable {
    private static final long serialVersionUID = 1L;
    final IdCounts users = new IdCounts();
    final IdCounts items = new IdCounts();
    long nulls;

    /** Counts the ids of {@code block} in; returns this. */
    Counts add(RawBlock block) {
      for (int k = 0; k < block.size; k++) {
        users.add(block.users[k]);
        items.add(block.items[k]);
      }
      nulls += block.nulls;
      return this;
    }

    Counts merge(Counts other) {
      users.merge(other.users);
      items.merge(other.items);
      nulls += other.nulls;
      return this;
    }
  }
}
