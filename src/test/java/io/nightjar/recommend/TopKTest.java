package io.nightjar.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The bounded heap and the scoring kernel without Spark, against sorting everything. */
class TopKTest {
  @Test
  void keepsTheBestKWithTiesToTheLowerId() {
    TopK top = new TopK(3);
    float[] scores = {0.5f, 2f, 1f, 2f, Float.NaN, 1f, 3f, 2f};
    for (int i = 0; i < scores.length; i++) {
      top.offer(scores[i], i);
    }
    // 3 (id 6), then the three 2s by id: 1 and 3 kept, 7 out.
    assertArrayEquals(new int[] {6, 1, 3}, top.drainBestFirst());
    assertEquals(0, top.size());
  }

  @Test
  void theOrderOfOffersDoesNotMatter() {
    Random random = new Random(5);
    float[] scores = new float[500];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextInt(40); // many ties
    }
    int[] expected = IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(10).mapToInt(Integer::intValue).toArray();
    for (int trial = 0; trial < 5; trial++) {
      List<Integer> order = new ArrayList<>(IntStream.range(0, scores.length).boxed().toList());
      java.util.Collections.shuffle(order, random);
      TopK top = new TopK(10);
      order.forEach(i -> top.offer(scores[i], i));
      assertArrayEquals(expected, top.drainBestFirst());
    }
  }

  @Test
  void kMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TopK(0));
  }

  @Test
  void theKernelRanksByBiasPlusDotAndSkipsSeenItems() {
    // 5000 items (more than one chunk), rank 3, item id = 10 * position + 1.
    int n = 5000;
    Random random = new Random(9);
    List<Row> rows = new ArrayList<>();
    double[] bias = new double[n * 10 + 2];
    for (int j = 0; j < n; j++) {
      List<Float> f = List.of((float) random.nextGaussian(), (float) random.nextGaussian(),
          (float) random.nextGaussian());
      rows.add(new ListRow(10 * j + 1, f));
      bias[10 * j + 1] = random.nextGaussian();
    }
    ItemMatrix matrix = ItemMatrix.of(rows, 3, id -> bias[id]);
    float[] x = {0.3f, -1.2f, 0.7f};
    List<Integer> positions = new ArrayList<>(IntStream.range(0, n).boxed().toList());
    positions.sort(Comparator.<Integer>comparingDouble(j -> -matrix.score(j, x)).thenComparingInt(j -> j));
    // The user has seen the 1st, 2nd and 5th best items (unsorted, as collect_list gives them), and one far down.
    int[] seenIds = {10 * positions.get(4) + 1, 10 * positions.get(0) + 1, 10 * positions.get(4000) + 1,
        10 * positions.get(1) + 1};
    positions.removeIf(j -> IntStream.of(seenIds).anyMatch(id -> id == 10 * j + 1));
    BlockScorer.Kernel kernel = new BlockScorer.Kernel(matrix, 8);
    List<Row> out = new ArrayList<>();
    Row user = new ListRow("alice", List.of(x[0], x[1], x[2]), 3.5, List.of(seenIds[0], seenIds[1], seenIds[2], seenIds[3]));
    kernel.scoreBlock(List.of(user).iterator(), out);
    assertEquals(8, out.size());
    for (int r = 0; r < 8; r++) {
      int j = positions.get(r);
      assertEquals("alice", out.get(r).get(0));
      assertEquals(10 * j + 1, out.get(r).getInt(1));
      assertEquals(r + 1, out.get(r).getInt(2));
      assertEquals(3.5 + matrix.score(j, x), out.get(r).getDouble(3), 1e-9);
    }
    for (Row row : out) {
      int id = row.getInt(1);
      assertFalse(IntStream.of(seenIds).anyMatch(s -> s == id), "seen item " + id);
    }
  }

  /** A Row whose array fields are Java lists, as {@code Row.getList} reads them. */
  private static final class ListRow extends org.apache.spark.sql.catalyst.expressions.GenericRow {
    ListRow(Object... values) {
      super(wrap(values));
    }

    private static Object[] wrap(Object[] values) {
      Object[] wrapped = new Object[values.length];
      for (int i = 0; i < values.length; i++) {
        wrapped[i] = values[i] instanceof List<?> list
            ? scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq() : values[i];
      }
      return wrapped;
    }
  }
}
