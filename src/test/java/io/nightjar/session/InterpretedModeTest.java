package io.nightjar.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class InterpretedModeTest extends SparkTestBase {
  private static final String QUERY = "SELECT id % 7 AS k, SUM(id * 1.5D) AS s, MAX(CONCAT('x', id)) AS m"
      + " FROM range(0, 5000, 1, 2) WHERE id % 3 <> 1 GROUP BY id % 7 ORDER BY k";

  /** The plan as executed (after a collect: with adaptive execution, the final plan). */
  private static String plan(Dataset<Row> rows) {
    return rows.queryExecution().executedPlan().toString();
  }

  @Test
  void queriesRunInterpretedWithTheSameResultsAndTheSettingsComeBack() {
    spark.conf().set("spark.sql.codegen.wholeStage", "true");
    spark.conf().unset("spark.sql.codegen.factoryMode");
    Dataset<Row> compiled = spark.sql(QUERY);
    List<Row> expected = compiled.collectAsList();
    assertTrue(plan(compiled).contains("*("), "whole-stage code generation is on by default: " + plan(compiled));

    try (InterpretedMode mode = InterpretedMode.enter(spark)) {
      Dataset<Row> interpreted = spark.sql(QUERY);
      assertEquals(expected, interpreted.collectAsList());
      assertFalse(plan(interpreted).contains("*("), "no whole-stage code generation: " + plan(interpreted));
      assertEquals("NO_CODEGEN", spark.conf().get("spark.sql.codegen.factoryMode"));
      mode.close();
      mode.close(); // closing twice is harmless
      assertEquals("true", spark.conf().get("spark.sql.codegen.wholeStage"));
      assertNull(spark.conf().get("spark.sql.codegen.factoryMode", null), "an unset setting is unset again");
    }
    Dataset<Row> again = spark.sql(QUERY);
    assertEquals(expected, again.collectAsList());
    assertTrue(plan(again).contains("*("), "code generation is back: " + plan(again));
  }
}
