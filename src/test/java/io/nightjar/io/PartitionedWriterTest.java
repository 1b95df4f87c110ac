package io.nightjar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PartitionedWriter#writeNew}: the rows and partitions of Spark's own write, scores without a dictionary. */
class PartitionedWriterTest extends SparkTestBase {
  @TempDir
  static Path dir;

  /**
   * Rows whose partition values interleave within each of the two tasks. The predictions take few values, so that
   * Parquet's default would keep a dictionary for them.
   */
  private static Dataset<Row> scores(int values) {
    return spark.sql("SELECT id, (id % 7) * 1.37D AS prediction, CONCAT('v', id % 2) AS version,"
        + " CONCAT('2026-11-', LPAD(CAST(20 + id % " + values + " AS STRING), 2, '0')) AS ds"
        + " FROM range(0, 4000, 1, 2)");
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.select("id", "prediction", "version", "ds").orderBy("id").collectAsList();
  }

  @Test
  void writesWhatSparksWriteWritesWithoutADictionaryForScores() throws IOException {
    Dataset<Row> data = scores(3);
    String plainOut = dir.resolve("plain").toString();
    data.write().partitionBy("ds").parquet(plainOut);
    String out = dir.resolve("new").toString();
    PartitionedWriter.writeNew(data, out, "ds", List.of("prediction"));
    Dataset<Row> written = spark.read().parquet(out);
    assertEquals(sorted(spark.read().parquet(plainOut)), sorted(written));
    assertEquals(3, written.select("ds").distinct().count());
    try (Stream<Path> files = Files.walk(Path.of(out))) {
      List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
      assertFalse(parquet.isEmpty());
      for (Path file : parquet) {
        assertFalse(dictionaryEncoded(file, "prediction"), "scores are written without a dictionary: " + file);
        assertTrue(dictionaryEncoded(file, "version"), "other columns keep Parquet's default: " + file);
      }
    }
    try (Stream<Path> files = Files.walk(Path.of(plainOut))) {
      Path file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
      assertTrue(dictionaryEncoded(file, "prediction"), "Parquet's default keeps a dictionary here: " + file);
    }
  }

  @Test
  void anExistingOutputIsNeverOverwritten() {
    String out = dir.resolve("exists").toString();
    PartitionedWriter.writeNew(scores(2), out, "ds", List.of());
    assertThrows(Exception.class, () -> PartitionedWriter.writeNew(scores(2), out, "ds", List.of()));
    assertEquals(4000, spark.read().parquet(out).count());
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
