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
 * @param phaseMillis wall time of each phase of the run, in order (verify model, load model, read batch, score and
 *     write, count written rows, ...), in milliseconds
 * @param coldStart ALS only (else null): scored rows that took the cold-start path, by case ({@code userUnseen},
 *     {@code itemUnseen}, {@code bothUnseen})
 * @param scoring how the pipeline scored: {@code compiled} (plain Spark SQL expressions read off the fitted stages)
 *     or {@code spark} ({@code PipelineModel.transform})
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
    String rejectedPath,
    Map<String, Long> phaseMillis,
    Map<String, Long> coldStart,
    String scoring) {

  /**
   * One partition's accounting: {@code rowsRead == rowsScored + rowsRejected}.
   *
   * @param value the partition value (the date)
   * @param rowsRead rows read
   * @param rowsScored rows written to the output
   * @param rowsRejected rows written to the rejected-rows output
   * @param rejectedByReason rejected rows by reason
   * @param filesWritten data files of scores written for the partition
   */
  public record PartitionReport(String value, long rowsRead, long rowsScored, long rowsRejected,
      Map<String, Long> rejectedByReason, int filesWritten) {

    /** A partition with no score files. */
    public PartitionReport(String value, long rowsRead, long rowsScored, long rowsRejected,
        Map<String, Long> rejectedByReason) {
      this(value, rowsRead, rowsScored, rowsRejected, rejectedByReason, 0);
    }
  }
}
