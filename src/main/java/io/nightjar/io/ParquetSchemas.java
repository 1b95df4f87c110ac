package io.nightjar.io;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema a Parquet file records in its footer, read on the driver with no Spark job.
 *
 * <p>Spark writes its schema as JSON in the footer's key-value metadata, and when it infers the schema of a Parquet
 * dataset without merging it uses exactly that, from one file. Reading it here gives the same schema without the
 * small Spark job that inference runs (a noticeable share of a short run's start-up). A file written by another
 * tool has no such entry, and then Spark infers the schema as usual.
 */
final class ParquetSchemas {
  /** The footer key Spark stores its schema under (Spark's ParquetReadSupport.SPARK_METADATA_KEY). */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private ParquetSchemas() {}

  /**
   * The schema Spark recorded in {@code file}'s footer; empty when the file is not a Parquet file written by Spark
   * or cannot be read (Spark's own read then reports what is wrong).
   */
  static Optional<StructType> writtenBySpark(FileStatus file, Configuration conf) {
    if (!file.isFile()) {
      return Optional.empty();
    }
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
      String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
      if (json == null) {
        return Optional.empty();
      }
      return DataType.fromJson(json) instanceof StructType struct ? Optional.of(struct) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
