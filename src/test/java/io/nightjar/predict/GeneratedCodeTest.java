package io.nightjar.predict;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.session.InterpretedMode;
import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class GeneratedCodeTest extends SparkTestBase {
  /** One column, {@code terms} terms added up pairwise: generated inline, one term after the other. */
  private static Dataset<Row> sumOf(int terms) {
    List<Column> sums = new ArrayList<>();
    for (int k = 0; k < terms; k++) {
      sums.add(col("x").multiply(lit(k + 0.5)).plus(col("id").cast("double").divide(lit(k + 1.5))));
    }
    while (sums.size() > 1) {
      List<Column> halved = new ArrayList<>();
      for (int i = 0; i < sums.size(); i += 2) {
        halved.add(i + 1 < sums.size() ? sums.get(i).plus(sums.get(i + 1)) : sums.get(i));
      }
      sums = halved;
    }
    return spark.range(0, 100, 1, 2).withColumn("x", col("id").multiply(lit(2.0))).select(sums.get(0).as("s"));
  }

  @Test
  void aSmallPassIsMeasuredAndCompilable() {
    OptionalInt bytes = GeneratedCode.largestMethodBytes(sumOf(2));
    assertTrue(bytes.isPresent());
    assertTrue(bytes.getAsInt() > 0 && bytes.getAsInt() < GeneratedCode.JIT_LIMIT, "bytes " + bytes);
    assertFalse(GeneratedCode.mayBeInterpreted(sumOf(2)));
  }

  @Test
  void theMeasureGrowsWithThePassAndAWideOneIsTooLargeForTheJit() {
    int small = GeneratedCode.largestMethodBytes(sumOf(2)).getAsInt();
    int medium = GeneratedCode.largestMethodBytes(sumOf(40)).getAsInt();
    OptionalInt large = GeneratedCode.largestMethodBytes(sumOf(400));
    assertTrue(medium > small, small + " then " + medium);
    assertTrue(large.isPresent() && large.getAsInt() > GeneratedCode.JIT_LIMIT, "bytes " + large);
    assertTrue(GeneratedCode.mayBeInterpreted(sumOf(400)));
    // The pass that was measured still runs and gives its rows.
    assertEquals(100, sumOf(400).count());
  }

  @Test
  void aPlanWithABroadcastJoinIsNotMeasuredAndMayBeInterpreted() throws Exception {
    Dataset<Row> left = spark.range(0, 100, 1, 2).withColumn("x", col("id").multiply(lit(2.0)));
    Dataset<Row> joined = left.join(broadcast(spark.range(0, 10).withColumnRenamed("id", "k")),
        col("id").equalTo(col("k")), "left");
    assertEquals(OptionalInt.empty(), GeneratedCode.largestMethodBytes(joined));
    assertTrue(GeneratedCode.mayBeInterpreted(joined));
    String adaptive = spark.conf().get("spark.sql.adaptive.enabled");
    try {
      spark.conf().set("spark.sql.adaptive.enabled", "false");
      Dataset<Row> planned = left.join(broadcast(spark.range(0, 10).withColumnRenamed("id", "k")),
          col("id").equalTo(col("k")), "left");
      int jobs = jobsDuring(() -> assertEquals(OptionalInt.empty(), GeneratedCode.largestMethodBytes(planned),
          "not without adaptive execution")).size();
      assertEquals(0, jobs, "the broadcast is not run to measure the code");
    } finally {
      spark.conf().set("spark.sql.adaptive.enabled", adaptive);
    }
  }

  @Test
  void withoutWholeStageCodeThereIsNothingToMeasureAndThePassMayBeInterpreted() {
    try (InterpretedMode mode = InterpretedMode.enter(spark)) {
      assertEquals(OptionalInt.empty(), GeneratedCode.largestMethodBytes(sumOf(2)));
      assertTrue(GeneratedCode.mayBeInterpreted(sumOf(2)));
    }
  }
}
