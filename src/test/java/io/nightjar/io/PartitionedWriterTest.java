package io.nightjar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PartitionedWriter#writeNew}: the same rows and partitions as Spark's sorted write, with no sort. */
class PartitionedWriterTest extends SparkTestBase {
  @TempDir
  static Path dir;

  /** Peak execution memory of each task: a task that sorts its rows needs some, one that streams them none. */
  private static final List<Long> PEAK_MEMORY = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void listen() {
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd event) {
        if (event.taskMetrics() != null) {
          PEAK_MEMORY.add(event.taskMetrics().peakExecutionMemory());
        }
      }
    });
  }

  private static long peakMemoryDuring(Runnable work) {
    drain();
    PEAK_MEMORY.clear();
    work.run();
    drain();
    return PEAK_MEMORY.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  private static void drain() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows whose partition values interleave within each of the two tasks. */
  private static Dataset<Row> scores(int values) {
    return spark.sql("SELECT id, id * 1.37D + 0.001D * id * id AS prediction, CONCAT('v', id % 2) AS version,"
        + " CONCAT('2026-11-', LPAD(CAST(20 + id % " + values + " AS STRING), 2, '0')) AS ds"
        + " FROM range(0, 4000, 1, 2)");
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.select("id", "prediction", "version", "ds").orderBy("id").collectAsList();
  }

  @Test
  void writesWhatTheSortedWriteWritesWithoutSorting() throws IOException {
    Dataset<Row> data = scores(3);
    String sortedOut = dir.resolve("sorted").toString();
    long sortedPeak = peakMemoryDuring(() -> data.write().partitionBy("ds").parquet(sortedOut));
    assertTrue(sortedPeak > 0, "Spark's own partitioned write sorts, which takes execution memory");

    String out = dir.resolve("new").toString();
    long peak = peakMemoryDuring(() -> PartitionedWriter.writeNew(spark, data, out, "ds", List.of("prediction")));
    assertEquals(0, peak, "no task sorted its rows");
    Dataset<Row> written = spark.read().parquet(out);
    assertEquals(sorted(spark.read().parquet(sortedOut)), sorted(written));
    assertEquals(3, written.select("ds").distinct().count());
    try (Stream<Path> files = Files.walk(Path.of(out))) {
      List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
      assertEquals(6, parquet.size(), "one file per partition value per task: " + parquet);
      for (Path file : parquet) {
        assertFalse(dictionaryEncoded(file, "prediction"), "scores are written without a dictionary: " + file);
        assertTrue(dictionaryEncoded(file, "version"), "other columns keep Parquet's default: " + file);
      }
    }
    assertNull(spark.conf().get("spark.sql.maxConcurrentOutputFileWriters", null), "the session is as before");
    assertEquals("true", spark.conf().get("spark.sql.optimizer.plannedWrite.enabled"));
  }

  @Test
  void moreValuesThanOpenFilesAreSortedAndStillAllWritten() {
    int values = PartitionedWriter.OPEN_FILES_PER_TASK * 3;
    Dataset<Row> data = scores(values);
    String out = dir.resolve("many").toString();
    PartitionedWriter.writeNew(spark, data, out, "ds", List.of("prediction"));
    Dataset<Row> written = spark.read().parquet(out);
    assertEquals(sorted(data), sorted(written.withColumn("ds", written.col("ds").cast("string"))));
    assertEquals(values, written.select("ds").distinct().count());
  }

  private static boolean dictionaryEncoded(Path file, String column) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()), new Configuration()))) {
      for (ColumnChunkMetaData chunk : reader.getFooter().getBlocks().get(0).getColumns()) {
        if (chunk.getPath().toDotString().equals(column)) {
          return chunk.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
              || chunk.getEncodings().contains(Encoding.RLE_DICTIONARY);
        }
      }
    }
    throw new IllegalArgumentException("no column " + column + " in " + file);
  }
}
