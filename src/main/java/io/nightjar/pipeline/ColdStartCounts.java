package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
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
  /** The names of the cold-start cases, as the run reports give them. */
  public static final List<String> CASES = List.of("userUnseen", "itemUnseen", "bothUnseen");

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
    List<Column> cases = byCase();
    Row row = scored.agg(count(lit(1)), cases.toArray(Column[]::new)).first();
    return new ColdStartCounts(row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3));
  }

  /**
   * The three counts as aggregate columns over rows with {@link Columns#COLD_START}, named {@link #CASES} in order
   * (for an observation, say): the flag is 1 when only the user is unseen, 2 only the item, 3 both.
   */
  public static List<Column> byCase() {
    List<Column> cases = new ArrayList<>();
    for (int k = 0; k < CASES.size(); k++) {
      cases.add(flagged(k + 1).as(CASES.get(k)));
    }
    return cases;
  }

  private static Column flagged(int value) {
    return coalesce(sum(when(col(Columns.COLD_START).equalTo(value), lit(1L)).otherwise(lit(0L))), lit(0L));
  }
}
