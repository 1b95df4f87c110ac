package io.nightjar.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a dataset lives and how to read it.
 *
 * @param path any Hadoop path (local, {@code file://}, {@code hdfs://}, {@code s3a://})
 * @param format one of {@link #FORMATS}
 * @param options Spark data source options, passed to the reader as given
 * @param schema the input's schema as a Spark DDL string ({@code "user_id STRING, rating DOUBLE"}), or null to use the
 *     file's own (Parquet) or to infer it (CSV, JSON)
 */
public record InputSpec(String path, String format, Map<String, String> options, String schema) {
  public static final List<String> FORMATS = List.of("parquet", "csv", "json");
  public static final String DEFAULT_FORMAT = "parquet";
  static final Set<String> KEYS = Set.of("path", "format", "options", "schema");

  public InputSpec {
    options = Map.copyOf(options);
  }

  static InputSpec read(SpecNode node) {
    return new InputSpec(
        node.requiredString("path"),
        node.optionalChoice("format", DEFAULT_FORMAT, FORMATS),
        node.optionalStringMap("options"),
        node.optionalString("schema", null));
  }
}
