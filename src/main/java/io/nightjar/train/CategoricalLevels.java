package io.nightjar.train;

import io.nightjar.contract.InputContract;
import io.nightjar.pipeline.TabularFeatures;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;

/** The categorical levels a fitted tabular pipeline learned, for the manifest's input contract. */
final class CategoricalLevels {
  private CategoricalLevels() {}

  static Map<String, List<String>> of(PipelineModel model, TabularFeatures features) {
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (Transformer stage : model.stages()) {
      if (stage instanceof StringIndexerModel indexer) {
        String[] inputs = indexer.getInputCols();
        String[][] labels = indexer.labelsArray();
        for (int k = 0; k < inputs.length; k++) {
          if (features.categorical().contains(inputs[k]) && labels[k].length <= InputContract.MAX_LEVELS) {
            levels.put(inputs[k], Arrays.asList(labels[k]));
          }
        }
      }
    }
    return levels;
  }
}
