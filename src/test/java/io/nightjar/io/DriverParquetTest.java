package io.nightjar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverParquetTest extends SparkTestBase {
  private static final StructType TYPES = new StructType()
      .add("i", DataTypes.IntegerType, false)
      .add("l", DataTypes.LongType, true)
      .add("d", DataTypes.DoubleType, true)
      .add("f", DataTypes.FloatType, true)
      .add("s", DataTypes.StringType, true)
      .add("b", DataTypes.BooleanType, true)
      .add("sh", DataTypes.ShortType, true)
      .add("by", DataTypes.ByteType, true)
      .add("factors", DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add("maybe", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
      .add("labels", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.StringType, true), true), true)
      .add("pair", new StructType().add("a", DataTypes.IntegerType, true)
          .add("t", DataTypes.createArrayType(DataTypes.StringType, true), true), true);

  @TempDir
  Path dir;

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(1, 10L, 1.5, 2.5f, "a", true, (short) 3, (byte) 4, List.of(0.25f, -1f, 3f),
        Arrays.asList(1.0, null, Double.NaN), List.of(List.of("x", "y"), Arrays.asList("z", null)),
        RowFactory.create(7, List.of("p", "q"))));
    rows.add(RowFactory.create(2, null, null, null, null, null, null, null, null, null, null, null));
    rows.add(RowFactory.create(3, Long.MIN_VALUE, Double.NEGATIVE_INFINITY, Float.NaN, "é ünïcode", false,
        Short.MIN_VALUE, Byte.MAX_VALUE, List.of(), List.of(), List.of(List.of()), RowFactory.create(null, null)));
    for (int id = 4; id < 40; id++) {
      rows.add(RowFactory.create(id, (long) id * id, id / 7.0, id / 3f, "id" + id, id % 2 == 0, (short) id,
          (byte) id, List.of(id * 0.5f, id * -0.25f), List.of((double) id), List.of(List.of("l" + id)),
          RowFactory.create(id, List.of())));
    }
    return rows;
  }

  private String write(Dataset<Row> data, String name) {
    String path = dir.resolve(name).toString();
    data.write().parquet(path);
    return path;
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted(Comparator.naturalOrder()).toList();
  }

  @Test
  void readsWhatSparkReadsWithSparksSchema() {
    String path = write(spark.createDataFrame(rows(), TYPES).repartition(3), "table");
    Dataset<Row> theirs = spark.read().parquet(path);
    Dataset<Row>[] ours = new Dataset[1];
    assertEquals(List.of(), jobsDuring(() -> ours[0] = DriverParquet.read(spark,
        new org.apache.hadoop.fs.Path(path), new Configuration()).orElseThrow()), "a Spark job read the table");
    assertEquals(theirs.schema(), ours[0].schema());
    List<String> expected = sorted(theirs.collectAsList());
    assertEquals(39, expected.size());
    assertEquals(expected, sorted(ours[0].collectAsList()));
  }

  @Test
  void readsSparksLegacyListLayoutToo() {
    spark.conf().set("spark.sql.parquet.writeLegacyFormat", "true");
    String path;
    try {
      path = write(spark.createDataFrame(rows(), TYPES).coalesce(1), "legacy");
    } finally {
      spark.conf().unset("spark.sql.parquet.writeLegacyFormat");
    }
    Dataset<Row> ours = DriverParquet.read(spark, new org.apache.hadoop.fs.Path(path), new Configuration())
        .orElseThrow();
    assertEquals(sorted(spark.read().parquet(path).collectAsList()), sorted(ours.collectAsList()));
  }

  @Test
  void leavesToSparkWhatItDoesNotRead() {
    Configuration conf = new Configuration();
    Dataset<Row> small = spark.createDataFrame(rows(), TYPES).coalesce(1);
    // Over the size limit.
    org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path(write(small, "sized"));
    assertTrue(DriverParquet.rows(table, conf, 1_000_000).isPresent());
    assertEquals(Optional.empty(), DriverParquet.rows(table, conf, 100));
    // A type it does not convert: a map, a decimal, a date.
    for (String expression : List.of("map('k', i) AS m", "CAST(i AS DECIMAL(9,2)) AS dec", "current_date() AS day")) {
      org.apache.hadoop.fs.Path other = new org.apache.hadoop.fs.Path(write(small.selectExpr("i", expression),
          "type-" + expression.substring(expression.lastIndexOf(' ') + 1)));
      assertEquals(Optional.empty(), DriverParquet.rows(other, conf, DriverParquet.MAX_BYTES), expression);
    }
    // An ML vector: its stored row for the caller to build (rows), but no DataFrame of rows in place of vectors.
    org.apache.hadoop.fs.Path vectors = new org.apache.hadoop.fs.Path(dir.resolve("vectors").toString());
    spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1.0, 2.0))),
        new StructType().add("v", new VectorUDT())).write().parquet(vectors.toString());
    assertEquals(Optional.empty(), DriverParquet.read(spark, vectors, conf));
    Row stored = (Row) DriverParquet.rows(vectors, conf, DriverParquet.MAX_BYTES).orElseThrow().rows().get(0).get(0);
    assertEquals(List.of(1.0, 2.0), stored.get(3));
    // Partition directories; no such directory; files that record different schemas.
    org.apache.hadoop.fs.Path partitioned = new org.apache.hadoop.fs.Path(dir.resolve("partitioned").toString());
    small.write().partitionBy("b").parquet(partitioned.toString());
    assertEquals(Optional.empty(), DriverParquet.rows(partitioned, conf, DriverParquet.MAX_BYTES));
    assertEquals(Optional.empty(), DriverParquet.rows(new org.apache.hadoop.fs.Path(dir.resolve("none").toString()),
        conf, DriverParquet.MAX_BYTES));
    org.apache.hadoop.fs.Path mixed = new org.apache.hadoop.fs.Path(dir.resolve("mixed").toString());
    small.select("i").write().parquet(mixed.toString());
    small.select("i", "l").write().mode("append").parquet(mixed.toString());
    assertEquals(Optional.empty(), DriverParquet.rows(mixed, conf, DriverParquet.MAX_BYTES));
  }
}
