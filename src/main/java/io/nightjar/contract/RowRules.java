package io.nightjar.contract;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Why a row cannot be used: a column expression that is null for a good row and names the first problem otherwise.
 * Missing numeric features (null or NaN) are not a problem: the pipeline imputes them; a missing category encodes as
 * unknown. Missing ids and targets, and infinite numbers, are.
 */
public final class RowRules {
  /** The column holding the reason in the rejected-rows output. */
  public static final String REJECT_REASON = "reject_reason";

  private final List<Column> conditions = new ArrayList<>();
  private final List<String> reasons = new ArrayList<>();
  /** The same conditions, each false rather than null where a value is missing, and as small as Spark allows. */
  private final List<Column> compact = new ArrayList<>();

  /** Rows whose {@code column} is null are rejected as {@code null_<column>}. */
  public RowRules requirePresent(String column) {
    conditions.add(col(quote(column)).isNull());
    reasons.add("null_" + column);
    compact.add(col(quote(column)).isNull());
    return this;
  }

  /** Rows whose numeric {@code column} is null, NaN or infinite are rejected as {@code non_finite_<column>}. */
  public RowRules requireFinite(String column) {
    Column value = col(quote(column)).cast("double");
    conditions.add(value.isNull().or(isnan(value)).or(infinite(value)));
    reasons.add("non_finite_" + column);
    compact.add(value.isNull().or(isnan(value)).or(abs(value).eqNullSafe(lit(Double.POSITIVE_INFINITY))));
    return this;
  }

  /** Rows whose numeric {@code column} is infinite are rejected as {@code infinite_<column>}; null and NaN pass. */
  public RowRules rejectInfinite(String column) {
    conditions.add(infinite(col(quote(column)).cast("double")));
    reasons.add("infinite_" + column);
    compact.add(abs(col(quote(column)).cast("double")).eqNullSafe(lit(Double.POSITIVE_INFINITY)));
    return this;
  }

  /** The reason expression: null when every rule passes. */
  public Column reason() {
    if (conditions.isEmpty()) {
      return lit(null).cast("string");
    }
    Column reason = when(conditions.get(0), lit(reasons.get(0)));
    for (int k = 1; k < conditions.size(); k++) {
      reason = reason.when(conditions.get(k), lit(reasons.get(k)));
    }
    return reason;
  }

  /**
   * True exactly where {@link #reason()} is not null, never null itself: the filter for the rows to keep or reject.
   * Cheaper than testing the reason, and small, which matters: Spark generates one Java method for the filter, the
   * model and the write's projection together, and the JVM leaves a method of more than 8000 bytes of bytecode
   * uncompiled, which makes the whole pass several times slower.
   */
  public Column anyFails() {
    return compact.isEmpty() ? lit(false) : anyOf(compact, 0, compact.size());
  }

  /**
   * The OR of {@code conditions[from, to)} as a balanced tree: a chain of n ORs nests one expression n deep, and
   * Spark's recursive passes over it overflow the stack once a batch has some hundreds of columns. Each condition is
   * never null, so the grouping does not change the result.
   */
  private static Column anyOf(List<Column> conditions, int from, int to) {
    if (to - from == 1) {
      return conditions.get(from);
    }
    int middle = (from + to) >>> 1;
    return anyOf(conditions, from, middle).or(anyOf(conditions, middle, to));
  }

  private static Column infinite(Column value) {
    return value.equalTo(Double.POSITIVE_INFINITY).or(value.equalTo(Double.NEGATIVE_INFINITY));
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
