package io.nightjar.spec;

import java.util.List;
import java.util.Set;

/**
 * Where predict mode reads its batches and writes its scores.
 *
 * @param input the batch root, holding Hive-style {@code <partition>=YYYY-MM-DD} directories
 * @param outputPath the output root; partitioned by the same column
 * @param partition the partition column name
 * @param filesPerPartition at most this many output files per partition value (scores are shuffled by partition
 *     value to get there), or 0 to write as the input is split (one file per input split and partition value, no
 *     shuffle)
 * @param scoring how the loaded pipeline scores: compiled to plain Spark SQL expressions (the default) or through
 *     {@code PipelineModel.transform}
 * @param outputColumns the batch columns written beside the scores ({@code predict.output.columns}), in this order;
 *     empty for every batch column. The partition column, the scores and {@code model_version} are always written.
 */
public record PredictSpec(InputSpec input, String outputPath, String partition, int filesPerPartition,
    ScoringMode scoring, List<String> outputColumns) {
  public static final String DEFAULT_PARTITION = "ds";
  static final Set<String> KEYS = Set.of("input", "output", "partition", "filesPerPartition", "scoring");

  public PredictSpec {
    outputColumns = List.copyOf(outputColumns);
  }

  /** Without a files-per-partition limit, compiled scoring, every batch column written. */
  public PredictSpec(InputSpec input, String outputPath, String partition) {
    this(input, outputPath, partition, 0, ScoringMode.COMPILED, List.of());
  }

  /** The same, written under other input and output paths. */
  public PredictSpec withPaths(InputSpec newInput, String newOutputPath) {
    return new PredictSpec(newInput, newOutputPath, partition, filesPerPartition, scoring, outputColumns);
  }

  static final Set<String> OUTPUT_KEYS = Set.of("path", "columns");

  static PredictSpec read(SpecNode node) {
    if (node == null) {
      return null;
    }
    InputSpec input = InputSpec.read(node.requiredChild("input", InputSpec.KEYS));
    SpecNode outputNode = node.requiredChild("output", OUTPUT_KEYS);
    String output = outputNode.requiredString("path");
    List<String> columns = outputNode.optionalStringList("columns");
    if (columns.size() != new java.util.HashSet<>(columns).size()) {
      throw outputNode.invalid("columns", columns.toString(), "a list of distinct batch column names");
    }
    String partition = node.optionalString("partition", DEFAULT_PARTITION);
    if (!partition.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw node.invalid("partition", "'" + partition + "'", "a plain column name such as ds");
    }
    long files = node.optionalLong("filesPerPartition", 0);
    if (files < 0 || files > 10_000) {
      throw node.invalid("filesPerPartition", String.valueOf(files),
          "a whole number from 1 to 10000, or 0 (the default) to write one file per input split and partition");
    }
    ScoringMode scoring = ScoringMode.fromSpec("predict.scoring",
        node.optionalString("scoring", ScoringMode.COMPILED.specName()));
    if (columns.contains(partition)) {
      throw outputNode.invalid("columns", columns.toString(), "batch columns other than the partition column '"
          + partition + "', which is always written");
    }
    return new PredictSpec(input, output, partition, (int) files, scoring, columns);
  }
}
