package io.nightjar.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ModelException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The driver-side parts of the ALS scorer: lookup rows assembled from saved tables, and whole-number keys. */
class FactorScorerTest {
  private static Row factors(int id, Float... values) {
    return RowFactory.create(id, CollectionConverters.asScala(Arrays.asList(values)).toSeq());
  }

  @Test
  void eachLevelGetsItsBiasAndFactorsAndMissingOnesAreNull() {
    String[] levels = {"a", "b", "c"};
    List<Row> biases = List.of(RowFactory.create(0.0, 0.5), RowFactory.create(2.0, -0.25),
        RowFactory.create(5.0, 9.0), RowFactory.create(1.5, 9.0));
    List<Row> vectors = List.of(factors(1, 1f, 2f), factors(0, 3f, 4f), factors(7, 9f, 9f));
    List<Row> rows = FactorScorer.assemble(levels, biases, vectors, 2);
    assertEquals(3, rows.size());
    assertEquals(RowFactory.create("a", 0.5, true, 3f, 4f), rows.get(0));
    assertEquals(RowFactory.create("b", null, false, 1f, 2f), rows.get(1), "no bias: null, and not seen");
    assertEquals(RowFactory.create("c", -0.25, true, null, null), rows.get(2), "no factors: nulls");
  }

  @Test
  void aSavedTableWithAnIndexTwiceIsRefused() {
    String[] levels = {"a", "b"};
    ModelException bias = assertThrows(ModelException.class, () -> FactorScorer.assemble(levels,
        List.of(RowFactory.create(1.0, 0.5), RowFactory.create(1.0, 0.7)), List.of(), 1));
    assertTrue(bias.getMessage().contains("index 1 twice"), bias.getMessage());
    ModelException als = assertThrows(ModelException.class, () -> FactorScorer.assemble(levels, List.of(),
        List.of(factors(0, 1f), factors(0, 2f)), 1));
    assertTrue(als.getMessage().contains("id 0 twice"), als.getMessage());
  }

  @Test
  void onlyALevelThatIsExactlyANumbersStringIsKeyedByThatNumber() {
    assertEquals(7, FactorScorer.wholeNumber("7", DataTypes.IntegerType));
    assertEquals(-12L, FactorScorer.wholeNumber("-12", DataTypes.LongType));
    assertEquals((short) 300, FactorScorer.wholeNumber("300", DataTypes.ShortType));
    assertEquals((byte) -128, FactorScorer.wholeNumber("-128", DataTypes.ByteType));
    assertEquals(Long.MIN_VALUE, FactorScorer.wholeNumber("-9223372036854775808", DataTypes.LongType));
    assertEquals(2147483648L, FactorScorer.wholeNumber("2147483648", DataTypes.LongType));
    for (String label : new String[] {"007", "+7", " 7", "7 ", "-0", "7.0", "1e3", "", "u7", "9223372036854775808"}) {
      assertNull(FactorScorer.wholeNumber(label, DataTypes.LongType), label);
    }
    assertNull(FactorScorer.wholeNumber(null, DataTypes.IntegerType));
    assertNull(FactorScorer.wholeNumber("2147483648", DataTypes.IntegerType), "out of int range");
    assertNull(FactorScorer.wholeNumber("128", DataTypes.ByteType), "out of byte range");
    assertNull(FactorScorer.wholeNumber("40000", DataTypes.ShortType), "out of short range");
  }
}
