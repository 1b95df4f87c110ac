package io.nightjar.spec;

import java.util.List;
import java.util.Set;

/**
 * Columns of a tabular dataset.
 *
 * @param label the numeric target column, needed for training only
 * @param features feature columns; empty means every column except the label (and the predict partition column)
 * @param categorical feature columns to one-hot encode; empty means every string or boolean feature column
 */
public record TabularColumns(String label, List<String> features, List<String> categorical) implements ColumnsSpec {
  static final Set<String> KEYS = Set.of("label", "features", "categorical");

  public TabularColumns {
    features = List.copyOf(features);
    categorical = List.copyOf(categorical);
  }

  static TabularColumns read(SpecNode node) {
    return new TabularColumns(
        node.requiredString("label"), node.optionalStringList("features"), node.optionalStringList("categorical"));
  }
}
