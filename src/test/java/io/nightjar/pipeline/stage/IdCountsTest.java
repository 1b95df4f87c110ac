package io.nightjar.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdCountsTest {
  private static Map<Long, Long> asMap(IdCounts counts) {
    long[] ids = counts.ids();
    long[] values = counts.countsInIdOrder();
    assertEquals(ids.length, values.length);
    Map<Long, Long> out = new HashMap<>();
    for (int k = 0; k < ids.length; k++) {
      assertEquals(null, out.put(ids[k], values[k]), "id " + ids[k] + " listed twice");
    }
    return out;
  }

  @Test
  void smallIdsAreCountedInAnArrayAndMergeAsAHashMapWould() {
    Random random = new Random(3);
    Map<Long, Long> expected = new HashMap<>();
    IdCounts first = new IdCounts();
    IdCounts second = new IdCounts();
    for (int k = 0; k < 40_000; k++) {
      long id = k % 2 == 0 ? random.nextInt(50) : random.nextInt(5_000);
      expected.merge(id, 1L, Long::sum);
      (k % 3 == 0 ? first : second).add(id);
    }
    IdCounts merged = first.merge(second);
    assertTrue(merged.dense(), "every id is small");
    assertEquals(expected, asMap(merged));
  }

  @Test
  void aNegativeOrLargeIdMovesTheCountsToTheTableWithoutLosingAny() {
    for (long odd : new long[] {-1, IdCounts.DENSE_LIMIT, Long.MAX_VALUE, Long.MIN_VALUE}) {
      Map<Long, Long> expected = new HashMap<>();
      for (long id = 0; id < 3_000; id++) {
        expected.merge(id % 700, 1L, Long::sum);
        expected.merge(id % 900, 1L, Long::sum);
      }
      expected.merge(odd, 2L, Long::sum);
      IdCounts mixed = counted(900, odd);
      assertFalse(mixed.dense(), "id " + odd);
      assertEquals(expected, asMap(counted(700, null).merge(mixed)), "array then table, id " + odd);
      assertEquals(expected, asMap(counted(900, odd).merge(counted(700, null))), "table then array, id " + odd);
    }
  }

  /** Ids 0 to 2999 modulo {@code modulo}, then {@code odd} twice when given. */
  private static IdCounts counted(long modulo, Long odd) {
    IdCounts counts = new IdCounts();
    for (long id = 0; id < 3_000; id++) {
      counts.add(id % modulo);
    }
    if (odd != null) {
      counts.add(odd);
      counts.add(odd);
    }
    return counts;
  }

  @Test
  void theIndexOfSmallAndLargeIdsGivesEachItsPositionAndMinusOneToOthers() {
    long[][] cases = {{7, 0, 3, 12}, {7, -4, 3, Long.MAX_VALUE}, {IdCounts.DENSE_LIMIT - 1, 5}};
    for (long[] ids : cases) {
      IdIndex index = IdIndex.of(ids);
      for (int k = 0; k < ids.length; k++) {
        assertEquals(k, index.get(ids[k]), "id " + ids[k]);
      }
      for (long absent : new long[] {1, 13, -1, -5, 1L << 40, IdCounts.DENSE_LIMIT}) {
        assertEquals(-1, index.get(absent), "absent id " + absent);
      }
    }
  }
}
