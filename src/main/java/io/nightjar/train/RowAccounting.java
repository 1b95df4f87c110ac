package io.nightjar.train;

import static org.apache.spark.sql.functions.col;

import io.nightjar.contract.RowRules;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rows read, usable and excluded by reason, counted in one pass over the tagged input.
 *
 * @param read rows read
 * @param usable rows with no reason against them
 * @param excludedByReason the other rows, by reason
 */
record RowAccounting(long read, long usable, Map<String, Long> excludedByReason) {
  static RowAccounting of(Dataset<Row> tagged) {
    long usable = 0;
    Map<String, Long> excluded = new TreeMap<>();
    for (Row row : tagged.groupBy(col(RowRules.REJECT_REASON)).count().collectAsList()) {
      if (row.isNullAt(0)) {
        usable = row.getLong(1);
      } else {
        excluded.put(row.getString(0), row.getLong(1));
      }
    }
    long total = usable + excluded.values().stream().mapToLong(Long::longValue).sum();
    return new RowAccounting(total, usable, Map.copyOf(excluded));
  }

  long excluded() {
    return read - usable;
  }
}
