package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How many rows an ALS pipeline scored from latent factors and how many fell back to the cold-start path, read from
 * {@link Columns#COLD_START} on the pipeline's output.
 *
 * @param rows every scored row
 * @param userUnseen rows whose user was not seen in training (the item was)
 * @param itemUnseen rows whose item was not seen in training (the user was)
 * @param bothUnseen rows where neither was seen
 */
public record ColdStartCounts(long rows, long userUnseen, long itemUnseen, long bothUnseen) {
  /** Rows scored by the cold-start path, whatever the side. */
  public long coldStart() {
    return userUnseen + itemUnseen + bothUnseen;
  }

  /**
   * Counts in one pass over {@code scored}, the output of an ALS {@code PipelineModel.transform}.
   *
   * @throws IllegalArgumentException when the dataset has no cold-start column (not an ALS pipeline's output, or a
   *     model saved before the column existed)
   */
  public static ColdStartCounts of(Dataset<Row> scored) {
    if (!java.util.List.of(scored.columns()).contains(Columns.COLD_START)) {
      throw new IllegalArgumentException("the scored rows have no column " + Columns.COLD_START + "; pass the output "
          + "of an ALS pipeline fitted by this version of Nightjar (retrain older models to get it)");
    }
    Row row = scored.agg(count(lit(1)), flagged(1), flagged(2), flagged(3)).first();
    return new ColdStartCounts(row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3));
  }

  private static Column flagged(int value) {
    return coalesce(sum(when(col(Columns.COLD_START).equalTo(value), lit(1L)).otherwise(lit(0L))), lit(0L));
  }
}
