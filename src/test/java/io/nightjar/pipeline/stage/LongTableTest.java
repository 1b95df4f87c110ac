package io.nightjar.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongTableTest {
  @Test
  void survivesJavaSerializationAsSparkShipsIt() throws Exception {
    LongTable table = new LongTable();
    for (long key = -500; key < 500; key++) {
      table.add(key * 7919, key + 1000);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(table);
    }
    LongTable copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (LongTable) in.readObject();
    }
    assertEquals(1000, copy.size());
    for (long key = -500; key < 500; key++) {
      assertEquals(key + 1000, copy.get(key * 7919, Long.MIN_VALUE));
    }
  }

  @Test
  void countsLikeAHashMapThroughGrowthAndMerges() {
    Random random = new Random(11);
    Map<Long, Long> expected = new HashMap<>();
    LongTable first = new LongTable(4);
    LongTable second = new LongTable();
    for (int k = 0; k < 50_000; k++) {
      // Negative, huge and clustered keys, many repeated.
      long key = switch (k % 3) {
        case 0 -> random.nextInt(2_000) - 1_000;
        case 1 -> Long.MIN_VALUE + random.nextInt(50);
        default -> (long) random.nextInt(100) << 40;
      };
      expected.merge(key, 1L, Long::sum);
      (k % 2 == 0 ? first : second).add(key, 1);
    }
    LongTable merged = first.merge(second);
    assertEquals(expected.size(), merged.size());
    long[] keys = merged.keys();
    long[] values = merged.valuesInKeyOrder();
    assertEquals(expected.size(), keys.length);
    for (int k = 0; k < keys.length; k++) {
      assertEquals(expected.get(keys[k]), values[k], "count of " + keys[k]);
      assertEquals(expected.get(keys[k]), merged.get(keys[k], -1));
    }
    assertEquals(-1, merged.get(1_000_000L, -1), "an absent key gives the missing value");
  }
}
