package io.nightjar.contract;

import io.nightjar.error.InputDataException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/** Checks a batch's schema against a model's input contract before any work is done. */
public final class ContractCheck {
  private ContractCheck() {}

  /**
   * Fails naming every missing column and every column whose type cannot stand in for the training type. Numeric
   * types stand in for each other (the pipeline casts them); otherwise the type family must match. Extra columns are
   * fine: they pass through to the output untouched.
   */
  public static void check(StructType batch, InputContract contract, String where) {
    List<String> fieldNames = List.of(batch.fieldNames());
    List<String> problems = new ArrayList<>();
    for (InputContract.ColumnContract column : contract.columns()) {
      if (!fieldNames.contains(column.name())) {
        problems.add(String.format("column '%s' (%s, expected type %s) is missing", column.name(), column.role(),
            column.type()));
        continue;
      }
      DataType actual = batch.apply(column.name()).dataType();
      if (!family(actual).equals(family(column.type()))) {
        problems.add(String.format("column '%s' (%s) has type %s, expected %s", column.name(), column.role(),
            actual.simpleString(), column.type()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InputDataException(String.format("the batch %s does not match the model's input contract: %s; "
          + "fix the upstream data or retrain on data of the new shape; columns present: %s",
          where, String.join("; ", problems), fieldNames));
    }
  }

  private static String family(DataType type) {
    return type instanceof NumericType ? "numeric" : type.typeName();
  }

  private static String family(String simpleType) {
    return family(DataType.fromDDL(simpleType));
  }
}
