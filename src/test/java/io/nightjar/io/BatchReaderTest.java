package io.nightjar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.spec.InputSpec;
import io.nightjar.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchReader} reads a Spark-written batch with the schema from one file's footer, with no Spark job, and
 * gets exactly what Spark's own inference gives; other writers' files and merged schemas still go through Spark.
 */
class BatchReaderTest extends SparkTestBase {
  @TempDir
  static Path dir;

  private static InputSpec input(Path root, Map<String, String> options) {
    return new InputSpec(root.toString(), "parquet", options, null);
  }

  /** What Spark itself reads, with its own schema inference; the partition column cast to a string if asked. */
  private static Dataset<Row> sparkRead(Path root, List<String> values, boolean partitionAsString) {
    String[] dirs = values.stream().map(v -> root.resolve("ds=" + v).toString()).toArray(String[]::new);
    Dataset<Row> rows = spark.read().option("basePath", root.toString()).parquet(dirs);
    return partitionAsString ? rows.withColumn("ds", rows.col("ds").cast("string")) : rows;
  }

  @Test
  void aSparkWrittenBatchIsReadWithItsFooterSchemaAndNoJob() {
    Path root = dir.resolve("typed");
    spark.sql("SELECT id, CAST(id AS INT) AS i, id * 0.5D AS d, CAST(id * 0.25 AS DECIMAL(12, 3)) AS dec,"
        + " CONCAT('u', id) AS s, IF(id % 3 = 0, NULL, id) AS maybe, DATE'2026-01-01' + CAST(id AS INT) AS day,"
        + " TIMESTAMP'2026-01-01 10:00:00' AS ts, ARRAY(id, id + 1) AS arr, NAMED_STRUCT('a', id, 'b', 'x') AS st,"
        + " IF(id < 5, '2026-11-20', '2026-11-21') AS ds FROM range(10)")
        .write().partitionBy("ds").parquet(root.toString());
    List<String> values = List.of("2026-11-20", "2026-11-21");
    Dataset<Row>[] read = new Dataset[1];
    int jobs = jobsDuring(() -> read[0] = BatchReader.read(spark, input(root, Map.of()), "ds", values).data())
        .size();
    assertEquals(0, jobs, "the schema comes from a footer read on the driver");
    // ISO dates: the partition column is the date Spark infers, with no cast.
    Dataset<Row> expected = sparkRead(root, values, false);
    assertEquals(expected.schema(), read[0].schema());
    assertEquals(expected.orderBy("id").collectAsList(), read[0].orderBy("id").collectAsList());
  }

  @Test
  void partitionValuesThatAreNotIsoDatesComeBackAsTheDirectoryNames() {
    Path root = dir.resolve("odd");
    List<String> values = List.of("2026-11-20", "20261121", "2026-11-22T00");
    for (String value : values) {
      spark.sql("SELECT id FROM range(2)").write().parquet(root.resolve("ds=" + value).toString());
    }
    Dataset<Row> read = BatchReader.read(spark, input(root, Map.of()), "ds", values).data();
    assertEquals("string", read.schema().apply("ds").dataType().typeName());
    assertEquals(values.stream().sorted().toList(), read.select("ds").distinct().orderBy("ds").collectAsList()
        .stream().map(r -> r.getString(0)).toList());
    assertTrue(BatchReader.isIsoDate("2026-11-20"));
    assertTrue(!BatchReader.isIsoDate("2026-1-5") && !BatchReader.isIsoDate("20261120"));
  }

  @Test
  void aFileWithoutSparksSchemaIsInferredBySpark() throws Exception {
    Path root = dir.resolve("foreign");
    MessageType type = MessageTypeParser.parseMessageType(
        "message row { required int64 user; optional binary name (STRING); optional double score; }");
    Configuration conf = new Configuration();
    try (ParquetWriter<Group> writer = ExampleParquetWriter
        .builder(new org.apache.hadoop.fs.Path(root.resolve("ds=2026-11-20/part-0.parquet").toString()))
        .withType(type).withConf(conf).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(type);
      for (int k = 0; k < 3; k++) {
        writer.write(groups.newGroup().append("user", (long) k).append("name", "n" + k).append("score", k * 1.5));
      }
    }
    assertTrue(ParquetSchemas.writtenBySpark(
        org.apache.hadoop.fs.FileSystem.getLocal(conf).getFileStatus(
            new org.apache.hadoop.fs.Path(root.resolve("ds=2026-11-20/part-0.parquet").toString())), conf).isEmpty(),
        "a file from another writer records no Spark schema");
    List<String> values = List.of("2026-11-20");
    Dataset<Row> read = BatchReader.read(spark, input(root, Map.of()), "ds", values).data();
    Dataset<Row> expected = sparkRead(root, values, true);
    assertEquals(expected.schema(), read.schema());
    assertEquals(expected.orderBy("user").collectAsList(), read.orderBy("user").collectAsList());
  }

  @Test
  void mergedSchemasAreLeftToSpark() {
    Path root = dir.resolve("merged");
    spark.sql("SELECT id AS a FROM range(3)").write().parquet(root.resolve("ds=2026-11-20").toString());
    spark.sql("SELECT id AS a, id * 2 AS b FROM range(3)").write().parquet(root.resolve("ds=2026-11-21").toString());
    List<String> values = List.of("2026-11-20", "2026-11-21");
    StructType merged = BatchReader.read(spark, input(root, Map.of("mergeSchema", "true")), "ds", values).data()
        .schema();
    assertEquals(List.of("a", "b", "ds"), List.of(merged.fieldNames()), "the merged schema has every file's columns");
  }
}
