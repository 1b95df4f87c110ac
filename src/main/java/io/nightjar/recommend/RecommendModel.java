package io.nightjar.recommend;

import io.nightjar.error.ModelException;
import io.nightjar.pipeline.stage.BiasModel;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALSModel;

/**
 * The parts of a fitted ALS pipeline that top-K scoring needs: the id labels (index to original id), the baseline
 * biases when the pipeline has them, and the latent factors. A pipeline predicts
 * {@code mean + userBias + itemBias + x_u . y_i}; for one user the first two terms are constant, so items are ranked
 * by {@code itemBias + x_u . y_i} (by {@code x_u . y_i} alone when there is no bias stage, as in implicit models).
 *
 * @param userLabels original user ids (as strings) by index, which is also the ALS user id
 * @param itemLabels original item ids (as strings) by index, which is also the ALS item id
 * @param biases the baseline stage, if the pipeline has one
 * @param als the latent factors
 */
public record RecommendModel(String[] userLabels, String[] itemLabels, Optional<BiasModel> biases, ALSModel als) {

  /**
   * Finds the stages in a saved ALS pipeline.
   *
   * @param userColumn the job's user id column, which the indexer's first input must be
   */
  public static RecommendModel of(PipelineModel pipeline, String userColumn, String itemColumn) {
    StringIndexerModel indexer = null;
    BiasModel biases = null;
    ALSModel als = null;
    for (Transformer stage : pipeline.stages()) {
      if (stage instanceof StringIndexerModel s && indexer == null) {
        indexer = s;
      } else if (stage instanceof BiasModel b) {
        biases = b;
      } else if (stage instanceof ALSModel a) {
        als = a;
      }
    }
    if (indexer == null || als == null) {
      throw new ModelException("the saved pipeline " + pipeline.uid() + " is not an ALS pipeline with an id indexer"
          + " and an ALS model; recommend needs a model trained by an als job");
    }
    String[] inputs = indexer.getInputCols();
    if (inputs.length != 2 || !inputs[0].equals(userColumn) || !inputs[1].equals(itemColumn)) {
      throw new ModelException(String.format("the saved pipeline indexes the columns %s, but the job's columns are "
          + "user '%s' and item '%s'; train the model again with this job spec", String.join(", ", inputs),
          userColumn, itemColumn));
    }
    String[][] labels = indexer.labelsArray();
    return new RecommendModel(labels[0], labels[1], Optional.ofNullable(biases), als);
  }
}
