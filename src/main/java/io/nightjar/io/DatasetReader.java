package io.nightjar.io;

import io.nightjar.error.InputDataException;
import io.nightjar.spec.InputSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads an {@link InputSpec} into a DataFrame, failing fast on missing paths and malformed text records. */
public final class DatasetReader {
  private DatasetReader() {}

  /**
   * Reader options applied unless the spec sets them. Text formats fail on a malformed record instead of turning it
   * into nulls (Spark's PERMISSIVE default), so bad input is never silently scored or trained on.
   */
  static Map<String, String> defaultOptions(String format) {
    Map<String, String> defaults = new LinkedHashMap<>();
    switch (format) {
      case "csv" -> {
        defaults.put("header", "true");
        defaults.put("inferSchema", "true");
        defaults.put("mode", "FAILFAST");
      }
      case "json" -> defaults.put("mode", "FAILFAST");
      default -> { }
    }
    return defaults;
  }

  /** Reads the whole input. */
  public static Dataset<Row> read(SparkSession spark, InputSpec input, String role) {
    Path path = new Path(input.path());
    if (!HadoopPaths.exists(path, HadoopPaths.conf(spark))) {
      throw new InputDataException(String.format(
          "%s path %s does not exist; check input.path in the job spec or override it with --set", role,
          io.nightjar.run.Redaction.path(path.toString())));
    }
    return reader(spark, input).load(input.path());
  }

  /** A configured reader for {@code input}; callers add options such as basePath before loading. */
  static DataFrameReader reader(SparkSession spark, InputSpec input) {
    Map<String, String> options = defaultOptions(input.format());
    options.putAll(input.options());
    DataFrameReader reader = spark.read().format(input.format()).options(options);
    if (input.schema() != null) {
      try {
        reader = reader.schema(org.apache.spark.sql.types.StructType.fromDDL(input.schema()));
      } catch (Exception e) { // Spark's ParseException is checked in Scala's eyes only
        throw new io.nightjar.error.JobSpecException(String.format(
            "input schema '%s' is not a valid Spark DDL schema such as 'user_id STRING, rating DOUBLE': %s",
            input.schema(), String.valueOf(e.getMessage()).lines().findFirst().orElse("")), e);
      }
    }
    return reader;
  }
}
