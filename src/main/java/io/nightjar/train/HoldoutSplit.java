package io.nightjar.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.unix_micros;

import io.nightjar.error.InputDataException;
import io.nightjar.spec.EvaluationSpec;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Splits the usable rows into training and holdout: at random with the job's seed, or by time when the spec names a
 * time column (train on the past, evaluate on the most recent rows).
 *
 * @param training the rows to tune and fit on
 * @param holdout the rows to evaluate on, never trained on
 * @param cutoff for a time split, the first instant (as the column's own value) in the holdout; null otherwise
 */
record HoldoutSplit(Dataset<Row> training, Dataset<Row> holdout, String cutoff) {

  static HoldoutSplit of(Dataset<Row> usable, EvaluationSpec evaluation, long seed) {
    double fraction = evaluation.holdoutFraction();
    if (evaluation.timeColumn() == null) {
      Dataset<Row>[] split = usable.randomSplit(new double[] {1.0 - fraction, fraction}, seed);
      return new HoldoutSplit(split[0], split[1], null);
    }
    String time = evaluation.timeColumn();
    Column ordinal = ordinal(usable.schema(), time);
    Dataset<Row> keyed = usable.withColumn("__nj_time", ordinal);
    double[] cut = keyed.stat().approxQuantile("__nj_time", new double[] {1.0 - fraction}, 0.0005);
    if (cut.length == 0 || Double.isNaN(cut[0])) {
      throw new InputDataException("cannot split by evaluation.timeColumn '" + time + "': it has no values");
    }
    Dataset<Row> training = keyed.where(col("__nj_time").lt(cut[0])).drop("__nj_time");
    Dataset<Row> holdout = keyed.where(col("__nj_time").geq(cut[0])).drop("__nj_time");
    Row cutoffRow = keyed.where(col("__nj_time").geq(cut[0])).orderBy(col("__nj_time")).select(col(time)).first();
    return new HoldoutSplit(training, holdout, String.valueOf(cutoffRow.get(0)));
  }

  /** Fails with what to do unless {@code time} is a numeric, date or timestamp column of the input. */
  static void requireTimeColumn(StructType schema, String time) {
    if (!Arrays.asList(schema.fieldNames()).contains(time)) {
      throw new InputDataException(String.format("evaluation.timeColumn '%s' is not a column of the training input; "
          + "columns present: %s", time, Arrays.toString(schema.fieldNames())));
    }
    DataType type = schema.apply(time).dataType();
    if (!(type instanceof NumericType || type.equals(DataTypes.DateType) || type.equals(DataTypes.TimestampType)
        || type.equals(DataTypes.TimestampNTZType))) {
      throw new InputDataException(String.format("evaluation.timeColumn '%s' has type %s; it must be a date, a "
          + "timestamp or a number (such as epoch seconds); declare it with input.schema if the file holds text",
          time, type.simpleString()));
    }
  }

  private static Column ordinal(StructType schema, String time) {
    DataType type = schema.apply(time).dataType();
    if (type.equals(DataTypes.DateType)) {
      return unix_date(col(time)).cast("double");
    }
    if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
      return unix_micros(col(time).cast("timestamp")).cast("double");
    }
    return col(time).cast("double");
  }
}
