package io.nightjar.recommend;

/**
 * What one recommend run did, written as JSON to {@code <output>/_runs/<runId>.json} before the completion marker.
 *
 * @param runId unique id of the run
 * @param job the job name
 * @param modelVersion the model version that scored
 * @param host where the driver ran
 * @param startedAt ISO-8601 start
 * @param finishedAt ISO-8601 end
 * @param durationMillis wall time
 * @param partition the partition column and value written, e.g. {@code ds=2026-11-20}
 * @param k items per user asked for
 * @param excludeSeen whether items a user rated in the training input were left out
 * @param usersInput the users list read, or null when every user of the model was scored
 * @param usersRequested distinct users asked for (every user the model knows, or the distinct ids of the list)
 * @param usersKnown requested users the model knows
 * @param usersUnknown requested users the model does not know (listed users only)
 * @param unknownUsers what became of the unknown users: {@code baseline} (ranked by the model's item biases, the
 *     model's own prediction for a user it has not seen) or {@code skipped} (a model without biases has no
 *     prediction for them)
 * @param usersInvalid list rows whose id was null or not a value of the job's user id type; skipped
 * @param usersWritten distinct users with at least one recommendation written
 * @param rowsWritten recommendation rows written
 * @param filesWritten Parquet files written under the partition
 * @param maxFilesPerPartition the configured cap on files per partition
 * @param usersPerSecond requested users per second of wall time
 */
public record RecommendReport(
    String runId,
    String job,
    String modelVersion,
    String host,
    String startedAt,
    String finishedAt,
    long durationMillis,
    String partition,
    int k,
    boolean excludeSeen,
    String usersInput,
    long usersRequested,
    long usersKnown,
    long usersUnknown,
    String unknownUsers,
    long usersInvalid,
    long usersWritten,
    long rowsWritten,
    long filesWritten,
    int maxFilesPerPartition,
    double usersPerSecond) {}
