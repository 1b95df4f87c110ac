package io.nightjar.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes partitioned Parquet output with per-write dynamic partition overwrite: the partitions present in the data
 * are replaced, every other partition under the output root stays as it was. A rerun of one date therefore replaces
 * exactly that date, and nothing else is touched.
 */
public final class PartitionedWriter {
  private PartitionedWriter() {}

  public static void write(Dataset<Row> data, String outputPath, String partition) {
    data.write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(partition)
        .parquet(outputPath);
  }
}
