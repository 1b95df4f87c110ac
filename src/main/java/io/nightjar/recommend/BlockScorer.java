package io.nightjar.recommend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The top-K kernel, run once per partition of users. Users are taken in blocks; for each block, the items are
 * scanned in chunks small enough to stay in the CPU cache while every user of the block is scored against them. A
 * user's scores for a chunk are {@code bias + sum_f x[f] * Y[f, chunk]}: {@code rank} vectorisable multiply-adds over
 * contiguous floats. Each user keeps a bounded heap ({@link TopK}); a score enters it only when it beats the heap's
 * worst, and only then is the user's sorted list of seen items searched. Nothing is shuffled: every user's full
 * top-K is final when the scan ends.
 *
 * <p>Input rows: {@code (key, factors array<float> or null, offset double, seen array<int> or null)}, where
 * {@code offset} is what the model adds to every item's score for this user (global mean plus user bias). A user
 * without factors is scored by the item biases alone; when the items have no bias either, the user gets nothing.
 * Output rows: {@code (key, item id int, rank int, prediction double)}, ranks 1..k, best first.
 */
final class BlockScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  /** Users scored together against one chunk of items. */
  static final int USER_BLOCK = 128;
  /** Items per chunk: {@code rank * 2048} floats of factors stay in a core's L2 cache while a block is scored. */
  static final int ITEM_CHUNK = 2048;

  private final Broadcast<ItemMatrix> items;
  private final int k;

  BlockScorer(Broadcast<ItemMatrix> items, int k) {
    this.items = items;
    this.k = k;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> users) {
    ItemMatrix matrix = items.value();
    return new Iterator<>() {
      private final Kernel kernel = new Kernel(matrix, k);
      private final List<Row> out = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= out.size()) {
          if (!users.hasNext()) {
            return false;
          }
          out.clear();
          next = 0;
          kernel.scoreBlock(users, out);
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  /** The per-task state: reused buffers for one block of users. */
  static final class Kernel {
    private final ItemMatrix m;
    private final int k;
    private final Object[] keys = new Object[USER_BLOCK];
    private final float[][] x = new float[USER_BLOCK][];
    private final double[] offsets = new double[USER_BLOCK];
    private final int[][] seen = new int[USER_BLOCK][];
    private final TopK[] heaps = new TopK[USER_BLOCK];
    private final float[] scores;

    Kernel(ItemMatrix m, int k) {
      this.m = m;
      this.k = k;
      for (int b = 0; b < USER_BLOCK; b++) {
        heaps[b] = new TopK(k);
      }
      scores = new float[Math.min(ITEM_CHUNK, Math.max(1, m.n))];
    }

    /** Reads up to one block of users and appends their recommendations to {@code out}. */
    void scoreBlock(Iterator<Row> users, List<Row> out) {
      int count = 0;
      while (count < USER_BLOCK && users.hasNext()) {
        Row row = users.next();
        float[] factors = row.isNullAt(1) ? null : floats(row.getList(1));
        if (factors == null && m.bias == null) {
          continue;
        }
        keys[count] = row.get(0);
        x[count] = factors;
        offsets[count] = row.isNullAt(2) ? 0.0 : row.getDouble(2);
        seen[count] = row.isNullAt(3) ? null : sortedInts(row.getList(3));
        heaps[count].clear();
        count++;
      }
      for (int start = 0; start < m.n; start += ITEM_CHUNK) {
        int end = Math.min(m.n, start + ITEM_CHUNK);
        for (int b = 0; b < count; b++) {
          scoreChunk(x[b], seen[b], heaps[b], start, end);
        }
      }
      for (int b = 0; b < count; b++) {
        int[] best = heaps[b].drainBestFirst();
        for (int r = 0; r < best.length; r++) {
          int j = best[r];
          out.add(RowFactory.create(keys[b], m.ids[j], r + 1, offsets[b] + m.score(j, x[b])));
        }
        keys[b] = null;
        x[b] = null;
        seen[b] = null;
      }
    }

    private void scoreChunk(float[] user, int[] userSeen, TopK heap, int start, int end) {
      int len = end - start;
      float[] s = scores;
      if (m.biasF != null) {
        System.arraycopy(m.biasF, start, s, 0, len);
      } else {
        java.util.Arrays.fill(s, 0, len, 0f);
      }
      if (user != null) {
        float[] y = m.factors;
        int n = m.n;
        for (int f = 0; f < m.rank; f++) {
          float xf = user[f];
          int base = f * n + start;
          for (int j = 0; j < len; j++) {
            s[j] += xf * y[base + j];
          }
        }
      }
      float threshold = heap.threshold();
      int[] ids = m.ids;
      for (int j = 0; j < len; j++) {
        float score = s[j];
        if (score >= threshold) {
          int position = start + j;
          if (userSeen != null && java.util.Arrays.binarySearch(userSeen, ids[position]) >= 0) {
            continue;
          }
          if (heap.accepts(score, position)) {
            heap.offer(score, position);
            threshold = heap.threshold();
          }
        }
      }
    }

    private float[] floats(List<Object> values) {
      float[] result = new float[values.size()];
      if (result.length != m.rank) {
        throw new IllegalStateException("a user has " + result.length + " factors, the items have " + m.rank);
      }
      for (int i = 0; i < result.length; i++) {
        result[i] = ((Number) values.get(i)).floatValue();
      }
      return result;
    }

    private static int[] sortedInts(List<Object> values) {
      int[] result = new int[values.size()];
      boolean sorted = true;
      for (int i = 0; i < result.length; i++) {
        result[i] = ((Number) values.get(i)).intValue();
        sorted &= i == 0 || result[i - 1] <= result[i];
      }
      if (!sorted) {
        java.util.Arrays.sort(result);
      }
      return result;
    }
  }
}
