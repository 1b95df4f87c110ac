package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.nightjar.error.InputDataException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

/** What a label column holds: two classes 0 and 1 ({@link #BINARY}), or anything else ({@link #OTHER}). */
public enum LabelKind {
  /** Every non-null value is 0 or 1 (numbers) or false/true (booleans). */
  BINARY,
  /** Any other label: other numbers, other types, or no non-null value at all. */
  OTHER;

  /** How many examples of offending values an error names. */
  static final int EXAMPLES = 5;

  /**
   * Counts of a label column from one aggregation.
   *
   * @param column the label column
   * @param type its Spark type
   * @param rows every row
   * @param nulls rows whose label is null (or NaN)
   * @param zeros rows labelled 0 (false)
   * @param ones rows labelled 1 (true)
   */
  public record Summary(String column, DataType type, long rows, long nulls, long zeros, long ones) {
    /** Non-null labels that are neither 0 nor 1. */
    public long others() {
      return rows - nulls - zeros - ones;
    }

    /** {@link #BINARY} when every non-null label is 0 or 1 and there is at least one. */
    public LabelKind kind() {
      return zeros + ones > 0 && others() == 0 ? BINARY : OTHER;
    }

    /** The share of the non-null labels that are 1 (0 when there are none). */
    public double positiveRate() {
      return zeros + ones == 0 ? 0.0 : (double) ones / (zeros + ones);
    }
  }

  /**
   * Summarises {@code label} in one aggregation. A label of a type other than numeric or boolean is {@link #OTHER}
   * without reading any row (the counts are then -1).
   */
  public static Summary summarize(Dataset<Row> data, String label) {
    DataType type = requireColumn(data, label);
    if (!isNumericOrBoolean(type)) {
      return new Summary(label, type, -1, -1, -1, -1);
    }
    Column y = col(label).cast("double");
    Column missing = y.isNull().or(y.isNaN());
    Row row = data.agg(
            count(lit(1)),
            sum(when(missing, 1L).otherwise(0L)),
            sum(when(not(missing).and(y.equalTo(0.0)), 1L).otherwise(0L)),
            sum(when(not(missing).and(y.equalTo(1.0)), 1L).otherwise(0L)))
        .first();
    long rows = row.getLong(0);
    return rows == 0 ? new Summary(label, type, 0, 0, 0, 0)
        : new Summary(label, type, rows, row.getLong(1), row.getLong(2), row.getLong(3));
  }

  /** The kind of {@code label}, from one aggregation. */
  public static LabelKind detect(Dataset<Row> data, String label) {
    return summarize(data, label).kind();
  }

  /**
   * Checks that {@code label} can train a binomial model: numeric or boolean, no nulls, only 0 and 1, both present.
   *
   * @return the summary (its positive rate is the training positive rate)
   * @throws InputDataException naming the column, the counts and up to 5 offending values, and what to do
   */
  public static Summary requireBinary(Dataset<Row> data, String label) {
    Summary summary = summarize(data, label);
    if (summary.rows() < 0) {
      throw new InputDataException(String.format(
          "family binomial needs a label of 0 and 1, but the label column '%s' has type %s; give it numeric 0/1 "
              + "(or boolean) values, or use family gaussian for a numeric target", label, summary.type().simpleString()));
    }
    if (summary.others() > 0) {
      throw new InputDataException(String.format(
          "family binomial needs a label of 0 and 1, but %d of %d rows of the label column '%s' hold other values, "
              + "for example %s; recode the label to 0/1, or use family gaussian for a numeric target",
          summary.others(), summary.rows(), label, offending(data, label)));
    }
    if (summary.nulls() > 0) {
      throw new InputDataException(String.format(
          "family binomial needs a label of 0 and 1, but %d of %d rows of the label column '%s' have no label (null "
              + "or NaN); drop or fill those rows", summary.nulls(), summary.rows(), label));
    }
    if (summary.zeros() == 0 || summary.ones() == 0) {
      throw new InputDataException(String.format(
          "family binomial needs both classes, but all %d rows of the label column '%s' are %s; train on data "
              + "holding both 0 and 1 labels", summary.rows(), label, summary.ones() == 0 ? "0" : "1"));
    }
    return summary;
  }

  /** {@code data} with {@code label} cast to double (true = 1.0), as LogisticRegression needs; other columns kept. */
  public static Dataset<Row> withDoubleLabel(Dataset<Row> data, String label) {
    return data.withColumn(label, col(label).cast("double"));
  }

  private static List<String> offending(Dataset<Row> data, String label) {
    Column y = col(label).cast("double");
    List<String> examples = new ArrayList<>();
    for (Row row : data.select(col(label)).where(y.isNotNull().and(not(y.isNaN()))
            .and(y.notEqual(0.0)).and(y.notEqual(1.0))).distinct().limit(EXAMPLES).collectAsList()) {
      examples.add(String.valueOf(row.get(0)));
    }
    examples.sort(null);
    return examples;
  }

  private static DataType requireColumn(Dataset<Row> data, String label) {
    List<String> present = List.of(data.schema().fieldNames());
    if (!present.contains(label)) {
      throw new InputDataException("the label column '" + label + "' (columns.label) is not in the input; columns "
          + "present: " + present);
    }
    return data.schema().apply(label).dataType();
  }

  private static boolean isNumericOrBoolean(DataType type) {
    return type instanceof NumericType || type instanceof BooleanType;
  }
}
