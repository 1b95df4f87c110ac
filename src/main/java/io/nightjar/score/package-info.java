/**
 * Scoring a batch with a loaded pipeline: the pipeline's own {@code PipelineModel.transform}, or the same pipeline
 * compiled into plain Spark SQL expressions and broadcast lookups, which give the same scores at close to the cost
 * of reading and writing the batch.
 */
package io.nightjar.score;
