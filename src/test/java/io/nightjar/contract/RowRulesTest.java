package io.nightjar.contract;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowRulesTest extends SparkTestBase {
  @Test
  void anyFailsIsTrueExactlyWhereThereIsAReason() {
    Double[] values = {null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -3.5, 1e308};
    String[] ids = {null, "a"};
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      for (Double x : values) {
        for (Double y : values) {
          rows.add(RowFactory.create(id, x, y));
        }
      }
    }
    Dataset<Row> data = spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType));
    RowRules predict = new RowRules().requirePresent("id").rejectInfinite("x");
    RowRules train = new RowRules().requirePresent("id").requireFinite("y").rejectInfinite("x");
    for (RowRules rules : List.of(predict, train)) {
      List<Row> checked = data.select(rules.reason().isNotNull(), rules.anyFails(), col("id"), col("x"), col("y"))
          .collectAsList();
      assertEquals(rows.size(), checked.size());
      int failing = 0;
      for (Row row : checked) {
        assertEquals(row.getBoolean(0), row.getBoolean(1), "row " + row);
        failing += row.getBoolean(1) ? 1 : 0;
      }
      // Never all or none: the rows mix passing and failing values.
      org.junit.jupiter.api.Assertions.assertTrue(failing > 0 && failing < rows.size(), "failing " + failing);
    }
  }

  @Test
  void hundredsOfColumnsAreCheckedWithoutOverflowingTheStack() {
    int width = 600;
    StructType schema = new StructType();
    RowRules rules = new RowRules();
    for (int c = 0; c < width; c++) {
      schema = schema.add("c" + c, DataTypes.DoubleType);
      rules.rejectInfinite("c" + c);
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      Object[] values = new Object[width];
      java.util.Arrays.fill(values, 1.0);
      rows.add(RowFactory.create(values));
    }
    Object[] last = new Object[width];
    java.util.Arrays.fill(last, 2.0);
    last[width - 1] = Double.NEGATIVE_INFINITY;
    rows.set(3, RowFactory.create(last));
    Dataset<Row> data = spark.createDataFrame(rows, schema);
    List<Row> failing = data.where(rules.anyFails()).select(rules.reason()).collectAsList();
    assertEquals(1, failing.size());
    assertEquals("infinite_c" + (width - 1), failing.get(0).getString(0));
  }
}
