package io.nightjar.io;

import java.util.List;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Partitioned Parquet writes: {@link #write} replaces the partitions present in the data of an existing output
 * (per-write dynamic partition overwrite), {@link #writeNew} creates a new one.
 */
public final class PartitionedWriter {
  private PartitionedWriter() {}

  /**
   * Writes with per-write dynamic partition overwrite: the partitions present in the data are replaced, every other
   * partition under the output root stays as it was. A rerun of one date therefore replaces exactly that date, and
   * nothing else is touched.
   */
  public static void write(Dataset<Row> data, String outputPath, String partition) {
    data.write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(partition)
        .parquet(outputPath);
  }

  /**
   * Writes {@code data} partitioned by {@code partition} to {@code outputPath}, which must not exist yet. Columns in
   * {@code noDictionary} (continuous scores, where a dictionary never pays) are written without Parquet's dictionary
   * encoding, which would otherwise be tried on every page and then given up.
   */
  public static void writeNew(Dataset<Row> data, String outputPath, String partition, List<String> noDictionary) {
    DataFrameWriter<Row> writer = data.write().mode(SaveMode.ErrorIfExists).partitionBy(partition);
    for (String column : noDictionary) {
      // Parquet's per-column form of a writer setting, "<setting>#<column>".
      writer = writer.option("parquet.enable.dictionary#" + column, "false");
    }
    writer.parquet(outputPath);
  }
}
