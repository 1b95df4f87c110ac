package io.nightjar.io;

import io.nightjar.error.InputDataException;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads a Hive-style partitioned batch ({@code <root>/<partition>=YYYY-MM-DD/...}): one date, or every partition.
 *
 * <p>The partition column comes back as a string holding the directory's value, whatever type Spark would infer, so
 * the output is partitioned by exactly the same directory names.
 */
public final class BatchReader {
  private BatchReader() {}

  /**
   * Reads the batch.
   *
   * @param runDate the one partition to read, or empty for every partition under the root
   */
  public static Dataset<Row> read(SparkSession spark, InputSpec input, String partition, Optional<LocalDate> runDate) {
    Configuration conf = HadoopPaths.conf(spark);
    Path root = new Path(input.path());
    if (!HadoopPaths.exists(root, conf)) {
      throw new InputDataException(String.format(
          "batch root %s does not exist; check predict.input.path in the job spec", root));
    }
    Dataset<Row> batch;
    if (runDate.isPresent()) {
      Path dir = new Path(root, partition + "=" + runDate.get());
      if (!HadoopPaths.exists(dir, conf)) {
        throw new InputDataException(String.format(
            "no partition %s=%s under %s (partitions present: %s); check --run-date or wait for the upstream data",
            partition, runDate.get(), root, describe(listPartitions(root, partition, conf))));
      }
      batch = DatasetReader.reader(spark, input).option("basePath", root.toString()).load(dir.toString());
    } else {
      if (listPartitions(root, partition, conf).isEmpty()) {
        throw new InputDataException(String.format(
            "no %s=... partition directories under %s; predict reads Hive-style partitioned batches", partition, root));
      }
      batch = DatasetReader.reader(spark, input).load(root.toString());
    }
    if (!List.of(batch.columns()).contains(partition)) {
      throw new InputDataException(String.format(
          "the batch under %s has no partition column '%s'; check predict.partition in the job spec", root, partition));
    }
    return batch.withColumn(partition, functions.col(partition).cast("string"));
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
