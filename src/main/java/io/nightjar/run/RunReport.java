package io.nightjar.run;

import java.util.List;
import java.util.Map;

/**
 * What one predict run did, written as JSON to {@code <output>/_runs/<runId>.json} before the completion markers.
 *
 * @param runId unique id of the run
 * @param job the job name
 * @param modelVersion the model version that scored
 * @param host where the driver ran
 * @param startedAt ISO-8601 start
 * @param finishedAt ISO-8601 end
 * @param durationMillis wall time
 * @param partitions per-partition row accounting
 * @param rowsRead rows read in all
 * @param rowsScored rows scored in all
 * @param rowsRejected rows rejected in all
 * @param rejectedByReason rejected rows by reason, in all
 * @param rejectedPath where the rejected rows were written
 */
public record RunReport(
    String runId,
    String job,
    String modelVersion,
    String host,
    String startedAt,
    String finishedAt,
    long durationMillis,
    List<PartitionReport> partitions,
    long rowsRead,
    long rowsScored,
    long rowsRejected,
    Map<String, Long> rejectedByReason,
    String rejectedPath) {

  /**
   * One partition's accounting: {@code rowsRead == rowsScored + rowsRejected}.
   *
   * @param value the partition value (the date)
   * @param rowsRead rows read
   * @param rowsScored rows written to the output
   * @param rowsRejected rows written to the rejected-rows output
   * @param rejectedByReason rejected rows by reason
   */
  public record PartitionReport(
      String value, long rowsRead, long rowsScored, long rowsRejected, Map<String, Long> rejectedByReason) {}
}
