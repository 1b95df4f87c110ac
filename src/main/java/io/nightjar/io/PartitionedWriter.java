package io.nightjar.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Partitioned Parquet writes: {@link #write} replaces the partitions present in the data of an existing output
 * (per-write dynamic partition overwrite), {@link #writeNew} creates a new one without sorting.
 */
public final class PartitionedWriter {
  /** Files a task of {@link #writeNew} keeps open at once, one per partition value; it sorts only beyond that. */
  static final int OPEN_FILES_PER_TASK = 4;

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
   * Writes {@code data} partitioned by {@code partition} to {@code outputPath}, which must not exist yet.
   *
   * <p>Spark's partitioned write sorts every row by the partition value first, so that each task writes one file at
   * a time. A scoring pass reads one file per task, and a file lies in one partition, so that sort buys nothing and
   * costs a copy of every row. Here each task keeps a file open per partition value it meets, up to
   * {@link #OPEN_FILES_PER_TASK}, and sorts only the rows beyond (Spark's concurrent output writers), which gives the
   * same files without the sort. Columns in {@code noDictionary} (continuous scores, where a dictionary never pays)
   * are written without dictionary encoding.
   */
  public static void writeNew(SparkSession spark, Dataset<Row> data, String outputPath, String partition,
      List<String> noDictionary) {
    DataFrameWriter<Row> writer = data.write().mode(SaveMode.ErrorIfExists).partitionBy(partition);
    for (String column : noDictionary) {
      // Parquet's per-column form of a writer setting, "<setting>#<column>".
      writer = writer.option("parquet.enable.dictionary#" + column, "false");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    // The sort is otherwise planned with the query, before the writer could choose to keep several files open.
    settings.put("spark.sql.optimizer.plannedWrite.enabled", "false");
    settings.put("spark.sql.maxConcurrentOutputFileWriters", String.valueOf(OPEN_FILES_PER_TASK));
    DataFrameWriter<Row> configured = writer;
    withSettings(spark, settings, () -> configured.parquet(outputPath));
  }

  /** Runs {@code work} with the given session settings, then puts back what was set before. */
  private static void withSettings(SparkSession spark, Map<String, String> settings, Runnable work) {
    Map<String, String> before = new LinkedHashMap<>();
    settings.keySet().forEach(key -> before.put(key, spark.conf().get(key, null)));
    settings.forEach((key, value) -> spark.conf().set(key, value));
    try {
      work.run();
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }
}
