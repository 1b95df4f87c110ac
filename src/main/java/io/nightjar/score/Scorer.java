package io.nightjar.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns a batch into scores with a fitted pipeline. Whatever the method, the result is every column of the batch,
 * in order, followed by {@link io.nightjar.pipeline.Columns#PREDICTION} as a double, then
 * {@link io.nightjar.pipeline.ElasticNetPipeline#PROBABILITY} (the probability of class 1) for a binomial model, and
 * {@link io.nightjar.pipeline.Columns#COLD_START} for an ALS model. No row is added or dropped.
 */
public interface Scorer {
  /** The scored batch; lazy, like any Spark transformation. */
  Dataset<Row> score(Dataset<Row> batch);

  /** How this scorer computes, for logs and the run report: {@code compiled} or {@code spark}. */
  String method();

  /**
   * Everything this scorer computes with, as JSON a manifest can hold ({@link Scorers#fromParameters} rebuilds the
   * scorer from it without the pipeline); empty when the scorer needs the loaded pipeline itself. Two scorers with
   * equal parameters score alike.
   */
  default Optional<JsonNode> parameters() {
    return Optional.empty();
  }
}
