package io.nightjar.pipeline;

import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.spec.TabularColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * The feature columns of a tabular job, split into numeric (imputed) and categorical (one-hot encoded).
 *
 * @param numeric numeric feature columns, in input order
 * @param categorical categorical feature columns, in input order
 */
public record TabularFeatures(List<String> numeric, List<String> categorical) {
  public TabularFeatures {
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
  }

  public List<String> all() {
    List<String> all = new ArrayList<>(numeric);
    all.addAll(categorical);
    return all;
  }

  /**
   * Resolves the spec's columns against the training schema.
   *
   * @param excluded columns never used as features by default (the predict partition column)
   */
  public static TabularFeatures resolve(TabularColumns spec, StructType schema, Set<String> excluded) {
    List<String> present = List.of(schema.fieldNames());
    List<String> features = new ArrayList<>();
    if (spec.features().isEmpty()) {
      for (String name : present) {
        if (!name.equals(spec.label()) && !excluded.contains(name)) {
          features.add(name);
        }
      }
    } else {
      features.addAll(spec.features());
    }
    requirePresent(features, present, "columns.features");
    requirePresent(spec.categorical(), present, "columns.categorical");
    if (features.contains(spec.label())) {
      throw new JobSpecException("columns.features lists the label column '" + spec.label() + "'; remove it");
    }
    for (String categorical : spec.categorical()) {
      if (!features.contains(categorical)) {
        throw new JobSpecException(String.format(
            "columns.categorical lists '%s', which is not among columns.features %s; add it there or remove it",
            categorical, features));
      }
    }
    if (features.isEmpty()) {
      throw new InputDataException("the training input has no feature columns besides the label '"
          + spec.label() + "'; columns present: " + present);
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (String name : features) {
      DataType type = schema.apply(name).dataType();
      boolean declaredCategorical = spec.categorical().contains(name);
      if (declaredCategorical || (spec.categorical().isEmpty() && type instanceof StringType)) {
        if (!(type instanceof StringType || type instanceof NumericType)) {
          throw new InputDataException(unsupported(name, type, "a categorical column must be a string or a number"));
        }
        categorical.add(name);
      } else if (type instanceof NumericType) {
        numeric.add(name);
      } else {
        throw new InputDataException(unsupported(name, type,
            "list it under columns.categorical if its values are categories, or leave it out of columns.features"));
      }
    }
    return new TabularFeatures(numeric, categorical);
  }

  /** The type the label column must have, checked before training. */
  public static void requireNumericLabel(StructType schema, String label) {
    List<String> present = List.of(schema.fieldNames());
    if (!present.contains(label)) {
      throw new InputDataException("the label column '" + label + "' (columns.label) is not in the input; columns "
          + "present: " + present);
    }
    DataType type = schema.apply(label).dataType();
    if (!(type instanceof NumericType)) {
      throw new InputDataException(unsupported(label, type, "the label must be numeric"));
    }
  }

  private static String unsupported(String name, DataType type, String advice) {
    return String.format("column '%s' has type %s; %s", name, type.simpleString(), advice);
  }

  private static void requirePresent(List<String> wanted, List<String> present, String key) {
    List<String> missing = new ArrayList<>(wanted);
    missing.removeAll(present);
    if (!missing.isEmpty()) {
      throw new InputDataException(String.format(
          "%s names %s, not in the input; columns present: %s", key, missing, present));
    }
  }
}
