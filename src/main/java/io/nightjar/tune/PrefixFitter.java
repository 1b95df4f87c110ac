package io.nightjar.tune;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits the stages before the learner on one fold's training rows, for {@link GridTuner}: the fitted stages, and the
 * training rows as the learner reads them. {@link #standard()} is {@code Pipeline.fit} then {@code transform}; a
 * pipeline kind that can do the same with fewer passes over the rows supplies its own.
 */
@FunctionalInterface
public interface PrefixFitter {
  /**
   * @param prefix the stages before the learner, none of them fitted
   * @param train one fold's training rows
   */
  Fitted fit(PipelineStage[] prefix, Dataset<Row> train);

  /**
   * @param model the fitted stages; they transform the fold's validation rows
   * @param train the fold's training rows transformed by {@code model}, or at least the columns the learner reads
   */
  record Fitted(PipelineModel model, Dataset<Row> train) {}

  /** {@code Pipeline.fit} on the training rows, then their transform. */
  static PrefixFitter standard() {
    return (prefix, train) -> {
      PipelineModel model = new Pipeline().setStages(prefix).fit(train);
      return new Fitted(model, model.transform(train));
    };
  }
}
