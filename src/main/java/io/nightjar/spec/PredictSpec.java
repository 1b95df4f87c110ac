package io.nightjar.spec;

import java.util.Set;

/**
 * Where predict mode reads its batches and writes its scores.
 *
 * @param input the batch root, holding Hive-style {@code <partition>=YYYY-MM-DD} directories
 * @param outputPath the output root; partitioned by the same column
 * @param partition the partition column name
 */
public record PredictSpec(InputSpec input, String outputPath, String partition) {
  public static final String DEFAULT_PARTITION = "ds";
  static final Set<String> KEYS = Set.of("input", "output", "partition");
  static final Set<String> OUTPUT_KEYS = Set.of("path");

  static PredictSpec read(SpecNode node) {
    if (node == null) {
      return null;
    }
    InputSpec input = InputSpec.read(node.requiredChild("input", InputSpec.KEYS));
    String output = node.requiredChild("output", OUTPUT_KEYS).requiredString("path");
    String partition = node.optionalString("partition", DEFAULT_PARTITION);
    if (!partition.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw node.invalid("partition", "'" + partition + "'", "a plain column name such as ds");
    }
    return new PredictSpec(input, output, partition);
  }
}
