package io.nightjar.pipeline;

import io.nightjar.spec.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;

/**
 * The tabular pipeline: impute missing numbers with the training median, index and one-hot encode categories (a
 * category not seen in training, or a missing one, encodes to all zeros), assemble, and fit an elastic-net
 * {@link LinearRegression}.
 */
final class ElasticNetPipeline {
  static final Map<String, String> RESERVED = Map.of(
      "featuresCol", "columns.features",
      "labelCol", "columns.label",
      "predictionCol", "nothing: the output column is always 'prediction'",
      "weightCol", "nothing: row weights are not supported yet");

  private ElasticNetPipeline() {}

  static Pipeline build(JobSpec spec, TabularFeatures features) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    if (!features.numeric().isEmpty()) {
      String[] in = features.numeric().toArray(String[]::new);
      String[] out = features.numeric().stream().map(Columns::imputed).toArray(String[]::new);
      stages.add(new Imputer().setStrategy("median").setInputCols(in).setOutputCols(out));
      assembled.addAll(List.of(out));
    }
    if (!features.categorical().isEmpty()) {
      String[] in = features.categorical().toArray(String[]::new);
      String[] indexed = features.categorical().stream().map(Columns::indexed).toArray(String[]::new);
      String[] encoded = features.categorical().stream().map(Columns::encoded).toArray(String[]::new);
      // "keep" sends unseen and missing categories to one spare index; dropLast then encodes it as all zeros.
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(indexed).setHandleInvalid("keep"));
      stages.add(new OneHotEncoder().setInputCols(indexed).setOutputCols(encoded).setDropLast(true));
      assembled.addAll(List.of(encoded));
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(Columns.FEATURES));
    LinearRegression regression = EstimatorParams.apply(new LinearRegression(), spec.params(), RESERVED)
        .setFeaturesCol(Columns.FEATURES)
        .setLabelCol(spec.tabularColumns().label())
        .setPredictionCol(Columns.PREDICTION);
    stages.add(regression);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }
}
