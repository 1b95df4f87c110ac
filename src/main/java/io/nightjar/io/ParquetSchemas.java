package io.nightjar.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
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
public final class ParquetSchemas {
  /** The footer key Spark stores its schema under (Spark's ParquetReadSupport.SPARK_METADATA_KEY). */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private ParquetSchemas() {}

  /**
   * The schema Spark would infer for the Parquet dataset Spark wrote under {@code dir} (no partition directories, no
   * schema merging): the one recorded in the footer of its first data file by path, the file Spark's inference reads.
   * Empty when there is no such file or its footer records no Spark schema; Spark's own inference then runs.
   */
  public static Optional<StructType> ofDataset(Path dir, Configuration conf) {
    try {
      return Arrays.stream(dir.getFileSystem(conf).listStatus(dir))
          .filter(s -> s.isFile() && !s.getPath().getName().startsWith("_") && !s.getPath().getName().startsWith("."))
          .min(Comparator.comparing(s -> s.getPath().toString()))
          .flatMap(first -> writtenBySpark(first, conf));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * The schema Spark recorded in {@code file}'s footer; empty when the file is not a Parquet file written by Spark
   * or cannot be read (Spark's own read then reports what is wrong).
   */
  static Optional<StructType> writtenBySpark(FileStatus file, Configuration conf) {
    if (!file.isFile()) {
      return Optional.empty();
    }
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
      return recorded(reader.getFooter().getFileMetaData());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The Spark schema a footer's key-value metadata records; empty when it records none, or none that parses. */
  static Optional<StructType> recorded(FileMetaData footer) {
    String json = footer.getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return DataType.fromJson(json) instanceof StructType struct ? Optional.of(struct) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
