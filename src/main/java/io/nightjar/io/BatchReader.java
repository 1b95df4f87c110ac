package io.nightjar.io;

import io.nightjar.error.InputDataException;
import io.nightjar.run.Redaction;
import io.nightjar.spec.InputSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a Hive-style partitioned batch ({@code <root>/<partition>=YYYY-MM-DD/...}): one date, or every partition.
 *
 * <p>The partition column comes back typed so that the output is partitioned by exactly the same directory names: a
 * date when every value is an ISO date as written, else a string holding the directory's value.
 */
public final class BatchReader {
  private BatchReader() {}

  /**
   * The partition values to score: {@code runDate} alone (which must exist), or every partition under the root.
   */
  public static List<String> partitionsToScore(SparkSession spark, InputSpec input, String partition,
      Optional<LocalDate> runDate) {
    Configuration conf = HadoopPaths.conf(spark);
    Path root = new Path(input.path());
    if (!HadoopPaths.exists(root, conf)) {
      throw new InputDataException(String.format(
          "batch root %s does not exist; check predict.input.path in the job spec", Redaction.path(root.toString())));
    }
    List<String> present = listPartitions(root, partition, conf);
    if (runDate.isPresent()) {
      if (!present.contains(runDate.get().toString())) {
        throw new InputDataException(String.format(
            "no partition %s=%s under %s (partitions present: %s); check --run-date or wait for the upstream data",
            partition, runDate.get(), Redaction.path(root.toString()), describe(present)));
      }
      return List.of(runDate.get().toString());
    }
    if (present.isEmpty()) {
      throw new InputDataException(String.format(
          "no %s=... partition directories under %s; predict reads Hive-style partitioned batches", partition,
          Redaction.path(root.toString())));
    }
    return present;
  }

  /**
   * Reads the given partitions. A partition directory holding no data file is an empty partition, reported apart:
   * Spark cannot read a schema from nothing, and it is a clean (empty) run, not an error.
   */
  public static BatchInput read(SparkSession spark, InputSpec input, String partition, List<String> values) {
    Configuration conf = HadoopPaths.conf(spark);
    Path root = new Path(input.path());
    List<String> withData = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    Optional<FileStatus> firstFile = Optional.empty();
    long bytes = 0;
    for (String value : values) {
      Listing listing = list(new Path(root, partition + "=" + value), conf);
      (listing.first().isPresent() ? withData : empty).add(value);
      firstFile = firstFile.isPresent() ? firstFile : listing.first();
      bytes += listing.bytes();
    }
    if (withData.isEmpty()) {
      return new BatchInput(null, withData, empty, 0);
    }
    String[] dirs = withData.stream().map(v -> new Path(root, partition + "=" + v).toString()).toArray(String[]::new);
    DataFrameReader reader = DatasetReader.reader(spark, input).option("basePath", root.toString());
    boolean partitionDeclared = false;
    if (input.schema() == null && "parquet".equals(input.format()) && !mergesSchemas(spark, input)) {
      // The schema Spark would infer, read on the driver: saves the Spark job Parquet schema inference runs. The
      // partition column is declared so that no cast runs on every row and the output directories are named exactly
      // as the input's: a date when every value is an ISO date as it stands (a date sorts fastest before the
      // partitioned write), else a string holding the directory name.
      Optional<StructType> schema = ParquetSchemas.writtenBySpark(firstFile.get(), conf)
          .filter(s -> !List.of(s.fieldNames()).contains(partition));
      if (schema.isPresent()) {
        boolean dates = withData.stream().allMatch(BatchReader::isIsoDate);
        reader = reader.schema(schema.get().add(partition, dates ? DataTypes.DateType : DataTypes.StringType));
        partitionDeclared = true;
      }
    }
    Dataset<Row> batch = reader.load(dirs);
    if (!List.of(batch.columns()).contains(partition)) {
      throw new InputDataException(String.format(
          "the batch under %s has no partition column '%s'; check predict.partition in the job spec",
          Redaction.path(root.toString()), partition));
    }
    if (!partitionDeclared) {
      batch = batch.withColumn(partition, functions.col(partition).cast("string"));
    }
    return new BatchInput(batch, withData, empty, bytes);
  }

  /**
   * A batch split by whether its partitions hold data.
   *
   * @param data the rows of the partitions with data, or null when there are none
   * @param withData partition values with data files
   * @param empty partition values whose directories hold no data file
   * @param bytes the size of the data files directly in the partition directories (0 when there are none)
   */
  public record BatchInput(Dataset<Row> data, List<String> withData, List<String> empty, long bytes) {}

  /** The first data file (by name) directly in a directory, if any, and the bytes of all of them. */
  private record Listing(Optional<FileStatus> first, long bytes) {}

  private static Listing list(Path dir, Configuration conf) {
    FileSystem fs = HadoopPaths.fileSystem(dir, conf);
    try {
      FileStatus first = null;
      long bytes = 0;
      for (FileStatus status : fs.listStatus(dir)) {
        String name = status.getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".") && (status.isDirectory() || status.getLen() > 0)) {
          bytes += status.getLen();
          if (first == null || name.compareTo(first.getPath().getName()) < 0) {
            first = status;
          }
        }
      }
      return new Listing(Optional.ofNullable(first), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** True when {@code value} is a date written as ISO {@code yyyy-MM-dd} would write it. */
  static boolean isIsoDate(String value) {
    try {
      return LocalDate.parse(value).toString().equals(value);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /** True when the reader is asked to merge the schemas of all files (option or session setting). */
  private static boolean mergesSchemas(SparkSession spark, InputSpec input) {
    for (var option : input.options().entrySet()) {
      if (option.getKey().equalsIgnoreCase("mergeSchema")) {
        return Boolean.parseBoolean(option.getValue());
      }
    }
    return Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.mergeSchema", "false"));
  }

  /** The partition values present under {@code root}, sorted. */
  public static List<String> listPartitions(Path root, String partition, Configuration conf) {
    FileSystem fs = HadoopPaths.fileSystem(root, conf);
    String prefix = partition + "=";
    List<String> values = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(root)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && name.startsWith(prefix)) {
          values.add(name.substring(prefix.length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list partitions under " + root, e);
    }
    values.sort(null);
    return values;
  }

  private static String describe(List<String> values) {
    if (values.isEmpty()) {
      return "none";
    }
    int shown = Math.min(values.size(), 5);
    String tail = values.size() > shown ? ", ... (" + values.size() + " in all)" : "";
    return String.join(", ", values.subList(values.size() - shown, values.size())) + tail;
  }
}
